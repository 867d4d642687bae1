"""Writes of the family space: one function per action, atomic, locked and audited."""

from allauth.account.models import EmailAddress
from allauth.mfa.utils import is_mfa_enabled
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from wagtail.log_actions import log

from commun.uploads import PHOTO, upload_clean

from .. import acknowledgements, rules, selectors
from .. import changes as file_changes
from ..exceptions import FranceConnectRefused, InvalidTransition, StaleRequest, SubscriptionNotFound
from ..models import (
    Child,
    EventKind,
    Family,
    FranceConnectIdentity,
    Guardian,
    Request,
    RequestEvent,
    RequestKind,
    RequestState,
    Subscription,
    SubscriptionMethod,
    User,
)
from . import digests


def family_create(*, name: str, by: User | None = None, subscriber_code: str | None = None) -> Family:
    """A new family file with a fresh secret subscriber code (or the one given, for imports)."""
    for _ in range(5):
        code = rules.normalize_subscriber_code(subscriber_code) if subscriber_code else rules.generate_subscriber_code()
        try:
            with transaction.atomic():
                family = Family.objects.create(name=name, subscriber_code=code)
                log(instance=family, action="wagtail.create", user=by)
                return family
        except IntegrityError:
            if subscriber_code:
                raise
    raise RuntimeError("Impossible de générer un code abonné unique.")


def subscription_create(
    *, user: User, family: Family, method: str, by: User | None = None
) -> tuple[Subscription, bool]:
    """Link an account to a family; linking twice is harmless and returns the existing subscription."""
    with transaction.atomic():
        family = Family.objects.select_for_update().get(pk=family.pk)
        subscription, created = Subscription.objects.get_or_create(
            user=user, family=family, defaults={"method": method}
        )
        if created:
            log(
                instance=subscription,
                action="portail.subscription.create",
                user=by or user,
                data={"method": method, "family": family.pk, "user": user.pk},
            )
    return subscription, created


def subscription_by_code(*, user: User, code: str) -> Subscription:
    family = selectors.family_by_subscriber_code(code=code)
    if family is None:
        raise SubscriptionNotFound()
    return subscription_create(user=user, family=family, method=SubscriptionMethod.CODE)[0]


def signup_code_store(*, user: User, code: str) -> None:
    """Keep the code typed at registration until the email is confirmed."""
    User.objects.filter(pk=user.pk).update(pending_subscriber_code=rules.normalize_subscriber_code(code))


def signup_code_apply(*, user: User) -> Subscription | None:
    """Once the email is confirmed, link the family whose code was typed at registration."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        code = user.pending_subscriber_code
        if not code:
            return None
        user.pending_subscriber_code = ""
        family = selectors.family_by_subscriber_code(code=code)
        user.subscriber_code_failed = family is None
        user.save(update_fields=["pending_subscriber_code", "subscriber_code_failed"])
        if family is None:
            return None
        return subscription_create(user=user, family=family, method=SubscriptionMethod.SIGNUP)[0]


def signup_code_failure_acknowledge(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(subscriber_code_failed=False)


def profile_update(*, user: User, civility: str, first_name: str, last_name: str) -> User:
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = {"civility": locked.civility, "first_name": locked.first_name, "last_name": locked.last_name}
        locked.civility, locked.first_name, locked.last_name = civility, first_name, last_name
        locked.save(update_fields=["civility", "first_name", "last_name"])
        log(instance=locked, action="wagtail.edit", user=user, data={"before": before})
    return locked


# FranceConnect -----------------------------------------------------------------------------------


def franceconnect_account_create(*, identity, email: str) -> User:
    """A citizen account opened with FranceConnect: names and civility from the identity, no password (the
    person can set one later with «Mot de passe oublié ?»). The address FranceConnect gave counts as confirmed;
    one the person typed (FranceConnect gave none) waits for its confirmation e-mail."""
    taken = "Un compte citoyen existe déjà avec cette adresse e-mail."
    if FranceConnectIdentity.objects.filter(sub=identity.sub).exists():
        raise FranceConnectRefused("Cette identité FranceConnect est déjà liée à un compte.")
    if User.objects.filter(email__iexact=email).exists():
        raise FranceConnectRefused(taken)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email,
                password=None,
                first_name=identity.given_name[:150],
                last_name=identity.family_name[:150],
                civility=identity.civility,
            )
            EmailAddress.objects.create(user=user, email=user.email, verified=email == identity.email, primary=True)
            FranceConnectIdentity.objects.create(user=user, sub=identity.sub, last_login_at=timezone.now())
            log(instance=user, action="portail.franceconnect.create", user=user)
    except IntegrityError as error:  # the same identity or address, opened a moment earlier in another request
        raise FranceConnectRefused(taken) from error
    return user


def franceconnect_link(*, user: User, sub: str) -> FranceConnectIdentity:
    """Links an existing account to a FranceConnect identity; the caller has checked the account's password.

    An account whose address is not confirmed, or that a second factor protects, is not linked on a password."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not EmailAddress.objects.filter(user=locked, email__iexact=locked.email, verified=True).exists():
            raise FranceConnectRefused(
                "Confirmez d'abord l'adresse e-mail de ce compte (lien reçu à l'inscription), puis revenez."
            )
        if is_mfa_enabled(locked):
            raise FranceConnectRefused(
                "Ce compte est protégé par une double authentification : connectez-vous avec votre e-mail, votre "
                "mot de passe et votre second facteur."
            )
        if FranceConnectIdentity.objects.filter(user=locked).exclude(sub=sub).exists():
            raise FranceConnectRefused("Ce compte est déjà lié à une autre identité FranceConnect.")
        if FranceConnectIdentity.objects.filter(sub=sub).exclude(user=locked).exists():
            raise FranceConnectRefused("Cette identité FranceConnect est déjà liée à un autre compte.")
        link, _ = FranceConnectIdentity.objects.update_or_create(
            user=locked, defaults={"sub": sub, "last_login_at": timezone.now()}
        )
        log(instance=locked, action="portail.franceconnect.link", user=locked)
    return link


