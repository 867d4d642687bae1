"""Capacity holds when two instructors accept the last place of a day at the same moment (PostgreSQL only)."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection

from commun.clock import PARIS
from espace_famille.demandes.models import Request
from espace_famille.planning import rules, services
from espace_famille.planning.models import Booking, BookingHistory
from tests.factories import (
    ActivityFactory,
    ChildFactory,
    EnrolmentFactory,
    family_parent,
    service_instructor,
)
from tests.races import RaceWindow, at_the_same_moment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL: SQLite serialises whole transactions (set DATABASE_URL to run this)",
    ),
]

FIRST_MONDAY = date(2026, 11, 16)
ROUNDS = 5


def asked(activity, day) -> Request:
    child = ChildFactory()
    EnrolmentFactory(child=child, activity=activity)
    services.booking_request_submit(
        family=child.family,
        by=family_parent(child.family),
        children=[child],
        activity=activity,
        kind="booking",
        days=[day],
        now=datetime(2026, 11, 1, tzinfo=PARIS),
    )
    return Request.objects.get(child=child)


@pytest.fixture
def slow_decisions(monkeypatch):
    """Hold the race open: each decision waits, between counting the places held and writing its outcome, until
    the other one is there too or waits for its lock."""
    window = RaceWindow()
    place_outcome = rules.place_outcome

    def slow(**kwargs):
        window.hold()
        return place_outcome(**kwargs)

    monkeypatch.setattr(rules, "place_outcome", slow)
    return window


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_instructors_accepting_the_last_place_book_one_child_and_queue_the_other(round_, slow_decisions):
    activity = ActivityFactory(capacity=2)
    day = FIRST_MONDAY + timedelta(weeks=round_)
    already = asked(activity, day)
    services.booking_request_decide(request=already, by=service_instructor(), accept=[day])
    one, other = asked(activity, day), asked(activity, day)
    first, second = service_instructor(), service_instructor()

    at_the_same_moment(
        lambda: services.booking_request_decide(request=one, by=first, accept=[day]),
        lambda: services.booking_requests_bulk_decide(requests=[other.pk], by=second, accept=True),
        window=slow_decisions,
    )

    states = sorted(Booking.objects.filter(child__requests__in=[one, other], day=day).values_list("state", flat=True))
    assert states == ["booked", "waiting"]
    assert Booking.objects.filter(activity=activity, day=day, state="booked").count() == activity.capacity
    assert BookingHistory.objects.filter(booking__activity=activity, to_state__in=["booked", "waiting"]).count() == 3


def test_two_families_booking_the_last_place_of_an_automatic_activity_at_the_same_moment(slow_decisions):
    activity = ActivityFactory(capacity=1, auto_accept=True)
    children = [ChildFactory(), ChildFactory()]
    for child in children:
        EnrolmentFactory(child=child, activity=activity)
    parents = [family_parent(child.family) for child in children]

    def book(child, parent):
        return lambda: services.booking_request_submit(
            family=child.family,
            by=parent,
            children=[child],
            activity=activity,
            kind="booking",
            days=[FIRST_MONDAY],
            now=datetime(2026, 11, 1, tzinfo=PARIS),
        )

    at_the_same_moment(
        *(book(child, parent) for child, parent in zip(children, parents, strict=True)), window=slow_decisions
    )

    states = sorted(Booking.objects.filter(activity=activity, day=FIRST_MONDAY).values_list("state", flat=True))
    assert states == ["booked", "waiting"]
