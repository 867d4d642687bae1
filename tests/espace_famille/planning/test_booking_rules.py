"""The pure rules of bookings: the transition table, deadlines, why a day cannot be asked, outcomes of decisions."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commun.clock import PARIS
from espace_famille.demandes import rules as demandes_rules
from espace_famille.demandes.exceptions import InvalidTransition
from espace_famille.planning import rules as planning_rules
from espace_famille.planning import services
from espace_famille.planning.models import BookingState
from espace_famille.planning.rules import Event, Skip
from tests.conftest import examples
from tests.factories import ActivityFactory, ChildFactory, EnrolmentFactory, parent_of

# The table as DESIGN.md tells it, written out again so that a change to rules.TRANSITIONS has to be deliberate.
EXPECTED = {
    ("none", Event.BOOK): "pending",
    ("refused", Event.BOOK): "pending",
    ("cancelled", Event.BOOK): "pending",
    ("absent", Event.BOOK): "pending",
    ("pending", Event.ACCEPT): "booked",
    ("pending", Event.ACCEPT_FULL): "waiting",
    ("pending", Event.REFUSE): "refused",
    ("pending", Event.WITHDRAW): "cancelled",
    ("waiting", Event.PROMOTE): "booked",
    ("waiting", Event.REFUSE): "refused",
    ("waiting", Event.WITHDRAW): "cancelled",
    ("booked", Event.CANCEL): "cancelled",
    ("booked", Event.ABSENCE): "abs_pending",
    ("abs_refused", Event.ABSENCE): "abs_pending",
    ("abs_pending", Event.ABSENCE_ACCEPT): "absent",
    ("abs_pending", Event.ABSENCE_ACCEPT_LATE): "abs_billed",
    ("abs_pending", Event.ABSENCE_REFUSE): "abs_refused",
    ("abs_pending", Event.WITHDRAW): "booked",
}
STATES = [state.value for state in BookingState]
EVENTS = [value for name, value in vars(Event).items() if not name.startswith("_")]


def test_the_table_is_the_one_of_the_design():
    assert planning_rules.TRANSITIONS == EXPECTED
    assert len(STATES) == 10 and len(EVENTS) == 11


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("event", EVENTS)
def test_every_state_and_event(state, event):
    if (state, event) in EXPECTED:
        assert planning_rules.next_state(state, event) == EXPECTED[(state, event)]
    else:
        with pytest.raises(InvalidTransition) as error:
            planning_rules.next_state(state, event)
        assert error.value.messages == ["Cette action n'est pas possible pour ce jour dans son état actuel."]


def test_a_day_holds_a_place_while_booked_or_absence_not_accepted():
    assert planning_rules.HOLDS_A_PLACE == {"booked", "abs_pending", "abs_refused"}
    assert planning_rules.BILLED == {"booked", "abs_pending", "abs_refused", "abs_billed"}


def test_what_a_click_asks_is_allowed_by_the_table():
    event = {"booking": Event.BOOK, "absence": Event.ABSENCE, "cancellation": Event.WITHDRAW}
    for state, action in planning_rules.FAMILY_ACTION.items():
        assert (state, event[action]) in EXPECTED
    assert set(planning_rules.FAMILY_ACTION) == {state for state in STATES if state not in ("abs_billed",)}


# Deadlines ---------------------------------------------------------------------------------------------------


def test_the_day_before_at_noon():
    assert planning_rules.deadline(date(2026, 11, 16), kind="days", days=1, at=time(12)) == datetime(
        2026, 11, 15, 12, tzinfo=PARIS
    )


def test_the_same_day_and_n_calendar_days():
    assert planning_rules.deadline(date(2026, 11, 16), kind="days", days=0, at=time(8)) == datetime(
        2026, 11, 16, 8, tzinfo=PARIS
    )
    assert planning_rules.deadline(date(2026, 11, 16), kind="days", days=7, at=time(18)) == datetime(
        2026, 11, 9, 18, tzinfo=PARIS
    )


def test_working_days_skip_the_weekend():
    # Monday 16/11/2026, 2 working days before: Thursday 12 (Friday 13 is the first).
    assert planning_rules.deadline(date(2026, 11, 16), kind="working", days=2, at=time(18)) == datetime(
        2026, 11, 12, 18, tzinfo=PARIS
    )


def test_working_days_skip_public_holidays():
    # Thursday 12/11/2026, 2 working days before: Wednesday 11 is Armistice, so Tuesday 10 then Monday 9.
    armistice = frozenset({date(2026, 11, 11)})
    assert planning_rules.deadline(
        date(2026, 11, 12), kind="working", days=2, at=time(12), public_holidays=armistice
    ) == datetime(2026, 11, 9, 12, tzinfo=PARIS)
    assert planning_rules.deadline(date(2026, 11, 12), kind="working", days=2, at=time(12)) == datetime(
        2026, 11, 10, 12, tzinfo=PARIS
    )


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (date(2026, 3, 30), 10),  # the day before is Sunday 29/03, the first day of summer time: noon is 10:00 UTC
        (date(2026, 3, 29), 11),  # Saturday 28/03, still winter time
        (date(2026, 10, 26), 11),  # Sunday 25/10, back to winter time: noon is 11:00 UTC
        (date(2026, 10, 25), 10),  # Saturday 24/10, still summer time
    ],
)
def test_deadlines_are_paris_wall_clock_times_across_daylight_saving_changes(day, utc_hour):
    limit = planning_rules.deadline(day, kind="days", days=1, at=time(12))

    assert limit.astimezone(UTC) == datetime.combine(day - timedelta(days=1), time(utc_hour), tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "days", "at", "said"),
    [
        ("days", 1, time(12), "la veille à 12:00"),
        ("days", 0, time(8, 30), "le jour même à 08:30"),
        ("days", 3, time(18), "3 jours avant à 18:00"),
        ("working", 1, time(12), "1 jour ouvré avant à 12:00"),
        ("working", 2, time(12), "2 jours ouvrés avant à 12:00"),
    ],
)
def test_describe_deadline(kind, days, at, said):
    assert planning_rules.describe_deadline(kind=kind, days=days, at=at) == said


# Why a day cannot be asked -----------------------------------------------------------------------------------

MONDAY = date(2026, 11, 16)
SCHOOL_YEAR = [(date(2026, 9, 1), date(2027, 7, 3), {0, 1, 3, 4})]
LIMIT = datetime(2026, 11, 15, 12, tzinfo=PARIS)
BEFORE, AFTER = LIMIT - timedelta(minutes=1), LIMIT + timedelta(minutes=1)


def problem(day=MONDAY, kind="booking", state="none", enrolments=SCHOOL_YEAR, closed=None, now=BEFORE, rule=""):
    return planning_rules.booking_problem(
        day=day,
        kind=kind,
        state=state,
        enrolments=enrolments,
        runs_weekdays={0, 1, 3, 4},
        closed=closed,
        now=now,
        limit=LIMIT,
        rule=rule,
    )


def test_a_bookable_day_has_no_problem():
    assert problem() is None
    assert problem(now=LIMIT) is None


def test_a_day_outside_every_enrolment():
    assert problem(day=date(2027, 7, 5)) == (Skip.NOT_ENROLLED, "hors de la période d'inscription")
    assert problem(enrolments=[]) == (Skip.NOT_ENROLLED, "hors de la période d'inscription")


def test_a_weekday_not_enrolled_or_not_run():
    assert problem(day=date(2026, 11, 18)) == (Skip.WEEKDAY, "jour non inscrit")
    assert problem(enrolments=[(date(2026, 9, 1), date(2027, 7, 3), {1})]) == (Skip.WEEKDAY, "jour non inscrit")


def test_a_second_enrolment_can_cover_the_weekday():
    enrolments = [(date(2026, 9, 1), date(2027, 7, 3), {1}), (date(2026, 11, 1), date(2026, 11, 30), {0})]
    assert problem(enrolments=enrolments) is None


def test_a_closed_day_says_why():
    assert problem(closed="Noël") == (Skip.CLOSED, "fermé (Noël)")


def test_a_late_booking_names_the_deadline():
    assert problem(now=AFTER) == (Skip.DEADLINE, "délai dépassé (réservation possible jusqu'au 15/11/2026 à 12:00)")
    assert problem(now=AFTER, rule="la veille à 12:00") == (
        Skip.DEADLINE,
        "délai dépassé : réservation possible jusqu'à la veille à 12:00 (le 15/11/2026 à 12:00)",
    )
    assert problem(now=AFTER, rule="le jour même à 12:00")[1].startswith(
        "délai dépassé : réservation possible jusqu'au jour même à 12:00"
    )


def test_the_deadline_is_said_in_paris_time():
    utc_now = datetime(2026, 11, 15, 11, 30, tzinfo=UTC)  # 12:30 in Paris
    assert problem(now=utc_now, rule="la veille à 12:00")[0] == Skip.DEADLINE


@pytest.mark.parametrize("state", ["pending", "booked", "waiting", "abs_pending", "abs_refused", "abs_billed"])
def test_a_day_already_asked_or_booked_cannot_be_booked(state):
    assert problem(state=state) == (Skip.ALREADY, "déjà réservé ou demandé")


@pytest.mark.parametrize("state", ["none", "pending", "refused", "cancelled", "waiting", "abs_pending", "absent"])
def test_an_absence_only_on_a_booked_day(state):
    assert problem(kind="absence", state=state) == (Skip.NOT_BOOKED, "pas de réservation ce jour")


@pytest.mark.parametrize("state", ["booked", "abs_refused"])
def test_a_late_absence_is_not_a_problem(state):
    assert problem(kind="absence", state=state, now=AFTER) is None


@pytest.mark.parametrize("state", ["pending", "waiting", "abs_pending"])
def test_a_pending_request_can_be_cancelled(state):
    assert problem(kind="cancellation", state=state, now=AFTER) is None


@pytest.mark.parametrize("state", ["none", "booked", "refused", "cancelled", "abs_refused", "abs_billed", "absent"])
def test_nothing_to_cancel(state):
    assert problem(kind="cancellation", state=state) == (Skip.NOTHING_PENDING, "aucune demande en attente ce jour")


# Outcomes of decisions ---------------------------------------------------------------------------------------


def test_absence_event():
    in_time = dict(limit=LIMIT, justified=False, late_billed=True)
    assert planning_rules.absence_event(now_or_declared_at=BEFORE, **in_time) == Event.ABSENCE_ACCEPT
    assert planning_rules.absence_event(now_or_declared_at=LIMIT, **in_time) == Event.ABSENCE_ACCEPT
    assert planning_rules.absence_event(now_or_declared_at=AFTER, **in_time) == Event.ABSENCE_ACCEPT_LATE
    assert (
        planning_rules.absence_event(now_or_declared_at=AFTER, limit=LIMIT, justified=True, late_billed=True)
        == Event.ABSENCE_ACCEPT
    )
    assert (
        planning_rules.absence_event(now_or_declared_at=AFTER, limit=LIMIT, justified=False, late_billed=False)
        == Event.ABSENCE_ACCEPT
    )


def test_place_outcome():
    assert planning_rules.place_outcome(holding=1000, capacity=None) == Event.ACCEPT
    assert planning_rules.place_outcome(holding=0, capacity=1) == Event.ACCEPT
    assert planning_rules.place_outcome(holding=11, capacity=12) == Event.ACCEPT
    assert planning_rules.place_outcome(holding=12, capacity=12) == Event.ACCEPT_FULL
    assert planning_rules.place_outcome(holding=13, capacity=12) == Event.ACCEPT_FULL
    assert planning_rules.place_outcome(holding=0, capacity=0) == Event.ACCEPT_FULL


@pytest.mark.parametrize(
    ("lines", "state"),
    [
        (["pending"], "pending"),
        (["accepted", "pending"], "pending"),
        (["accepted", "accepted"], "accepted"),
        (["refused"], "refused"),
        (["refused", "accepted", "refused"], "partial"),
        (["withdrawn"], "withdrawn"),
        (["withdrawn", "accepted"], "accepted"),
        (["withdrawn", "pending"], "pending"),
        (["withdrawn", "refused", "accepted"], "partial"),
    ],
)
def test_request_state(lines, state):
    assert demandes_rules.request_state(lines) == state


# Date ranges (hypothesis) ------------------------------------------------------------------------------------

dates = st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31))
weekday_sets = st.none() | st.sets(st.integers(min_value=0, max_value=6))


@given(a=dates, b=dates, weekdays=weekday_sets)
def test_days_between_yields_exactly_the_days_in_range_on_those_weekdays(a, b, weekdays):
    start, end = min(a, b), max(a, b)

    days = list(planning_rules.days_between(start, end, weekdays))

    assert days == sorted(set(days))
    assert all(start <= day <= end for day in days)
    wanted = set(range(7)) if weekdays is None else weekdays
    assert all(day.weekday() in wanted for day in days)
    span = (end - start).days + 1
    expected = sum(1 for n in range(span) if (start + timedelta(days=n)).weekday() in wanted)
    assert len(days) == expected


@pytest.fixture
def household(db):
    activity = ActivityFactory(weekdays=[0, 1, 2, 3, 4])
    child = ChildFactory()
    EnrolmentFactory(child=child, activity=activity, start_date=date(2026, 9, 1), end_date=date(2027, 7, 3))
    return child, activity, parent_of(child.family)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=dates,
    length=st.integers(min_value=0, max_value=45),
    weekdays=weekday_sets,
    kind=st.sampled_from(["booking", "absence", "cancellation"]),
)
def test_every_day_asked_is_either_requested_or_skipped_exactly_once(household, start, length, weekdays, kind):
    child, activity, parent = household
    days = list(planning_rules.days_between(start, start + timedelta(days=length), weekdays))

    result = services.booking_request_submit(
        family=child.family,
        by=parent,
        children=[child],
        activity=activity,
        kind=kind,
        days=days,
        now=datetime(2026, 6, 1, tzinfo=PARIS),
    )

    requested = [day for _, day in result.requested]
    skipped = [day for _, day, reason in result.skipped]
    assert sorted(requested + skipped) == days
    assert all(reason for _, _, reason in result.skipped)
    lines = [day for request in result.requests for day in request.lines.values_list("day", flat=True)]
    assert sorted(lines) == sorted(requested)
