"""{% menu "section" as items %}: the items of a menu of commun.menus shown to this request."""

from django import template

from commun import menus

register = template.Library()


@register.simple_tag(takes_context=True)
def menu(context, section: str) -> list[menus.Entry]:
    request = context.get("request")
    if request is None:
        return []
    return menus.entries(section, request, context.flatten())
