"""`{% a_faire %}`: «À faire» and the children's next seven days, for the signed-in parent (commun.todo).

The family's part is rendered once and kept until the next write to the database (commun.write_generation), for
the parent, their choice of family (commun.todo.family_choice) and the day: a parent who reloads the home page
reads it in one cache read, without reading their family, and whatever changes (an invoice paid, a day booked, a
message read, a document type made mandatory) shows at once."""

from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from commun import todo, write_generation

register = template.Library()
TEMPLATE = "commun/a_faire.html"


@register.simple_tag(takes_context=True)
def a_faire(context):
    request = context["request"]
    if not request.user.is_authenticated:
        return render_to_string(TEMPLATE, {"family": None})
    today = timezone.localdate()

    def render() -> str:
        family = todo.current_family(request)
        if family is None:
            return render_to_string(TEMPLATE, {"family": None})
        return render_to_string(
            TEMPLATE,
            {
                "family": family,
                "items": todo.todo_for(family=family, user=request.user, today=today),
                "days": todo.upcoming_for(family=family, today=today),
                "today": today,
            },
        )

    key = f"a_faire:{request.user.pk}:{todo.family_choice(request)}:{today.isoformat()}"
    return mark_safe(write_generation.cached(key, render))  # the template escaped what it holds
