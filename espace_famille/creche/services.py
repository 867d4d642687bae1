"""Writes of the pre-registration: the draft, the submission, the instructors' decisions."""

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from commun.elision import de
from espace_famille.creche.models import CrecheApplication, CrecheDraft
from espace_famille.demandes import acknowledgements, kinds
from espace_famille.demandes import services as demandes_services
from espace_famille.demandes.exceptions import InvalidTransition
from espace_famille.demandes.models import EventKind, Request, RequestEvent, RequestKind, RequestState
from espace_famille.dossier.models import Family
from espace_famille.dossier.permissions import check_family_member
from espace_famille.planning.models import Facility, FacilityKind


class IncompleteApplication(InvalidTransition):
    """A submission whose draft misses a step."""


def draft_save(*, family: Family, values: dict, by: AbstractUser) -> CrecheDraft:
    """Merge one step's answers into the family's draft."""
    check_family_member(by=by, family=family)
    with transaction.atomic():
        draft, _ = CrecheDraft.objects.select_for_update().get_or_create(family=family)
        draft.data = {**draft.data, **values}
        draft.save(update_fields=["data", "updated_at"])
    return draft


def application_submit(*, family: Family, by: AbstractUser, steps_done: int = 3) -> Request:
    """Turn the family's draft into a Request and its frozen application, acknowledged by email."""
    check_family_member(by=by, family=family)
    with transaction.atomic():
        draft = CrecheDraft.objects.select_for_update().filter(family=family).first()
        if draft is None or not draft.data.get("entry_date") or not draft.data.get("child_first_name"):
            raise IncompleteApplication("La pré-inscription est incomplète.")
        data = draft.data
        ids = [data.get(f"choice{index}") for index in range(1, 5)]
        chosen = {f.pk: f for f in Facility.objects.filter(pk__in=[i for i in ids if i], kind=FacilityKind.CRECHE)}
        first = chosen.get(ids[0])
        if first is None:
            raise IncompleteApplication("Choisissez au moins une crèche.")
        frozen = {**data, "choice_names": [chosen[i].name for i in ids if i in chosen]}
        request = Request.objects.create(
            family=family,
            kind=RequestKind.CRECHE,
            author=by,
            subject=f"Pré-inscription {de(data['child_first_name'])} — {first.name}"[:200],
            start_date=data["entry_date"],
        )
        application = CrecheApplication.objects.create(
            request=request,
            data=frozen,
            child_first_name=data["child_first_name"],
            first_choice=first,
            entry_date=data["entry_date"],
        )
        application.choices.set(chosen.values())
        RequestEvent.objects.create(request=request, kind=EventKind.SUBMITTED, author=by)
        acknowledgements.request_received(request=request, by=by, now=timezone.now())
        log(instance=request, action="portail.creche.submit", user=by, data={"choices": list(chosen)})
        draft.delete()
    return request


# The crèche's decisions, as the decision framework names them.
DECISIONS = {RequestState.ACCEPTED: kinds.ACCEPT, RequestState.REFUSED: kinds.REFUSE, RequestState.WAITING: "waiting"}


def decide(*, request: Request, by: AbstractUser, decision: str, message: str = "") -> Request:
    """Accept, refuse or put on the waiting list a pending application; a waiting one is then accepted or refused.
    Through the decision framework (demandes.services.request_decide): the actor's permission, the lock, the
    request's state and event, its audit entry («portail.creche.<decision>») and the family's notice."""
    if decision not in DECISIONS:
        raise InvalidTransition("Décision inconnue.")
    return demandes_services.request_decide(request=request, by=by, decision=DECISIONS[decision], message=message)


def decision_outcome(*, request: Request, decision: str) -> kinds.Outcome:
    """What the framework records of a crèche decision on the locked request (its handler): the state, the audit
    action. A waiting application can be accepted or refused, not put on the waiting list again."""
    allowed = {RequestState.PENDING} | ({RequestState.WAITING} if decision != RequestState.WAITING else set())
    if request.kind != RequestKind.CRECHE or request.state not in allowed:
        raise InvalidTransition("Cette demande a déjà été traitée.")
    return kinds.Outcome(state=decision, action=f"portail.creche.{decision}")
