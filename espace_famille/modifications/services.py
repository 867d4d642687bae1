"""Writes of the family space: one function per action, atomic, locked and audited."""

from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils import timezone
from wagtail.log_actions import log

from commun.uploads import PHOTO, upload_clean
from espace_famille.demandes import acknowledgements, kinds
from espace_famille.demandes import services as demandes_services
from espace_famille.demandes.exceptions import StaleRequest
from espace_famille.demandes.models import EventKind, Request, RequestEvent, RequestKind, RequestState
from espace_famille.dossier import changes as file_changes
from espace_famille.dossier import rules, signals
from espace_famille.dossier.models import Child, Family, Guardian
from espace_famille.dossier.permissions import check_family_member


def _subject(kind: str, family: Family, guardian: Guardian | None, child: Child | None, values: dict) -> str:
    if guardian is not None:
        return f"{guardian.last_name.upper()} {guardian.first_name}"
    if child is not None:
        return f"{child.last_name.upper()} {child.first_name}"
    if kind == RequestKind.CHILD_ADD:
        return f"{(values.get('last_name') or '').upper()} {values.get('first_name') or ''}".strip()
    return f"Famille {family.name}"


def request_target(request: Request) -> models.Model | None:
    """The record a request changes; a child yet to be added has none."""
    if request.kind == RequestKind.GUARDIAN_CHANGE:
        return request.guardian
    if request.kind == RequestKind.CHILD_CHANGE:
        return request.child
    if request.kind == RequestKind.CHILD_ADD:
        return None
    return request.family


def _locked(instance: models.Model) -> models.Model:
    return type(instance).objects.select_for_update().get(pk=instance.pk)


def family_file_submit(
    *,
    family: Family,
    kind: str,
    values: dict,
    by: AbstractUser,
    guardian: Guardian | None = None,
    child: Child | None = None,
) -> Request | None:
    """Ask for a change of the family file. Only changed values are kept; the file itself is untouched.

    A family has at most one pending request per kind and person: a new submission replaces the values
    asked, and withdraws the request when the file already holds them all."""
    check_family_member(by=by, family=family)
    model, fields = file_changes.KIND_FIELDS[kind]
    asked = {name: values[name] for name in fields if name in values}
    with transaction.atomic():
        family = _locked(family)
        if kind == RequestKind.CHILD_ADD:
            current, pending = {}, None
            asked = {name: value for name, value in asked.items() if value not in ("", None, [], False)}
        else:
            target = {RequestKind.GUARDIAN_CHANGE: guardian, RequestKind.CHILD_CHANGE: child}.get(kind, family)
            if target is None or getattr(target, "family_id", family.pk) != family.pk:
                raise ValueError("The person changed must belong to the family.")
            current = file_changes.snapshot(target, fields)
            pending = (
                Request.objects.select_for_update()
                .filter(family=family, kind=kind, guardian=guardian, child=child, state=RequestState.PENDING)
                .first()
            )
        changed = rules.changes_between(current, asked)
        if pending is not None:
            if changed == pending.changes:
                return None
            if not changed:
                pending.state = RequestState.WITHDRAWN
                pending.decided_at = timezone.now()
                pending.save(update_fields=["state", "decided_at"])
                RequestEvent.objects.create(request=pending, kind=EventKind.WITHDRAWN, author=by)
                log(instance=pending, action="portail.request.withdraw", user=by)
                return pending
            pending.changes = changed
            pending.save(update_fields=["changes"])
            event = RequestEvent.objects.create(request=pending, kind=EventKind.UPDATED, author=by)
            acknowledgements.request_received(request=pending, by=by, now=event.created_at, revision=event.pk)
            log(
                instance=pending,
                action="portail.request.update",
                user=by,
                data={"changes": file_changes.masked_for_log(changed)},
            )
            return pending
        if not changed:
            return None
        request = Request.objects.create(
            family=family,
            kind=kind,
            author=by,
            guardian=guardian,
            child=child,
            subject=_subject(kind, family, guardian, child, asked),
            changes=changed,
        )
        RequestEvent.objects.create(request=request, kind=EventKind.SUBMITTED, author=by)
        acknowledgements.request_received(request=request, by=by, now=request.created_at)
        log(
            instance=request,
            action="portail.request.submit",
            user=by,
            data={"changes": file_changes.masked_for_log(changed)},
        )
    return request


def photo_update(*, person: Guardian | Child, upload, by: AbstractUser) -> Guardian | Child:
    """Photos change at once, without validation: checked by the upload policy (UploadRefused: nothing is
    written), re-encoded, stored privately. Only a parent of the person's family changes it."""
    check_family_member(by=by, family=person.family_id)
    cleaned = upload_clean(upload, kind=PHOTO)
    with transaction.atomic():
        locked = _locked(person)
        old = locked.photo.name if locked.photo else ""
        locked.photo.save(cleaned.name, cleaned.as_file(), save=False)
        locked.save(update_fields=["photo"])
        log(instance=locked, action="portail.photo.update", user=by)
        if old:
            transaction.on_commit(lambda: locked.photo.storage.delete(old))
    return locked


def file_apply(*, request: Request, by: AbstractUser, values: dict | None = None) -> None:
    """Apply the values asked to the family file (the request locked by the caller, in its transaction), with the
    audit entry of the record changed.

    If the file changed since the family asked, StaleRequest is raised unless the instructor gives the
    values to apply (`values`, after looking at the fresh ones)."""
    to_apply = {name: change["after"] for name, change in request.changes.items()}
    target = request_target(request)
    if target is not None:
        target = _locked(target)
        stale = rules.stale_fields(request.changes, file_changes.snapshot(target, request.changes))
        if stale and values is None:
            raise StaleRequest(stale)
    else:
        target = Child(family=request.family)
    if values is not None:
        to_apply.update({name: value for name, value in values.items() if name in request.changes})
    before = file_changes.snapshot(target, to_apply) if target.pk else {}
    tables = file_changes.apply(target, to_apply)
    target.full_clean(exclude=["family", "photo"])
    target.save()
    for name, rows in tables:
        file_changes.apply_rows(target, name, rows)
    if request.kind == RequestKind.CHILD_ADD:
        request.child = target
        request.save(update_fields=["child"])
        log(instance=target, action="wagtail.create", user=by)
    else:
        applied = rules.changes_between(before, to_apply)
        log(
            instance=target,
            action="wagtail.edit",
            user=by,
            data={"request": request.pk, "changes": file_changes.masked_for_log(applied)},
        )
        bank = set(applied) & set(rules.BANK_FIELDS)
        if isinstance(target, Family) and bank:
            signals.bank_details_changed.send(sender=Family, family=target, by=by, fields=bank)


def request_accept(*, request: Request, by: AbstractUser, message: str = "", values: dict | None = None) -> Request:
    """Accept a family-file request: the values asked applied atomically, through the decision framework
    (demandes.services.request_decide: the actor's permission, the lock, the record of the decision)."""
    return demandes_services.request_decide(
        request=request, by=by, decision=kinds.ACCEPT, message=message, values=values
    )


def request_refuse(*, request: Request, by: AbstractUser, message: str = "") -> Request:
    """Refuse a request: the file keeps its values, the family reads the message in «Mes demandes»."""
    return demandes_services.request_decide(request=request, by=by, decision=kinds.REFUSE, message=message)
