"""The dashboard's alert on supporting documents about to expire: validated documents whose validity ends within
30 days and that no newer document of the same type replaces. One query, whatever the number of documents."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from commun import formats
from commun.dashboard import WARNING, Alert
from espace_famille.justificatifs.models import Document, DocumentState

VIEW_DOCUMENTS = "justificatifs.view_document"
EXPIRY_DAYS = 30
NAMED = 3


def expiring(today):
    """Validated documents that expire from today to EXPIRY_DAYS later, not replaced by a newer one (sent or
    validated) for the same family, child and type; the soonest first."""
    newer = Document.objects.exclude(state=DocumentState.REFUSED).filter(
        family_id=OuterRef("family_id"),
        document_type_id=OuterRef("document_type_id"),
        pk__gt=OuterRef("pk"),
    )
    newer = newer.annotate(same_child=Coalesce("child_id", Value(0))).filter(
        same_child=Coalesce(OuterRef("child_id"), Value(0))
    )
    return (
        Document.objects.filter(
            state=DocumentState.VALIDATED, valid_until__range=(today, today + timedelta(days=EXPIRY_DAYS))
        )
        .exclude(Exists(newer))
        .select_related("family", "document_type")
        .order_by("valid_until", "family__name", "pk")
    )


def alerts(request) -> list[Alert]:
    if not request.user.has_perm(VIEW_DOCUMENTS):
        return []
    documents = list(expiring(timezone.localdate()))
    if not documents:
        return []
    count = len(documents)
    plural = "s" if count > 1 else ""
    named = [
        f"{document.family.name} — {document.document_type.name} ({formats.date_numeric(document.valid_until)})"
        for document in documents[:NAMED]
    ]
    more = f" et {count - NAMED} autre{'s' if count - NAMED > 1 else ''}" if count > NAMED else ""
    return [
        Alert(
            title=f"{count} pièce{plural} justificative{plural} expire{'nt' if count > 1 else ''} "
            f"d'ici {EXPIRY_DAYS} jours",
            detail="; ".join(named) + more + ".",
            level=WARNING,
        )
    ]
