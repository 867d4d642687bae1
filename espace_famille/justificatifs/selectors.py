"""Reads of supporting documents."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import AbstractUser
from django.shortcuts import get_object_or_404

from espace_famille.dossier.models import Child, Family, Subscription
from espace_famille.justificatifs import rules
from espace_famille.justificatifs.models import Document, DocumentState, DocumentType

EXPIRY_EMAIL = "document_expiry"


@dataclass
class Row:
    """A line of «Pièces justificatives»: a type (for the family or one child) and its latest document."""

    document_type: DocumentType
    child: Child | None
    document: Document | None
    shown: str

    @property
    def missing(self) -> bool:
        return self.document_type.mandatory and rules.is_missing(self.shown)


def table(*, family: Family, today: date) -> list[Row]:
    """Every type asked, per child where it is per child, with its latest document: three reads."""
    types = list(DocumentType.objects.filter(active=True))
    children = list(family.children.order_by("birth_date", "pk"))
    latest: dict[tuple[int, int | None], Document] = {}
    for document in Document.objects.filter(family=family).order_by("uploaded_at", "pk"):
        latest[(document.document_type_id, document.child_id)] = document
    rows = []
    for kind in types:
        for child in children if kind.per_child else [None]:
            document = latest.get((kind.pk, child.pk if child else None))
            shown = rules.shown_state(
                state=document.state if document else None,
                until=document.valid_until if document else None,
                today=today,
            )
            rows.append(Row(kind, child, document, shown))
    return rows


def document_for(*, user, pk: int) -> Document:
    """A document of one of the user's families, or 404; staff who may see documents see any."""
    documents = Document.objects.select_related("document_type", "child", "family")
    if user.has_perm("justificatifs.view_document"):
        return get_object_or_404(documents, pk=pk)
    return get_object_or_404(documents, pk=pk, family__subscriptions__user=user)


@dataclass(frozen=True)
class ExpiryReminder:
    """One reminder due before a validated document expires: the document, an account subscribed to its family,
    and the outbox key that makes it sent once (per document, expiry date and account)."""

    document: Document
    user: AbstractUser

    @property
    def key(self) -> str:
        return f"{EXPIRY_EMAIL}:{self.document.pk}:{self.document.valid_until}:{self.user.pk}"


def expiry_reminders_due(*, today: date, days_before: int) -> list[ExpiryReminder]:
    """The reminders of the validated documents expiring from today to `days_before` days later, for each account
    subscribed to the family, the latest of each kind only (a newer document, not refused, replaces it): three
    reads, whatever the number of documents."""
    documents = Document.objects.filter(
        state=DocumentState.VALIDATED,
        valid_until__gte=today,
        valid_until__lte=today + timedelta(days=days_before),
    ).select_related("document_type", "child", "family")
    latest = {}
    for document in documents.order_by("uploaded_at", "pk"):
        latest[(document.family_id, document.document_type_id, document.child_id)] = document
    newest = {}
    for family_id, type_id, child_id, pk in (
        Document.objects.exclude(state=DocumentState.REFUSED)
        .filter(family_id__in={key[0] for key in latest})
        .values_list("family_id", "document_type_id", "child_id", "pk")
    ):
        newest[(family_id, type_id, child_id)] = max(pk, newest.get((family_id, type_id, child_id), 0))
    accounts = defaultdict(list)
    for subscription in (
        Subscription.objects.filter(family_id__in={key[0] for key in latest}).select_related("user").order_by("pk")
    ):
        accounts[subscription.family_id].append(subscription.user)
    return [
        ExpiryReminder(document=document, user=user)
        for key, document in latest.items()
        if newest.get(key, 0) <= document.pk
        for user in accounts[document.family_id]
    ]
