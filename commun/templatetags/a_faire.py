"""`{% a_faire %}`: «À faire» and the children's next seven days, for the signed-in parent (commun.todo)."""

from django import template
from django.utils import timezone

from commun import todo

register = template.Library()


@register.inclusion_tag("commun/a_faire.html", takes_context=True)
def a_faire(context):
    request = context["request"]
    family = todo.current_family(request)
    if family is None:
        return {"family": None}
    today = timezone.localdate()
    return {
        "family": family,
        "items": todo.todo_for(family=family, user=request.user, today=today),
        "days": todo.upcoming_for(family=family, today=today),
        "today": today,
    }
