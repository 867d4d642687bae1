"""{{ value|admin_display }}: a value as staff read it in the admin (commun.admin_display)."""

from django import template

from commun import admin_display as display

register = template.Library()

register.filter("admin_display", display.display)
