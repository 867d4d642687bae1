"""An accueil de loisirs runs on Wednesdays all year and on the other weekdays in the school holidays only:
the planning shows its Mondays in the holidays, not in school time, and a long request skips them with a reason."""

from datetime import date, datetime

import pytest

from commun.clock import PARIS
from espace_famille.planning import services
from espace_famille.planning.calendar import Calendar
from espace_famille.planning.models import ActivitySlot, CalendarSettings, HolidayRule, SlotPeriod
from espace_famille.planning.selectors import planning_grid
from tests.factories import ActivityFactory, ChildFactory, EnrolmentFactory, FamilyFactory, family_parent

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=PARIS)
SCHOOL_MONDAY = date(2026, 11, 23)
HOLIDAY_MONDAY = date(2026, 12, 21)  # Vacances de Noël, every zone
WEDNESDAY = date(2026, 11, 25)


@pytest.fixture
def leisure(db):
    activity = ActivityFactory(code="7", label="ALSH-IS-Après-midi", holiday_rule=HolidayRule.ALWAYS, weekdays=[])
    ActivitySlot.objects.bulk_create(
        [
            ActivitySlot(
                activity=activity, weekday=0, period=SlotPeriod.HOLIDAYS, start_time="13:00", end_time="17:00"
            ),
            ActivitySlot(activity=activity, weekday=2, period=SlotPeriod.ALL, start_time="13:00", end_time="17:00"),
        ]
    )
    return activity


@pytest.fixture
def child(leisure):
    child = ChildFactory(family=FamilyFactory(), first_name="Timéo")
    EnrolmentFactory(
        child=child, activity=leisure, start_date=date(2026, 9, 1), end_date=date(2027, 8, 31), weekdays=[0, 2]
    )
    return child


def cells(child, start, end):
    grid = planning_grid(family=child.family, start=start, end=end, now=NOW)
    return {day.day: [entry.activity.code for entry in day.entries] for day in grid.days}


def test_the_mondays_of_the_accueil_de_loisirs_show_in_the_holidays_only(child):
    shown = cells(child, SCHOOL_MONDAY, HOLIDAY_MONDAY)
    assert shown[SCHOOL_MONDAY] == []
    assert shown[WEDNESDAY] == ["7"]
    assert shown[HOLIDAY_MONDAY] == ["7"]


def test_a_long_request_skips_the_school_mondays_and_says_why(child, leisure):
    result = services.booking_request_submit(
        family=child.family,
        by=family_parent(child.family),
        children=[child],
        activity=leisure,
        kind="booking",
        days=[SCHOOL_MONDAY, WEDNESDAY, HOLIDAY_MONDAY],
        now=NOW,
    )
    assert [day for _, day in result.requested] == [WEDNESDAY, HOLIDAY_MONDAY]
    assert [(day, reason) for _, day, reason in result.skipped] == [(SCHOOL_MONDAY, "fermé (hors vacances scolaires)")]


def test_the_school_holidays_follow_the_zone_set_in_the_admin(db):
    # Hiver 2027: zone C from 6 February, zone A from 13 February (the Ministry's calendar).
    day = date(2027, 2, 8)
    settings = CalendarSettings.objects.create(site_id=_site_id(), school_zone="C")
    assert Calendar.load(day, day).school_holiday(day) == "Vacances d'hiver"
    settings.school_zone = "A"
    settings.save()
    assert Calendar.load(day, day).school_holiday(day) is None


def _site_id():
    from wagtail.models import Site

    return Site.objects.get(is_default_site=True).pk
