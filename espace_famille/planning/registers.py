"""Writes of the planning's reference registers (facilities, activities with their week and tariffs, closures,
enrolments): the admin screens call these instead of form.save() and instance.delete(); each checks the permission
its screen requires."""

from datetime import time
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import models, transaction

from commun.admin_services import record_delete, record_save
from espace_famille.planning.models import Activity, ActivityPrice, ActivitySlot, Closure, Enrolment, Facility
from espace_famille.planning.waiting_list import waiting_list_refill

REGISTERS = (Facility, Activity, Closure, Enrolment)


def _write(*, model, instance, values: dict, by: AbstractUser) -> tuple[models.Model, dict]:
    if model not in REGISTERS:
        raise ValueError(f"{model.__name__} is not a planning register.")
    return record_save(model=model, instance=instance, values=values, by=by)


def register_save(*, model: type[models.Model], instance: models.Model | None, values: dict, by: AbstractUser):
    """A facility, closure or enrolment created (instance None) or changed; values: its fields by name."""
    if model is Activity:
        raise ValueError("An activity is saved with its week and tariffs: activity_save.")
    with transaction.atomic():
        instance, _ = _write(model=model, instance=instance, values=values, by=by)
    return instance


def register_delete(*, model: type[models.Model], instance: models.Model, by: AbstractUser) -> None:
    """A facility, activity, closure or enrolment deleted; one that bookings, invoices or requests still name is
    kept (RecordProtected says which)."""
    if model not in REGISTERS:
        raise ValueError(f"{model.__name__} is not a planning register.")
    record_delete(model=model, instance=instance, by=by)


def activity_save(
    *,
    activity: Activity | None,
    values: dict,
    week: dict[int, tuple[time, time, str]],
    prices: list[tuple[int | None, Decimal]],
    by: AbstractUser,
) -> Activity:
    """An activity with its week (weekday: start, end, period) and its tariffs (quotient up to, price a day), saved
    together. Places gained (capacity raised or removed) go to the waiting list at once, in request order."""
    with transaction.atomic():
        activity, old = _write(model=Activity, instance=activity, values=values, by=by)
        activity.slots.exclude(weekday__in=list(week)).delete()
        for weekday, (start, end, period) in week.items():
            ActivitySlot.objects.update_or_create(
                activity=activity, weekday=weekday, defaults={"start_time": start, "end_time": end, "period": period}
            )
        activity.prices.all().delete()
        ActivityPrice.objects.bulk_create(
            ActivityPrice(activity=activity, quotient_max=quotient_max, amount=amount)
            for quotient_max, amount in prices
        )
        if old and "capacity" in values and old["capacity"] != activity.capacity:
            waiting_list_refill(activity=activity, by=by)
    return activity
