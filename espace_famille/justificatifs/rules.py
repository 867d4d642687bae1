"""Rules of supporting documents, without the database: validity, the state a family sees, what is missing."""

from calendar import monthrange
from datetime import date

from espace_famille.justificatifs.models import DocumentState, Validity

TO_PROVIDE, PENDING, VALIDATED, REFUSED, EXPIRED = "à fournir", "en attente de validation", "validé", "refusé", "expiré"


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, monthrange(year, month)[1]))


def valid_until(*, validity: str, fixed: date | None, validated_on: date) -> date | None:
    """«Semestriel»: six months from its validation; «Annuel»: twelve; «Jusqu'à une date»: that date."""
    if validity == Validity.SEMESTER:
        return add_months(validated_on, 6)
    if validity == Validity.YEAR:
        return add_months(validated_on, 12)
    return fixed


def shown_state(*, state: str | None, until: date | None, today: date) -> str:
    """What «Pièces justificatives» says of the latest document of a type (None: nothing provided)."""
    if state is None:
        return TO_PROVIDE
    if state == DocumentState.PENDING:
        return PENDING
    if state == DocumentState.REFUSED:
        return REFUSED
    if until is not None and until < today:
        return EXPIRED
    return VALIDATED


def is_missing(shown: str) -> bool:
    """A mandatory document is missing unless validated (or waiting to be)."""
    return shown in (TO_PROVIDE, REFUSED, EXPIRED)


def reminder_due(*, until: date | None, today: date, days_before: int) -> bool:
    return until is not None and 0 <= (until - today).days <= days_before
