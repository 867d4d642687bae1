"""Writes of the family space: one function per action, atomic, locked and audited."""

from django.db import IntegrityError, transaction
from wagtail.log_actions import log

from . import rules, selectors
from .exceptions import SubscriptionNotFound
from .models import Family, Subscription, SubscriptionMethod, User


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
