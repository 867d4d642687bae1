"""Writes of the pre-registration: the draft, the submission, the instructors' decisions."""

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from espace_famille.creche.models import CrecheApplication, CrecheDraft
from espace_famille.demandes import acknowledgements, digests
from espace_famille.demandes.exceptions import InvalidTransition
from espace_famille.demandes.models import DecisionNotice, EventKind, Request, RequestEvent, RequestKind, RequestState
from espace_famille.dossier.models import Family
from espace_famille.dossier.permissions import check_family_member
from espace_famille.planning.models import Facility, FacilityKind

WAITING_STATUS = RequestState.WAITING.label  # «Sur liste d'attente», the digest's «Statut»


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
            subject=f"Pré-inscription de {data['child_first_name']} — {first.name}"[:200],
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


def _locked(request: Request) -> Request:
    request = Request.objects.select_for_update(of=("self",)).get(pk=request.pk, kind=RequestKind.CRECHE)
    return request


def _set_state(request: Request, *, state: str, event: str, by: AbstractUser, message: str) -> None:
    request.state = state
    request.decided_at = timezone.now()
    request.decided_by = by
    request.save(update_fields=["state", "decided_at", "decided_by"])
    RequestEvent.objects.create(request=request, kind=event, author=by, message=message.strip())


def decide(*, request: Request, by: AbstractUser, decision: str, message: str = "") -> Request:
    """Accept, refuse or put on the waiting list a pending application; a waiting one is then accepted or refused."""
    with transaction.atomic():
        request = _locked(request)
        allowed = {RequestState.PENDING} | ({RequestState.WAITING} if decision != RequestState.WAITING else set())
        if request.state not in allowed:
            raise InvalidTransition("Cette demande a déjà été traitée.")
        if decision == RequestState.ACCEPTED:
            _set_state(request, state=RequestState.ACCEPTED, event=EventKind.ACCEPTED, by=by, message=message)
            digests.notice_for_request(request, accept=True, message=message)
        elif decision == RequestState.REFUSED:
            _set_state(request, state=RequestState.REFUSED, event=EventKind.REFUSED, by=by, message=message)
            digests.notice_for_request(request, accept=False, message=message)
        elif decision == RequestState.WAITING:
            _set_state(request, state=RequestState.WAITING, event=EventKind.WAITING, by=by, message=message)
            digests.notices_record(
                [
                    DecisionNotice(
                        family_id=request.family_id,
                        request=request,
                        decided_at=request.decided_at,
                        state=WAITING_STATUS,
                        message=message.strip(),
                    )
                ]
            )
        else:
            raise InvalidTransition("Décision inconnue.")
        log(instance=request, action=f"portail.creche.{decision}", user=by, data={"message": message})
    return request
