"""The acknowledgement of receipt («Accusé d'enregistrement électronique»): one email per submission.

The services call these inside their transaction, so the email is queued with the requests or not at all."""

import re
from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.urls import reverse

from commun import formats
from espace_famille.demandes.emails import email_table
from espace_famille.demandes.models import Request, RequestKind, RequestState
from notifications import services as notifications
from notifications.kinds import recipient
from notifications.rendering import Rich

RECEIVED_EMAIL = "request_received"
BASKET_EMAIL = "basket_received"
BASKET_HEADERS = ["Jour", "Heure", "Activité", "Enfant", "Prix", "Résultat"]
NO_ACTIVITY = "—"

# What a request is, after «Votre demande» («Votre demande de réservation», «Vos 3 demandes d'absence»).
WHAT = {
    RequestKind.BOOKING: "de réservation",
    RequestKind.ABSENCE: "d'absence",
    RequestKind.CANCELLATION: "d'annulation de réservation",
    RequestKind.GUARDIAN_CHANGE: "de modification du responsable",
    RequestKind.ADDRESS_CHANGE: "de modification de l'adresse principale",
    RequestKind.FISCAL_CHANGE: "de modification des informations fiscales",
    RequestKind.BANK_CHANGE: "de modification des coordonnées bancaires",
    RequestKind.CHILD_CHANGE: "de modification des informations de l'enfant",
    RequestKind.CHILD_ADD: "d'ajout d'un enfant",
    RequestKind.DOCUMENT: "d'envoi d'une pièce justificative",
    RequestKind.CRECHE: "de pré-inscription en crèche",
}
# The «Type de la demande» column: the guide writes «Réservation» where «Mes demandes» says «Ajout de réservation».
ROW_TYPE = {RequestKind.BOOKING: "Réservation", RequestKind.ABSENCE: "Absence"}
HEADERS = ["Jour", "Heure", "Type de la demande", "Activité"]


def state_words(state: str, *, plural: bool = False) -> str:
    """What a request is now, in the words «Mes demandes» shows (RequestState's labels): «en cours d'instruction»,
    «acceptée», «partiellement acceptées»."""
    words = RequestState(state).label.lower()
    return re.sub(r"ée\b", "ées", words, count=1) if plural else words


def submission_state(requests: list[Request]) -> str:
    """The state the requests of one submission are in: theirs when they share it (all pending, or all decided
    alike by the rules), «partiellement acceptée» otherwise."""
    states = {request.state for request in requests}
    return states.pop() if len(states) == 1 else RequestState.PARTIAL


def announcement(*, kind: str, count: int, activity_name: str, at: datetime, state: str = RequestState.PENDING) -> str:
    """«Vos 10 demandes de réservation pour 4/Péri SOIR réalisées le 04/01/2019 à 16:33 sont en cours
    d'instruction :», or the singular form for one day; «est acceptée» when the rules decided it at once."""
    what = WHAT.get(kind, f"de {RequestKind(kind).label.lower()}")
    place = f" pour {activity_name}" if activity_name else ""
    when = f"le {formats.datetime_numeric(at)}"
    if count == 1:
        return f"Votre demande {what}{place} réalisée {when} est {state_words(state)} :"
    return f"Vos {count} demandes {what}{place} réalisées {when} sont {state_words(state, plural=True)} :"


def _recipient(by: AbstractUser | None) -> str:
    """The parent who made the submission; staff acting for a family and scripts get no acknowledgement."""
    if by is None or by.is_staff or not by.email:
        return ""
    return by.email


def _space_url() -> str:
    from home.models import SiteIdentity

    return SiteIdentity.public_address(reverse("espace_famille:mon_espace"))


def _queue(*, to: str, by: AbstractUser, key: str, sentence: str, rows: Rich, kind: str = RECEIVED_EMAIL) -> None:
    notifications.queue(
        kind=kind,
        to=to,
        key=key,
        context={
            **recipient(by),
            "annonce": sentence,
            "tableau": rows,
            "lien": _space_url(),
        },
    )


def booking_received(
    *,
    requests: list[Request],
    asked: list[tuple],
    activity,
    kind: str,
    by: AbstractUser | None,
    now: datetime,
) -> None:
    """One email for a booking or absence submission, whatever its number of children: every day asked.

    asked: the (child, day) pairs requested. The activity's slots give each day's time («16:30»)."""
    to = _recipient(by)
    if not to or not requests or not asked:
        return
    request_kind = requests[0].kind
    starts = {slot.weekday: slot.start_time for slot in activity.slots.all()}
    several = len({child.pk for child, _ in asked}) > 1
    headers = HEADERS + (["Enfant"] if several else [])
    rows = []
    for child, day in sorted(asked, key=lambda pair: (pair[1], pair[0].first_name, pair[0].pk)):
        cells = [
            formats.date_numeric(day),
            formats.time_short(starts.get(day.weekday())),
            ROW_TYPE[request_kind],
            activity.name,
        ]
        rows.append(cells + ([child.first_name] if several else []))
    _queue(
        to=to,
        by=by,
        key=f"{RECEIVED_EMAIL}:{min(request.pk for request in requests)}",
        sentence=announcement(
            kind=request_kind,
            count=len(rows),
            activity_name=activity.name,
            at=now,
            state=submission_state(requests),
        ),
        rows=email_table(headers, rows),
    )


def request_received(*, request: Request, by: AbstractUser | None, now: datetime, revision: int | None = None) -> None:
    """One email for a request without days (a family-file change): one row, the moment it was made.

    revision: the event of a pending request completed again by the family, which is a submission of its own."""
    to = _recipient(by)
    if not to:
        return
    row = [
        formats.date_numeric(now),
        formats.time_short(now),
        ROW_TYPE.get(request.kind, request.get_kind_display()),
        NO_ACTIVITY,
    ]
    key = f"{RECEIVED_EMAIL}:{request.pk}" + (f":{revision}" if revision else "")
    _queue(
        to=to,
        by=by,
        key=key,
        sentence=announcement(kind=request.kind, count=1, activity_name="", at=now),
        rows=email_table(HEADERS, [row]),
    )


def basket_received(*, key: str, rows: list[list[str]], total: str, by: AbstractUser | None, now: datetime) -> None:
    """One email for a basket of days confirmed at once («Confirmer» on «Mon panier»), whatever its number of
    children, activities and days: each day with its result (booked, waiting list, request, refused and why).

    key: the basket's own (its intent), so a repeat queues nothing; rows: Jour, Heure, Activité, Enfant, Prix,
    Résultat, already in words."""
    to = _recipient(by)
    if not to or not rows:
        return
    count = len(rows)
    days = "1 jour" if count == 1 else f"{count} jours"
    sentence = f"Votre panier de {days} validé le {formats.datetime_numeric(now)} a été traité (total : {total}) :"
    _queue(
        to=to,
        by=by,
        key=f"{BASKET_EMAIL}:{key}",
        sentence=sentence,
        rows=email_table(BASKET_HEADERS, rows),
        kind=BASKET_EMAIL,
    )
