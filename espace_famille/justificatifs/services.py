"""Writes of supporting documents: an upload is a request; the service validates or refuses it."""

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.log_actions import log

from commun import formats
from commun.uploads import DOCUMENT, upload_clean
from espace_famille.demandes import acknowledgements, kinds
from espace_famille.demandes import services as demandes_services
from espace_famille.demandes.exceptions import InvalidTransition
from espace_famille.demandes.models import EventKind, Request, RequestEvent, RequestKind
from espace_famille.dossier.models import Child, Family
from espace_famille.dossier.permissions import check_family_member
from espace_famille.justificatifs import rules, selectors
from espace_famille.justificatifs.exceptions import InvalidDocument
from espace_famille.justificatifs.models import Document, DocumentState, DocumentType
from home.models import SiteIdentity
from notifications import selectors as notification_selectors
from notifications import services as notifications
from notifications.kinds import recipient

EXPIRY_EMAIL = selectors.EXPIRY_EMAIL


def document_upload(
    *, family: Family, document_type: DocumentType, child: Child | None, upload, by: AbstractUser
) -> Document:
    """Check the file by the upload policy (UploadRefused: nothing is written), then store the rewritten file
    privately under a random name, as a request «Pièce justificative» waiting for the service."""
    check_family_member(by=by, family=family)
    if document_type.per_child and (child is None or child.family_id != family.pk):
        raise InvalidDocument("Choisissez l'enfant concerné par ce document.")
    if not document_type.per_child:
        child = None
    clean = upload_clean(upload, kind=DOCUMENT)
    with transaction.atomic():
        subject = document_type.name + (f" — {child.first_name} {child.last_name}" if child else "")
        request = Request.objects.create(
            family=family, kind=RequestKind.DOCUMENT, author=by, child=child, subject=subject[:200]
        )
        document = Document(
            family=family,
            child=child,
            document_type=document_type,
            request=request,
            original_name=clean.original_name,
            content_type=clean.content_type,
            extension=clean.extension,
            size=len(clean.content),
            uploaded_by=by,
        )
        document.file.save(clean.name, clean.as_file(), save=False)
        document.save()
        RequestEvent.objects.create(request=request, kind=EventKind.SUBMITTED, author=by)
        acknowledgements.request_received(request=request, by=by, now=request.created_at)
        log(instance=request, action="portail.request.submit", user=by, data={"document": document_type.name})
    return document


def documents_decide(
    *, documents: list[int], accept: bool, by: AbstractUser, message: str = "", today: date | None = None
) -> int:
    """Validate or refuse pending documents (one or many), each with the message for the family: all or none. Each
    document's request goes through the decision framework (demandes.services.request_decide): the actor's
    permission, the lock, the request's state and event, the audit entry and the family's notice."""
    requests = list(Request.objects.filter(document__pk__in=documents).order_by("pk"))
    with transaction.atomic():
        for request in requests:
            demandes_services.request_decide(
                request=request,
                by=by,
                decision=kinds.ACCEPT if accept else kinds.REFUSE,
                message=message,
                values={"validated_on": today} if today else None,
            )
    return len(requests)


def documents_apply(*, request: Request, accept: bool, message: str = "", today: date | None = None) -> list:
    """The documents of a request validated (with their validity) or refused, for the decision framework (the
    documents' handler), in its transaction. Returns their audit entries, which the framework writes."""
    today = today or timezone.localdate()
    entries = []
    rows = (
        Document.objects.select_for_update(of=("self",))
        .select_related("document_type")
        .filter(request=request)
        .order_by("pk")
    )
    for document in rows:
        if document.state != DocumentState.PENDING:
            raise InvalidTransition()
        kind = document.document_type
        document.state = DocumentState.VALIDATED if accept else DocumentState.REFUSED
        document.decided_at = timezone.now()
        document.valid_until = (
            rules.valid_until(validity=kind.validity, fixed=kind.valid_until, validated_on=today) if accept else None
        )
        document.save(update_fields=["state", "decided_at", "valid_until"])
        entries.append(
            (
                document,
                "portail.document.validate" if accept else "portail.document.refuse",
                {"message": message.strip()},
            )
        )
    return entries


def expiry_reminders_send(*, today: date | None = None, days_before: int) -> int:
    """Remind the family before a validated document expires: one e-mail per document, expiry date and account
    (selectors.expiry_reminders_due). Returns how many were queued now: a reminder already queued is not again."""
    reminders = selectors.expiry_reminders_due(today=today or timezone.localdate(), days_before=days_before)
    already = notification_selectors.keys_queued([reminder.key for reminder in reminders])
    link = SiteIdentity.public_address(reverse("justificatifs:list"))
    sent = 0
    for reminder in reminders:
        if reminder.key in already:
            continue
        document, user = reminder.document, reminder.user
        notifications.queue(
            kind=EXPIRY_EMAIL,
            to=user.email,
            key=reminder.key,
            context={
                **recipient(user),
                "document": str(document),
                "date": formats.date_numeric(document.valid_until),
                "lien": link,
            },
        )
        sent += 1
    return sent
