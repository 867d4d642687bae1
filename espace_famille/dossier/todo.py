"""The family file's part of «À faire» (commun.todo): the family the parent works on, and the children whose
hospitalisation authorisation is not given (the service cannot have them cared for in an emergency)."""

from datetime import date

from django.urls import reverse

from commun import todo
from espace_famille.dossier import selectors


def current_family(request):
    if not request.user.is_authenticated:
        return None
    return selectors.current_family(user=request.user, chosen_id=request.session.get("family_id"))


def family_choice(request) -> str:
    """The family chosen in the session (the `family_id` every view of the family space reads), if any: with the
    parent, it names the current one."""
    return str(request.session.get("family_id") or "")


def family_todo(*, family, user, today: date) -> list[todo.Todo]:
    return [
        todo.Todo(
            text=f"Autorisation d'hospitalisation non donnée pour {child.first_name}",
            detail="En cas d'urgence, le service ne peut pas faire soigner l'enfant à l'hôpital sans elle.",
            url=reverse("espace_famille:child_edit", args=[child.pk]),
            action=f"Compléter la fiche de {child.first_name}",
        )
        for child in family.children.filter(allows_hospitalisation=False).order_by("birth_date", "pk")
    ]
