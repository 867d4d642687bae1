"""The rules that read the clock, run with the clock stopped at the moments that break such rules: New Year's Eve
and the first minutes of the year (UTC is still in the old one), a school-holiday Monday, a public-holiday Monday,
the last day of the school year, and the two nights the clocks change in Paris."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from html import unescape

import holidays
import pytest
from vacances_scolaires_france import SchoolHolidayDates

from commun.clock import PARIS
from espace_facturation import services as billing
from espace_famille.demandes import digests
from espace_famille.dossier.models import Subscription, SubscriptionMethod
from espace_famille.planning import services
from espace_famille.planning.models import HolidayRule
from tests.espace_facturation.factories import billed_household, cashier, regie
from tests.factories import ActivityFactory, ChildFactory, EnrolmentFactory, FamilyFactory, UserFactory

pytestmark = pytest.mark.django_db


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


# moment: the first day «Péri SOIR» (Mon, Tue, Thu, Fri in school time, booked the day before by 12:00) can be
# booked, the processing digest the job sends then, the month the planning opens on, the credit note's number.
MOMENTS = {
    "31-décembre-23h30": (
        paris(2026, 12, 31, 23, 30),
        date(2027, 1, 4),
        "2026-12-31T18:00+01:00",
        "décembre 2026",
        "2026-0002",
    ),
    "1er-janvier-00h30": (
        paris(2027, 1, 1, 0, 30),
        date(2027, 1, 4),
        "2026-12-31T18:00+01:00",
        "janvier 2027",
        "2027-0001",
    ),
    "lundi-de-vacances-scolaires": (
        paris(2026, 12, 21, 10),
        date(2027, 1, 4),
        "2026-12-20T18:00+01:00",
        "décembre 2026",
        "2026-0002",
    ),
    "lundi-de-pentecôte": (
        paris(2027, 5, 17, 10),
        date(2027, 5, 18),
        "2027-05-16T18:00+02:00",
        "mai 2027",
        "2027-0001",
    ),
    "dernier-jour-d-école": (
        paris(2027, 7, 2, 17),
        date(2027, 9, 2),
        "2027-07-02T13:00+02:00",
        "juillet 2027",
        "2027-0001",
    ),
    "passage-à-l-heure-d-été": (
        paris(2027, 3, 28, 3, 30),
        date(2027, 3, 30),
        "2027-03-27T18:00+01:00",
        "mars 2027",
        "2027-0001",
    ),
    "passage-à-l-heure-d-hiver": (
        paris(2027, 10, 31, 2, 30),
        date(2027, 11, 8),
        "2027-10-30T18:00+02:00",
        "octobre 2027",
        "2027-0001",
    ),
}
SCHOOL_WEEKDAYS = {0, 1, 3, 4}


@pytest.fixture(params=list(MOMENTS), ids=list(MOMENTS))
def moment(request, time_machine):
    stopped, *expected = MOMENTS[request.param]
    time_machine.move_to(stopped, tick=False)
    return stopped, *expected


@pytest.fixture
def household():
    """A subscribed parent, a child enrolled in «Péri SOIR» for two school years."""
    parent, family = UserFactory(), FamilyFactory(name="DURANT")
    Subscription.objects.create(user=parent, family=family, method=SubscriptionMethod.CODE)
    child = ChildFactory(family=family, first_name="Léo")
    activity = ActivityFactory(label="Péri SOIR", holiday_rule=HolidayRule.SCHOOL_TIME)
    EnrolmentFactory(
        child=child, activity=activity, start_date=date(2026, 9, 1), end_date=date(2028, 7, 7), weekdays=[0, 1, 3, 4]
    )
    return parent, child, activity


def test_the_first_day_a_parent_can_book(moment, household):
    stopped, first_day, *_ = moment
    parent, child, activity = household
    today = stopped.date()
    result = services.booking_request_submit(
        family=child.family,
        by=parent,
        children=[child],
        activity=activity,
        kind="booking",
        days=[today + timedelta(days=n) for n in range(72)],
    )
    booked = sorted(day for _, day in result.requested)
    assert booked[0] == first_day
    # Checked against the libraries themselves: never a public holiday, a school holiday of zone B, a weekend.
    public, school = holidays.France(years=[2026, 2027]), SchoolHolidayDates()
    assert not [
        day
        for day in booked
        if day in public or school.is_holiday_for_zone(day, "B") or day.weekday() not in SCHOOL_WEEKDAYS
    ]


def test_the_digest_job_sends_the_slot_just_ended(moment):
    _, _, slot, *_ = moment
    assert digests.digests_send_due().slot == slot


def test_the_planning_opens_on_the_month_of_paris(moment, household, client):
    _, _, _, month, _ = moment
    parent, _, _ = household
    client.force_login(parent)
    page = unescape(client.get("/espace-famille/planning/", {"vue": "mois"}).content.decode())
    assert f'<h2 id="planning-title" class="planning-title">{month}</h2>' in page


def test_a_credit_note_is_numbered_in_the_year_of_paris(moment, site):
    stopped, *_, number = moment
    invoice, _ = billed_household(regie())
    note = billing.credit_note_issue(invoice=invoice, amount=Decimal("1.00"), reason="sortie scolaire", by=cashier())
    assert (note.number, note.issued_on) == (number, stopped.date())
