"""What a page kept on the device says of itself: the moment it was drawn («04/12/2026 à 14:32»)."""

from django import template
from django.utils import timezone

from commun import formats

register = template.Library()


@register.simple_tag
def drawn_at() -> str:
    return formats.datetime_numeric(timezone.now())
