"""Writes of the family space: one function per action, atomic, locked and audited."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from wagtail.log_actions import log

from commun import formats
from commun.admin_services import check_record_permission, record_delete, record_save
from espace_famille.dossier import audit, emails, rules
from espace_famille.dossier.models import (
    AuthorizedContact,
    Child,
    Family,
    Guardian,
    Subscription,
    SubscriptionMethod,
    Vaccination,
)
from espace_famille.dossier.permissions import VIEW_FULL_IBAN, check_staff_permission
from home.models import SiteIdentity
from notifications import services as notifications
from notifications.kinds import recipient


def _family_insert(*, name: str, subscriber_code: str | None, by: AbstractUser | None, data: dict) -> Family:
    for _ in range(5):
        code = rules.normalize_subscriber_code(subscriber_code) if subscriber_code else rules.generate_subscriber_code()
        try:
            with transaction.atomic():
                family = Family.objects.create(name=name, subscriber_code=code)
                log(instance=family, action="wagtail.create", user=by, data=data)
                return family
        except IntegrityError:
            if subscriber_code:
                raise
    raise RuntimeError("Impossible de générer un code abonné unique.")


def family_create(*, name: str, by: AbstractUser) -> Family:
    """Staff open a new family file (the add permission of the «Familles» screen); its secret subscriber code is
    drawn here, nobody types it."""
    check_record_permission(model=Family, action="add", by=by)
    return _family_insert(name=name, subscriber_code=None, by=by, data={})


def family_import(*, name: str, subscriber_code: str, source: str) -> Family:
    """The system path: a command run on the server (the demo, an import of the former portal's files) brings a
    family file with its known subscriber code. No person acts; the audit entry names the source."""
    return _family_insert(name=name, subscriber_code=subscriber_code, by=None, data={"source": source})


def _tell_subscribed(*, subscription: Subscription, family: Family) -> None:
    """«Un nouveau compte a été rattaché à votre dossier famille»: one e-mail to each account already linked to
    the family (not to the new one), queued in the link's transaction, keyed by the link and the recipient."""
    others = [
        other.user
        for other in Subscription.objects.filter(family=family)
        .exclude(user_id=subscription.user_id)
        .select_related("user")
        .order_by("pk")
        if other.user.is_active and other.user.email
    ]
    if not others:
        return
    new = subscription.user
    context = {
        "famille": family.name,
        "compte": new.display_name or new.email,
        "compte_email": new.email,
        "date": formats.datetime_numeric(subscription.created_at),
        "lien": SiteIdentity.public_address(reverse("espace_famille:mon_espace")),
    }
    notifications.queue_many(
        kind=emails.SUBSCRIPTION_ADDED,
        messages=[
            (
                user.email,
                f"{emails.SUBSCRIPTION_ADDED}:{subscription.pk}:{user.pk}",
                {
                    **context,
                    **recipient(user),
                },
            )
            for user in others
        ],
    )


def _link(
    *,
    user: AbstractUser,
    family: Family,
    method: str,
    by: AbstractUser | None,
    data: dict | None = None,
    tell: bool = True,
) -> tuple[Subscription, bool]:
    """Link the account to the family once; the accounts already linked are told by e-mail (unless `tell` is
    False: an import of the former portal's accounts links accounts the families already had)."""
    with transaction.atomic():
        family = Family.objects.select_for_update().get(pk=family.pk)
        subscription, created = Subscription.objects.get_or_create(
            user=user, family=family, defaults={"method": method}
        )
        if created:
            log(
                instance=subscription,
                action="portail.subscription.create",
                user=by,
                data={"method": method, "family": family.pk, "user": user.pk, **(data or {})},
            )
            if tell:
                _tell_subscribed(subscription=subscription, family=family)
    return subscription, created


def subscription_create(*, user: AbstractUser, family: Family, by: AbstractUser) -> tuple[Subscription, bool]:
    """Staff link an account to a family (the add permission of the «Abonnements» screen); linking twice is
    harmless and returns the existing subscription."""
    check_record_permission(model=Subscription, action="add", by=by)
    return _link(user=user, family=family, method=SubscriptionMethod.STAFF, by=by)


def subscription_import(*, user: AbstractUser, family: Family, source: str) -> tuple[Subscription, bool]:
    """The system path: a command run on the server (the demo, an import of the former portal's accounts) links
    an account to its family as staff would have. No person acts; the audit entry names the source."""
    return _link(
        user=user, family=family, method=SubscriptionMethod.STAFF, by=None, data={"source": source}, tell=False
    )


def subscription_claim(*, family: Family, method: str, by: AbstractUser) -> tuple[Subscription, bool]:
    """The parent's own path: `by` links its own account to the family it found by the family's secret (the
    subscriber code, an invoice's references, the code typed at registration). Nobody links another account this
    way; linking twice returns the existing subscription."""
    if method == SubscriptionMethod.STAFF or method not in SubscriptionMethod.values:
        raise ValueError(f"{method!r} is not a way parents link their own account.")
    if by is None or not by.is_authenticated or not by.is_active:
        raise PermissionDenied("Connectez-vous pour vous abonner à un dossier famille.")
    return _link(user=by, family=family, method=method, by=by)


def subscription_delete(*, subscription: Subscription, by: AbstractUser) -> None:
    """Staff unlink an account from a family (the delete permission of the «Abonnements» screen)."""
    record_delete(model=Subscription, instance=subscription, by=by)


FILE_RECORDS = (Family, Guardian, Child, Vaccination, AuthorizedContact)


def _check_file_record(model) -> None:
    if model not in FILE_RECORDS:
        raise ValueError(f"{model.__name__} is not a record of the family file.")


def file_record_save(*, model: type[models.Model], instance: models.Model | None, values: dict, by: AbstractUser):
    """Staff create (instance None) or correct a record of a family file from the admin: the family, a guardian,
    a child, a vaccine, an authorised adult; values: its fields by name. The permission of the admin screen is
    checked; the families' own changes go through requests instead (modifications.family_file_submit)."""
    _check_file_record(model)
    with transaction.atomic():
        instance, _ = record_save(model=model, instance=instance, values=values, by=by)
    return instance


def file_record_delete(*, model: type[models.Model], instance: models.Model, by: AbstractUser) -> None:
    """Staff remove a record of a family file from the admin (the delete permission of its screen); one that
    invoices or requests still hold is kept (RecordProtected says which)."""
    _check_file_record(model)
    record_delete(model=model, instance=instance, by=by)


def family_iban_show(*, family: Family, by: AbstractUser) -> str:
    """«Afficher l'IBAN»: a staff member holding espace_famille.view_full_iban (régisseurs, administrators) reads a
    family's IBAN in full; each showing is an audit entry (who, which family). Everyone else reads it masked."""
    check_staff_permission(by=by, permission=VIEW_FULL_IBAN)
    with transaction.atomic():
        family = Family.objects.get(pk=family.pk)
        log(instance=family, action=audit.IBAN_SHOWN, user=by)
    return family.iban
