"""Writes of the family space: one function per action, atomic, locked and audited."""

from django.contrib.auth.models import AbstractUser
from django.db import IntegrityError, models, transaction
from wagtail.log_actions import log

from commun.admin_services import record_save
from espace_famille.dossier import rules
from espace_famille.dossier.models import AuthorizedContact, Child, Family, Guardian, Subscription, Vaccination


def family_create(*, name: str, by: AbstractUser | None = None, subscriber_code: str | None = None) -> Family:
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
    *, user: AbstractUser, family: Family, method: str, by: AbstractUser | None = None
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


FILE_RECORDS = (Family, Guardian, Child, Vaccination, AuthorizedContact)


def file_record_save(*, model: type[models.Model], instance: models.Model | None, values: dict, by: AbstractUser):
    """Staff create (instance None) or correct a record of a family file from the admin: the family, a guardian,
    a child, a vaccine, an authorised adult; values: its fields by name. The permission of the admin screen is
    checked; the families' own changes go through requests instead (modifications.family_file_submit)."""
    if model not in FILE_RECORDS:
        raise ValueError(f"{model.__name__} is not a record of the family file.")
    with transaction.atomic():
        instance, _ = record_save(model=model, instance=instance, values=values, by=by)
    return instance
