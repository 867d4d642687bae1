"""The retention step of supporting documents: files no longer of use are deleted."""

from datetime import datetime, timedelta

from cms.retention import Report

from .models import Document, DocumentState

# A refused document, or one expired and replaced, is kept this long for the family and the service to see.
KEEP_DAYS = 90


def delete_expired(*, now: datetime, dry_run: bool, **_) -> Report:
    """Expired documents (and refused ones) older than KEEP_DAYS: their files and rows are deleted."""
    cutoff = (now - timedelta(days=KEEP_DAYS)).date()
    expired = Document.objects.filter(state=DocumentState.VALIDATED, valid_until__lt=cutoff)
    refused = Document.objects.filter(state=DocumentState.REFUSED, decided_at__lt=now - timedelta(days=KEEP_DAYS))
    documents = list((expired | refused).select_related("document_type"))
    if not dry_run:
        for document in documents:
            document.file.delete(save=False)
            document.delete()
    what = "à supprimer" if dry_run else "supprimées"
    return Report(f"Pièces justificatives expirées ou refusées {what} (depuis {KEEP_DAYS} jours)", len(documents), [])
