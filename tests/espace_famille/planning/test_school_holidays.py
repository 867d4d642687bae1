"""School holidays the portal does not know (a school year beyond the Ministry's data shipped with the package):
school-time days cannot be booked, and the dashboard says which school year lacks them, until the municipality
types the holidays in as closures."""

from datetime import date, datetime
from html import unescape

import pytest

from commun.clock import PARIS
from espace_famille.comptes.permissions import INSTRUCTORS
from espace_famille.planning import services
from espace_famille.planning.calendar import Calendar
from espace_famille.planning.models import Closure, HolidayRule
from tests.factories import ActivityFactory, ChildFactory, EnrolmentFactory, UserFactory, family_parent, role

pytestmark = pytest.mark.django_db

# The package ships the school holidays up to the summer of 2028: 2028-2029 is unknown.
ASKED = datetime(2028, 9, 20, 10, tzinfo=PARIS)
TOUSSAINT_MONDAY = date(2028, 10, 23)  # in the Toussaint holidays of every zone, whatever their exact dates
DECEMBER_MONDAY = date(2028, 12, 4)


@pytest.fixture
def child():
    return ChildFactory(first_name="Léo")


def enrolled(child, **activity):
    activity = ActivityFactory(**activity)
    EnrolmentFactory(
        child=child, activity=activity, start_date=date(2028, 9, 1), end_date=date(2029, 7, 7), weekdays=[0, 1, 3, 4]
    )
    return activity


def ask(child, activity, *days):
    return services.booking_request_submit(
        family=child.family,
        by=family_parent(child.family),
        children=[child],
        activity=activity,
        kind="booking",
        days=days,
        now=ASKED,
    )


def holidays_typed_in(label="Vacances de la Toussaint", start=date(2028, 10, 21), end=date(2028, 11, 5)):
    return Closure.objects.create(label=label, start_date=start, end_date=end)


def test_a_school_time_activity_cannot_be_booked_in_a_school_year_without_holidays(child):
    activity = enrolled(child, holiday_rule=HolidayRule.SCHOOL_TIME)
    result = ask(child, activity, TOUSSAINT_MONDAY, DECEMBER_MONDAY)
    assert result.requests == []
    reason = "vacances scolaires 2028-2029 pas encore connues"
    assert result.skipped == [
        (child, TOUSSAINT_MONDAY, f"fermé ({reason})"),
        (child, DECEMBER_MONDAY, f"fermé ({reason})"),
    ]


def test_an_activity_open_in_the_holidays_too_is_booked_as_usual(child):
    activity = enrolled(child, holiday_rule=HolidayRule.ALWAYS)
    assert ask(child, activity, TOUSSAINT_MONDAY).skipped == []


def test_holidays_typed_in_as_closures_open_the_school_year(child):
    activity = enrolled(child, holiday_rule=HolidayRule.SCHOOL_TIME)
    holidays_typed_in()
    result = ask(child, activity, TOUSSAINT_MONDAY, DECEMBER_MONDAY)
    assert result.requested == [(child, DECEMBER_MONDAY)]
    assert result.skipped == [(child, TOUSSAINT_MONDAY, "fermé (Vacances de la Toussaint)")]


def test_a_single_closed_day_is_not_taken_for_the_holidays(child):
    activity = enrolled(child, holiday_rule=HolidayRule.SCHOOL_TIME)
    holidays_typed_in(label="Journée pédagogique", start=date(2028, 11, 10), end=date(2028, 11, 10))
    assert ask(child, activity, DECEMBER_MONDAY).requests == []


def test_the_school_years_the_package_ships_need_nothing_typed_in(child):
    activity = ActivityFactory(holiday_rule=HolidayRule.SCHOOL_TIME)
    calendar = Calendar.load(date(2027, 9, 1), date(2028, 8, 31))
    assert calendar.unknown_years == frozenset()
    assert calendar.closed(activity, date(2027, 10, 25)) == "Vacances de la Toussaint"
    assert calendar.closed(activity, date(2027, 12, 6)) is None


# The dashboard -----------------------------------------------------------------------------------------------


def dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.fixture
def instructor():
    user = UserFactory(email="instructeur@example.org")
    user.groups.add(role(INSTRUCTORS))
    return user


WARNING = "Vacances scolaires inconnues : 2028-2029"


def test_the_dashboard_names_the_coming_school_year_without_holidays(client, site, instructor, time_machine):
    time_machine.move_to(datetime(2027, 9, 15, 10, tzinfo=PARIS), tick=False)
    page = dashboard(client, instructor)
    assert WARNING in page
    assert "zone B pour l'année scolaire 2028-2029" in page and 'href="/admin/espace_famille/closure/"' in page


def test_the_warning_goes_once_the_holidays_are_typed_in(client, site, instructor, time_machine):
    time_machine.move_to(datetime(2027, 9, 15, 10, tzinfo=PARIS), tick=False)
    holidays_typed_in()
    assert WARNING not in dashboard(client, instructor)


def test_no_warning_while_the_package_knows_this_school_year_and_the_next(client, site, instructor, time_machine):
    time_machine.move_to(datetime(2026, 12, 3, 10, tzinfo=PARIS), tick=False)
    assert "Vacances scolaires inconnues" not in dashboard(client, instructor)
