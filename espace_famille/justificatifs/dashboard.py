"""The dashboard's alert on supporting documents about to expire: validated documents whose validity ends within
30 days and that no newer document of the same type replaces (sent or validated, for the same family and child).
Two indexed queries, whatever the number of documents: the candidates, then the newer documents of their families."""

from datetime import timedelta

from django.utils import timezone

from commun import formats
from commun.dashboard import WARNING, Alert
from espace_famille.justificatifs.models import Document, DocumentState

VIEW_DOCUMENTS = "justificatifs.view_document"
EXPIRY_DAYS = 30
NAMED = 3


def expiring(today) -> list[tuple]:
    """(pk, family name, type name, valid until) of the documents expiring from today to EXPIRY_DAYS later that no
    newer document replaces; the soonest first."""
    candidates = list(
        Document.objects.filter(
            state=DocumentState.VALIDATED, valid_until__range=(today, today + timedelta(days=EXPIRY_DAYS))
        )
        .order_by("valid_until", "family__name", "pk")
        .values_list(
            "pk", "family_id", "document_type_id", "child_id", "family__name", "document_type__name", "valid_until"
        )
    )
    if not candidates:
        return []
    newest = {}
    newer = (
        Document.objects.filter(family_id__in={row[1] for row in candidates})
        .exclude(state=DocumentState.REFUSED)
        .values_list("family_id", "document_type_id", "child_id", "pk")
    )
    for family_id, type_id, child_id, pk in newer:
        key = (family_id, type_id, child_id)
        newest[key] = max(newest.get(key, pk), pk)
    return [
        (pk, family, kind, until)
        for pk, family_id, type_id, child_id, family, kind, until in candidates
        if newest.get((family_id, type_id, child_id), pk) <= pk
    ]


def alerts(request) -> list[Alert]:
    if not request.user.has_perm(VIEW_DOCUMENTS):
        return []
    documents = expiring(timezone.localdate())
    if not documents:
        return []
    count = len(documents)
    plural = "s" if count > 1 else ""
    named = [f"{family} — {kind} ({formats.date_numeric(until)})" for _, family, kind, until in documents[:NAMED]]
    more = f" et {count - NAMED} autre{'s' if count - NAMED > 1 else ''}" if count > NAMED else ""
    return [
        Alert(
            title=f"{count} pièce{plural} justificative{plural} expire{'nt' if count > 1 else ''} "
            f"d'ici {EXPIRY_DAYS} jours",
            detail="; ".join(named) + more + ".",
            level=WARNING,
        )
    ]