def franceconnect_login_record(*, link: FranceConnectIdentity) -> None:
    FranceConnectIdentity.objects.filter(pk=link.pk).update(last_login_at=timezone.now())


def franceconnect_unlink(*, user: User) -> None:
    """Unlinks the account from FranceConnect; refused while the account has no password to sign in with."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.has_usable_password():
            raise FranceConnectRefused(
                "Votre compte n'a pas encore de mot de passe : définissez-en un avant de le délier de FranceConnect, "
                "sinon vous ne pourriez plus vous connecter."
            )
        if FranceConnectIdentity.objects.filter(user=locked).delete()[0]:
            log(instance=locked, action="portail.franceconnect.unlink", user=locked)


# Family-file requests --------------------------------------------------------------------------


def _subject(kind: str, family: Family, guardian: Guardian | None, child: Child | None, values: dict) -> str:
    if guardian is not None:
        return f"{guardian.last_name.upper()} {guardian.first_name}"
    if child is not None:
        return f"{child.last_name.upper()} {child.first_name}"
    if kind == RequestKind.CHILD_ADD:
        return f"{(values.get('last_name') or '').upper()} {values.get('first_name') or ''}".strip()
    return f"Famille {family.name}"


def _target(request: Request) -> models.Model | None:
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
    by: User,
    guardian: Guardian | None = None,
    child: Child | None = None,
) -> Request | None:
    """Ask for a change of the family file. Only changed values are kept; the file itself is untouched.

    A family has at most one pending request per kind and person: a new submission replaces the values
    asked, and withdraws the request when the file already holds them all."""
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


def _decide(request: Request, *, state: str, by: User, message: str, event: str) -> Request:
    request.state = state
    request.decided_at = timezone.now()
    request.decided_by = by
    request.save(update_fields=["state", "decided_at", "decided_by"])
    RequestEvent.objects.create(request=request, kind=event, author=by, message=message.strip())
    digests.notice_for_request(request, accept=state == RequestState.ACCEPTED, message=message)
    return request


def request_accept(*, request: Request, by: User, message: str = "", values: dict | None = None) -> Request:
    """Apply the values asked to the family file, atomically.

    If the file changed since the family asked, StaleRequest is raised unless the instructor gives the
    values to apply (`values`, after looking at the fresh ones)."""
    with transaction.atomic():
        request = (
            Request.objects.select_for_update(of=("self",))
            .select_related("family", "guardian", "child")
            .get(pk=request.pk)
        )
        if not request.is_pending:
            raise InvalidTransition()
        model, fields = file_changes.KIND_FIELDS[request.kind]
        to_apply = {name: change["after"] for name, change in request.changes.items()}
        target = _target(request)
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
        _decide(request, state=RequestState.ACCEPTED, by=by, message=message, event=EventKind.ACCEPTED)
        log(instance=request, action="portail.request.accept", user=by, data={"message": message})
    return request


def request_refuse(*, request: Request, by: User, message: str = "") -> Request:
    """Refuse a request: the file keeps its values, the family reads the message in «Mes demandes»."""
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request.pk)
        if not request.is_pending:
            raise InvalidTransition()
        _decide(request, state=RequestState.REFUSED, by=by, message=message, event=EventKind.REFUSED)
        log(instance=request, action="portail.request.refuse", user=by, data={"message": message})
    return request


def request_mark_read(*, request: Request) -> None:
    """The family opened the request: its messages are read."""
    Request.objects.filter(pk=request.pk).update(family_seen_at=timezone.now())


def photo_update(*, person: Guardian | Child, upload, by: User) -> Guardian | Child:
    """Photos change at once, without validation: checked by the upload policy (UploadRefused: nothing is
    written), re-encoded, stored privately."""
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


from .bookings import (  # noqa: E402, F401 (re-exported; the booking services build on the helpers above)
    BulkResult,
    SubmitResult,
    booking_cancel,
    booking_request_decide,
    booking_request_submit,
    booking_requests_bulk_decide,
    waiting_list_refill,
)
