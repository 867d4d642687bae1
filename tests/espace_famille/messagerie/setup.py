"""Families for the messages' tests: children holding a place (or not) in «4/Péri SOIR» of Ecole Lux, guardians who
accept e-mails and SMS (or not), accounts subscribed to the families."""

from datetime import date

from django.utils import timezone

from espace_famille.messagerie import rules
from espace_famille.planning.models import Booking, BookingState
from tests.factories import (
    ActivityFactory,
    ChildFactory,
    EnrolmentFactory,
    FacilityFactory,
    FamilyFactory,
    GuardianFactory,
)

# A Monday in term time.
DAY = date(2026, 9, 14)


def soir():
    return ActivityFactory(code="4", label="Péri SOIR", facility=FacilityFactory(name="Ecole Lux"))


def family_with_child(name: str, *, activity=None, state=BookingState.BOOKED, day=DAY, children=1, **guardian):
    """A family whose children (enrolled in `activity`) have the booking `state` on `day` (None: no booking), and a
    guardian: Jean, who accepts e-mails at jean@<name>.example.org, and SMS when `guardian` says so."""
    family = FamilyFactory(name=name)
    GuardianFactory(
        family=family,
        first_name="Jean",
        email=guardian.pop("email", f"jean@{name.lower()}.example.org"),
        **guardian,
    )
    for index in range(children):
        child = ChildFactory(family=family, first_name=f"Enfant{index}")
        if activity is not None:
            EnrolmentFactory(child=child, activity=activity)
            if state is not None:
                Booking.objects.create(child=child, activity=activity, day=day, state=state, queued_at=timezone.now())
    return family


def to_activity(activity, start=DAY, end=None) -> rules.Audience:
    return rules.Audience(kind=rules.ACTIVITY, activity=activity, start=start, end=end)
