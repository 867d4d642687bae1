"""`{% start_script %}`: the JSON script that static/js/admin.js starts, in the admin templates that replace
Wagtail's inline scripts (cms/admin_scripts.py)."""

import json

from django import template

from cms import admin_scripts

register = template.Library()


@register.simple_tag
def start_script(starter, *arguments, json_argument=None):
    """`starter(*arguments)`, followed by `json_argument` (a JSON text, such as a widget's configuration) if given."""
    if json_argument is not None:
        arguments = (*arguments, json.loads(json_argument))
    return admin_scripts.start_script(starter, *arguments)
