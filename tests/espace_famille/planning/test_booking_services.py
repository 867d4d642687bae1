"""Bookings, absences and cancellations through the services: each rule of DESIGN.md «Bookings», in the database."""

import math
from datetime import date, datetime, time

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from commun.clock import PARIS
from espace_famille.demandes.exceptions import InvalidTransition
from espace_famille.demandes.models import (
    DecisionNotice,
    EventKind,
    LineState,
    Request,
    RequestEvent,
    RequestKind,
    RequestLine,
    RequestState,
)
from espace_famille.planning import services
from espace_famille.planning.cancellation import booking_cancel
from espace_famille.planning.exceptions import BookingNotAllowed
from espace_famille.planning.models import Booking, BookingHistory, Closure, DeadlineKind, HolidayRule
from espace_famille.planning.waiting_list import waiting_list_refill
from notifications.models import OutboxMessage
from tests.commun import hostile
from tests.factories import (
    ActivityFactory,
    ChildFactory,
    EnrolmentFactory,
    FamilyFactory,
    parent_of,
    service_instructor,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 10, 9, 0, tzinfo=PARIS)
MONDAY, TUESDAY, WEDNESDAY, THURSDAY = date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19)


class Household:
    """A parent, a family and a child enrolled in an activity (Monday, Tuesday, Thursday, Friday)."""

    def __init__(self, activity, first_name="Léa"):
        self.family = FamilyFactory()
        self.parent = parent_of(self.family)
        self.child = ChildFactory(family=self.family, first_name=first_name)
        self.activity = activity
        EnrolmentFactory(child=self.child, activity=activity)

    def ask(self, kind, *days, now=NOW, justification=None):
        return services.booking_request_submit(
            family=self.family,
            by=self.parent,
            children=[self.child],
            activity=self.activity,
            kind=kind,
            days=days,
            justification=justification,
            now=now,
        )

    def request(self, kind="booking"):
        return Request.objects.filter(child=self.child, kind=kind).latest("pk")

    def state(self, day):
        booking = Booking.objects.filter(child=self.child, activity=self.activity, day=day).first()
        return booking.state if booking else "none"


@pytest.fixture
def activity():
    return ActivityFactory(code="4", label="Péri SOIR")


@pytest.fixture
def home(activity):
    return Household(activity)


@pytest.fixture
def instructor():
    return service_instructor(email="instructeur@example.org", first_name="Inès", last_name="Structrice")


def booked(household, *days, by):
    household.ask("booking", *days)
    return services.booking_request_decide(request=household.request(), by=by, accept=days)


def family_messages(request):
    return list(
        RequestEvent.objects.filter(request=request, visible_to_family=True)
        .exclude(kind__in=[EventKind.SUBMITTED, EventKind.WITHDRAWN])
        .values_list("kind", "message")
    )


# Booking requests ------------------------------------------------------------------------------------------


def test_a_booking_request_puts_each_day_pending_with_its_line_and_history(home):
    result = home.ask("booking", MONDAY, TUESDAY)

    request = home.request()
    assert result.requests == [request]
    assert result.requested == [(home.child, MONDAY), (home.child, TUESDAY)]
    assert result.skipped == []
    assert (request.kind, request.state, request.author, request.activity) == (
        RequestKind.BOOKING,
        RequestState.PENDING,
        home.parent,
        home.activity,
    )
    assert (request.start_date, request.end_date) == (MONDAY, TUESDAY)
    assert list(request.lines.values_list("day", "state")) == [(MONDAY, "pending"), (TUESDAY, "pending")]
    assert home.state(MONDAY) == home.state(TUESDAY) == "pending"
    assert (
        list(
            BookingHistory.objects.filter(booking__child=home.child)
            .order_by("booking__day")
            .values_list("from_state", "to_state", "by", "request")
        )
        == [("none", "pending", home.parent.pk, request.pk)] * 2
    )
    assert list(request.events.values_list("kind", flat=True)) == [EventKind.SUBMITTED]


def test_days_outside_the_enrolment_are_skipped_with_their_reason(home):
    sunday_before, wednesday, monday_before_enrolment = date(2026, 11, 15), WEDNESDAY, date(2026, 8, 31)

    result = home.ask("booking", monday_before_enrolment, wednesday, sunday_before, MONDAY)

    assert result.requested == [(home.child, MONDAY)]
    assert result.skipped == [
        (home.child, monday_before_enrolment, "hors de la période d'inscription"),
        (home.child, sunday_before, "jour non inscrit"),
        (home.child, wednesday, "jour non inscrit"),
    ]


def test_a_weekday_the_child_is_not_enrolled_on_is_skipped(activity):
    household = Household(activity)
    household.child.enrolments.update(weekdays=[0])

    result = household.ask("booking", MONDAY, TUESDAY)

    assert result.requested == [(household.child, MONDAY)]
    assert result.skipped == [(household.child, TUESDAY, "jour non inscrit")]


def test_a_weekday_the_activity_does_not_run_is_skipped_even_if_enrolled(activity):
    household = Household(activity)
    household.child.enrolments.update(weekdays=[0, 1, 2, 3, 4])

    result = household.ask("booking", WEDNESDAY)

    assert result.skipped == [(household.child, WEDNESDAY, "jour non inscrit")]


def test_closed_days_are_skipped_public_and_school_holidays_and_closures(home):
    christmas, christmas_holidays = date(2026, 12, 25), date(2026, 12, 21)
    Closure.objects.create(label="Grève", start_date=THURSDAY, end_date=THURSDAY, activity=home.activity)

    result = home.ask("booking", christmas, christmas_holidays, THURSDAY)

    assert result.requested == []
    assert result.requests == []
    assert result.skipped == [
        (home.child, THURSDAY, "fermé (Grève)"),
        (home.child, christmas_holidays, "fermé (Vacances de Noël)"),
        (home.child, christmas, "fermé (Noël)"),
    ]
    assert not Request.objects.exists()
    assert not Booking.objects.exists()


def test_an_activity_running_all_year_is_open_in_the_school_holidays():
    household = Household(ActivityFactory(holiday_rule=HolidayRule.ALWAYS))

    result = household.ask("booking", date(2026, 12, 21))

    assert result.requested == [(household.child, date(2026, 12, 21))]


def test_a_booking_past_its_deadline_is_skipped_with_a_message_naming_the_deadline(home):
    late = datetime(2026, 11, 15, 12, 1, tzinfo=PARIS)

    result = home.ask("booking", MONDAY, TUESDAY, now=late)

    assert result.requested == [(home.child, TUESDAY)]
    assert result.skipped == [
        (home.child, MONDAY, "délai dépassé : réservation possible jusqu'à la veille à 12:00 (le 15/11/2026 à 12:00)")
    ]


def test_a_booking_just_in_time_is_requested(home):
    result = home.ask("booking", MONDAY, now=datetime(2026, 11, 15, 12, 0, tzinfo=PARIS))

    assert result.requested == [(home.child, MONDAY)]


def test_a_deadline_in_working_days_skips_the_weekend():
    activity = ActivityFactory(
        booking_deadline_kind=DeadlineKind.WORKING_DAYS, booking_deadline_days=2, booking_deadline_time=time(18, 0)
    )
    household = Household(activity)

    late = household.ask("booking", MONDAY, now=datetime(2026, 11, 12, 18, 1, tzinfo=PARIS))
    in_time = household.ask("booking", MONDAY, now=datetime(2026, 11, 12, 17, 59, tzinfo=PARIS))

    assert late.skipped == [
        (
            household.child,
            MONDAY,
            "délai dépassé : réservation possible jusqu'à 2 jours ouvrés avant à 18:00 (le 12/11/2026 à 18:00)",
        )
    ]
    assert in_time.requested == [(household.child, MONDAY)]


def test_a_day_already_requested_or_booked_is_skipped(home, instructor):
    booked(home, MONDAY, by=instructor)
    home.ask("booking", TUESDAY)

    result = home.ask("booking", MONDAY, TUESDAY)

    assert result.requested == []
    assert result.skipped == [
        (home.child, MONDAY, "déjà réservé ou demandé"),
        (home.child, TUESDAY, "déjà réservé ou demandé"),
    ]


def test_several_children_get_one_request_each(activity):
    household = Household(activity)
    brother = ChildFactory(family=household.family, first_name="Timéo")
    EnrolmentFactory(child=brother, activity=activity, weekdays=[0])

    result = services.booking_request_submit(
        family=household.family,
        by=household.parent,
        children=[household.child, brother],
        activity=activity,
        kind="booking",
        days=[MONDAY, TUESDAY],
        now=NOW,
    )

    assert [r.child for r in result.requests] == [household.child, brother]
    assert result.requested == [(household.child, MONDAY), (household.child, TUESDAY), (brother, MONDAY)]
    assert result.skipped == [(brother, TUESDAY, "jour non inscrit")]


def test_another_familys_child_cannot_be_booked(home):
    stranger = ChildFactory()

    with pytest.raises(BookingNotAllowed):
        services.booking_request_submit(
            family=home.family, by=home.parent, children=[stranger], activity=home.activity, kind="booking", days=[]
        )


# Decisions ---------------------------------------------------------------------------------------------------


def test_accepting_books_the_days_and_tells_the_family(home, instructor):
    home.ask("booking", MONDAY, TUESDAY)
    request = home.request()

    services.booking_request_decide(
        request=request, by=instructor, accept=[MONDAY, TUESDAY], message="Bonne journée à Léa."
    )

    request.refresh_from_db()
    assert (request.state, request.decided_by) == (RequestState.ACCEPTED, instructor)
    assert request.decided_at is not None
    assert set(request.lines.values_list("state", flat=True)) == {LineState.ACCEPTED}
    assert home.state(MONDAY) == home.state(TUESDAY) == "booked"
    assert (
        list(BookingHistory.objects.filter(to_state="booked").values_list("from_state", "by", "request"))
        == [("pending", instructor.pk, request.pk)] * 2
    )
    assert family_messages(request) == [(EventKind.ACCEPTED, "Bonne journée à Léa.")]
    entry = ModelLogEntry.objects.get(action="portail.request.accept", object_id=str(request.pk))
    assert entry.user == instructor
    assert entry.data["accepted"] == ["2026-11-16", "2026-11-17"]


def test_each_day_is_decided_on_its_own(home, instructor):
    home.ask("booking", MONDAY, TUESDAY, THURSDAY)
    request = home.request()

    services.booking_request_decide(request=request, by=instructor, accept=[MONDAY])
    request.refresh_from_db()
    assert request.state == RequestState.PENDING
    assert dict(request.lines.values_list("day", "state")) == {
        MONDAY: "accepted",
        TUESDAY: "pending",
        THURSDAY: "pending",
    }

    services.booking_request_decide(request=request, by=instructor, refuse=[TUESDAY, THURSDAY], message="Complet.")

    request.refresh_from_db()
    assert request.state == RequestState.PARTIAL
    assert (home.state(MONDAY), home.state(TUESDAY), home.state(THURSDAY)) == ("booked", "refused", "refused")
    assert family_messages(request) == [(EventKind.PARTIAL, "Complet.")]
    entry = ModelLogEntry.objects.get(action="portail.request.partial", object_id=str(request.pk))
    assert entry.data["refused"] == ["2026-11-17", "2026-11-19"]


def test_refusing_every_day_refuses_the_request(home, instructor):
    home.ask("booking", MONDAY)

    services.booking_request_decide(request=home.request(), by=instructor, refuse=[MONDAY], message="Non.")

    request = home.request()
    assert request.state == RequestState.REFUSED
    assert home.state(MONDAY) == "refused"
    assert family_messages(request) == [(EventKind.REFUSED, "Non.")]
    assert ModelLogEntry.objects.filter(action="portail.request.refuse", object_id=str(request.pk)).exists()


def test_a_refused_day_can_be_asked_again(home, instructor):
    home.ask("booking", MONDAY)
    services.booking_request_decide(request=home.request(), by=instructor, refuse=[MONDAY])

    result = home.ask("booking", MONDAY)

    assert result.requested == [(home.child, MONDAY)]
    assert home.state(MONDAY) == "pending"


def test_deciding_a_day_twice_raises_invalid_transition(home, instructor):
    home.ask("booking", MONDAY, TUESDAY)
    request = home.request()
    services.booking_request_decide(request=request, by=instructor, accept=[MONDAY])

    with pytest.raises(InvalidTransition):
        services.booking_request_decide(request=request, by=instructor, refuse=[MONDAY])
    services.booking_request_decide(request=request, by=instructor, accept=[TUESDAY])
    with pytest.raises(InvalidTransition):
        services.booking_request_decide(request=request, by=instructor, accept=[TUESDAY])
    assert home.state(MONDAY) == home.state(TUESDAY) == "booked"


def test_a_day_can_be_named_by_its_line(home, instructor):
    home.ask("booking", MONDAY)
    line = RequestLine.objects.get(request=home.request())

    services.booking_request_decide(request=home.request(), by=instructor, accept=[line.pk])

    assert home.state(MONDAY) == "booked"


# Absences --------------------------------------------------------------------------------------------------


def test_an_absence_can_only_be_declared_on_a_booked_day(home, instructor):
    booked(home, MONDAY, by=instructor)
    home.ask("booking", TUESDAY)

    result = home.ask("absence", MONDAY, TUESDAY, THURSDAY)

    assert result.requested == [(home.child, MONDAY)]
    assert result.skipped == [
        (home.child, TUESDAY, "pas de réservation ce jour"),
        (home.child, THURSDAY, "pas de réservation ce jour"),
    ]
    assert home.state(MONDAY) == "abs_pending"
    assert home.request("absence").lines.get().booking.day == MONDAY


def test_an_absence_in_time_frees_the_day_without_billing(home, instructor):
    booked(home, MONDAY, by=instructor)
    home.ask("absence", MONDAY)

    services.booking_request_decide(request=home.request("absence"), by=instructor, accept=[MONDAY])

    assert home.state(MONDAY) == "absent"
    assert home.request("absence").state == RequestState.ACCEPTED


def test_an_absence_after_the_deadline_is_billed(home, instructor):
    booked(home, MONDAY, by=instructor)
    home.ask("absence", MONDAY, now=datetime(2026, 11, 15, 12, 30, tzinfo=PARIS))

    services.booking_request_decide(request=home.request("absence"), by=instructor, accept=[MONDAY])

    assert home.state(MONDAY) == "abs_billed"


def test_a_late_absence_with_a_justification_is_not_billed(home, instructor):
    booked(home, MONDAY, by=instructor)
    certificate = ContentFile(hostile.pdf_bytes("Certificat médical"), name="certificat.pdf")
    home.ask("absence", MONDAY, now=datetime(2026, 11, 16, 8, 0, tzinfo=PARIS), justification=certificate)

    request = home.request("absence")
    assert request.justification.name.startswith(f"justificatifs/{home.family.pk}/")
    services.booking_request_decide(request=request, by=instructor, accept=[MONDAY])

    assert home.state(MONDAY) == "absent"


def test_a_late_absence_is_not_billed_when_the_activity_does_not_bill_them():
    household = Household(ActivityFactory(late_absence_billed=False))
    instructor = service_instructor()
    booked(household, MONDAY, by=instructor)
    household.ask("absence", MONDAY, now=datetime(2026, 11, 16, 8, 0, tzinfo=PARIS))

    services.booking_request_decide(request=household.request("absence"), by=instructor, accept=[MONDAY])

    assert household.state(MONDAY) == "absent"


def test_lateness_is_judged_when_the_absence_was_declared_not_when_decided(home, instructor):
    booked(home, MONDAY, by=instructor)
    home.ask("absence", MONDAY, now=datetime(2026, 11, 14, 10, 0, tzinfo=PARIS))

    # Decided today (after the day itself): the family declared it in time.
    services.booking_request_decide(request=home.request("absence"), by=instructor, accept=[MONDAY])

    assert home.state(MONDAY) == "absent"


def test_a_refused_absence_keeps_the_day_booked_and_can_be_asked_again(home, instructor):
    booked(home, MONDAY, by=instructor)
    home.ask("absence", MONDAY)

    services.booking_request_decide(request=home.request("absence"), by=instructor, refuse=[MONDAY])
    assert home.state(MONDAY) == "abs_refused"

    assert home.ask("absence", MONDAY).requested == [(home.child, MONDAY)]
    assert home.state(MONDAY) == "abs_pending"


# Cancellations (the family withdraws a pending request) -------------------------------------------------------


def test_cancelling_withdraws_the_pending_booking_request(home):
    home.ask("booking", MONDAY, TUESDAY)
    original = home.request()

    result = home.ask("cancellation", MONDAY, TUESDAY)

    cancellation = home.request("cancellation")
    assert result.requests == [cancellation]
    assert (cancellation.state, cancellation.kind) == (RequestState.ACCEPTED, RequestKind.CANCELLATION)
    assert set(cancellation.lines.values_list("state", flat=True)) == {LineState.ACCEPTED}
    assert home.state(MONDAY) == home.state(TUESDAY) == "cancelled"
    original.refresh_from_db()
    assert original.state == RequestState.WITHDRAWN
    assert set(original.lines.values_list("state", flat=True)) == {LineState.WITHDRAWN}
    assert original.lines.filter(decided_at__isnull=True).count() == 0
    assert original.events.filter(kind=EventKind.WITHDRAWN).count() == 1
    assert (
        list(BookingHistory.objects.filter(to_state="cancelled").values_list("from_state", "request"))
        == [("pending", cancellation.pk)] * 2
    )


def test_cancelling_one_day_leaves_the_others_pending(home, instructor):
    home.ask("booking", MONDAY, TUESDAY)
    original = home.request()

    home.ask("cancellation", MONDAY)

    original.refresh_from_db()
    assert original.state == RequestState.PENDING
    assert dict(original.lines.values_list("day", "state")) == {MONDAY: "withdrawn", TUESDAY: "pending"}
    services.booking_request_decide(request=original, by=instructor, accept=[TUESDAY])
    original.refresh_from_db()
    # The day the family withdrew does not make the decision partial.
    assert original.state == RequestState.ACCEPTED


def test_cancelling_a_pending_absence_keeps_the_day_booked(home, instructor):
    booked(home, MONDAY, by=instructor)
    home.ask("absence", MONDAY)

    home.ask("cancellation", MONDAY)

    assert home.state(MONDAY) == "booked"
    assert home.request("absence").state == RequestState.WITHDRAWN


def test_only_pending_days_can_be_cancelled(home, instructor):
    booked(home, MONDAY, by=instructor)

    result = home.ask("cancellation", MONDAY, TUESDAY)

    assert result.requests == []
    assert result.skipped == [
        (home.child, MONDAY, "aucune demande en attente ce jour"),
        (home.child, TUESDAY, "aucune demande en attente ce jour"),
    ]


# Capacity and the waiting list ------------------------------------------------------------------------------


@pytest.fixture
def small():
    return ActivityFactory(code="4", capacity=1)


def test_accepting_beyond_capacity_puts_the_day_on_the_waiting_list(small, instructor):
    first, second = Household(small, "Léa"), Household(small, "Timéo")
    first.ask("booking", MONDAY)
    second.ask("booking", MONDAY)

    services.booking_request_decide(request=first.request(), by=instructor, accept=[MONDAY])
    services.booking_request_decide(request=second.request(), by=instructor, accept=[MONDAY])

    assert (first.state(MONDAY), second.state(MONDAY)) == ("booked", "waiting")
    assert second.request().state == RequestState.ACCEPTED
    assert second.request().lines.get().state == LineState.ACCEPTED


def test_a_freed_place_goes_to_the_first_in_line_who_is_told(small, instructor):
    first, second, third = Household(small, "Léa"), Household(small, "Timéo"), Household(small, "Maéva")
    first.ask("booking", MONDAY, now=datetime(2026, 11, 9, 9, tzinfo=PARIS))
    second.ask("booking", MONDAY, now=datetime(2026, 11, 9, 10, tzinfo=PARIS))
    third.ask("booking", MONDAY, now=datetime(2026, 11, 9, 11, tzinfo=PARIS))
    # Decided out of order: the waiting list follows the order of the requests, not of the decisions.
    for household in (first, third, second):
        services.booking_request_decide(request=household.request(), by=instructor, accept=[MONDAY])
    assert (first.state(MONDAY), second.state(MONDAY), third.state(MONDAY)) == ("booked", "waiting", "waiting")

    first.ask("absence", MONDAY)
    services.booking_request_decide(request=first.request("absence"), by=instructor, accept=[MONDAY])

    assert (first.state(MONDAY), second.state(MONDAY), third.state(MONDAY)) == ("absent", "booked", "waiting")
    promotion = BookingHistory.objects.get(booking__child=second.child, to_state="booked")
    assert promotion.from_state == "waiting"
    assert family_messages(second.request()) == [
        (EventKind.ACCEPTED, ""),
        (EventKind.MESSAGE, "Une place s'est libérée : 4/Péri SOIR du lun. 16/11 pour Timéo est réservé."),
    ]
    email = OutboxMessage.objects.get(kind="booking_promoted")
    assert email.to_email == second.parent.email
    assert "Timéo" in email.subject
    assert "lun. 16/11" in email.body_text
    assert not family_messages(third.request())[1:]


def test_a_late_absence_also_frees_the_place(small, instructor):
    first, second = Household(small, "Léa"), Household(small, "Timéo")
    booked(first, MONDAY, by=instructor)
    booked(second, MONDAY, by=instructor)

    first.ask("absence", MONDAY, now=datetime(2026, 11, 16, 7, tzinfo=PARIS))
    services.booking_request_decide(request=first.request("absence"), by=instructor, accept=[MONDAY])

    assert (first.state(MONDAY), second.state(MONDAY)) == ("abs_billed", "booked")


def test_a_pending_or_refused_absence_keeps_its_place(small, instructor):
    first, second = Household(small, "Léa"), Household(small, "Timéo")
    booked(first, MONDAY, by=instructor)
    booked(second, MONDAY, by=instructor)

    first.ask("absence", MONDAY)
    services.booking_request_decide(request=first.request("absence"), by=instructor, refuse=[MONDAY])

    assert (first.state(MONDAY), second.state(MONDAY)) == ("abs_refused", "waiting")


def test_withdrawing_from_the_waiting_list_gives_up_the_turn(small, instructor):
    first, second, third = Household(small, "Léa"), Household(small, "Timéo"), Household(small, "Maéva")
    for household in (first, second, third):
        booked(household, MONDAY, by=instructor)

    second.ask("cancellation", MONDAY)
    booking_cancel(booking=Booking.objects.get(child=first.child), by=instructor, reason="Sortie annulée")

    assert (first.state(MONDAY), second.state(MONDAY), third.state(MONDAY)) == ("cancelled", "cancelled", "booked")


def test_the_service_cancels_a_booked_day_and_promotes_the_first_in_line(small, instructor):
    first, second = Household(small, "Léa"), Household(small, "Timéo")
    booked(first, MONDAY, by=instructor)
    booked(second, MONDAY, by=instructor)

    booking = booking_cancel(booking=Booking.objects.get(child=first.child), by=instructor, reason="Sortie scolaire")

    assert booking.state == "cancelled"
    assert second.state(MONDAY) == "booked"
    cancellation = first.request("cancellation")
    assert cancellation.state == RequestState.ACCEPTED
    assert family_messages(cancellation) == [(EventKind.ACCEPTED, "Sortie scolaire")]
    history = BookingHistory.objects.get(booking=booking, to_state="cancelled")
    assert (history.from_state, history.by, history.reason) == ("booked", instructor, "Sortie scolaire")
    with pytest.raises(InvalidTransition):
        booking_cancel(booking=booking, by=instructor)


def test_a_booking_on_a_full_day_neither_reads_nor_locks_its_waiting_list():
    """At the opening of a camp, each parent after the last seat joins the end of the list: reading and locking the
    hundreds of rows before theirs made each booking slower than the one before (the rush hour's bottleneck)."""
    activity = ActivityFactory(auto_accept=True, capacity=1)
    households = [Household(activity, name) for name in ("Léa", "Timéo", "Maéva", "Inès")]
    for household in households[:3]:
        household.ask("booking", MONDAY)

    with CaptureQueriesContext(connection) as queries:
        households[3].ask("booking", MONDAY)

    assert [h.state(MONDAY) for h in households] == ["booked", "waiting", "waiting", "waiting"]
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and "\"state\" = 'waiting'" in q["sql"]]
    assert reads == []


def test_places_gained_go_to_the_first_in_line_of_each_day_only(instructor):
    activity = ActivityFactory(auto_accept=True, capacity=1)
    households = [Household(activity, name) for name in ("Léa", "Timéo", "Maéva", "Inès", "Noé")]
    for hour, household in enumerate(households, start=8):
        household.ask("booking", MONDAY, TUESDAY, now=datetime(2026, 11, 9, hour, tzinfo=PARIS))
    # Tuesday: Léa is away (declared in time), her place goes to Timéo; Monday keeps her.
    households[0].ask("absence", TUESDAY)
    assert [h.state(TUESDAY) for h in households] == ["absent", "booked", "waiting", "waiting", "waiting"]

    activity.capacity = 3
    activity.save()
    promoted = waiting_list_refill(activity=activity, by=instructor, today=MONDAY)

    assert [h.state(MONDAY) for h in households] == ["booked", "booked", "booked", "waiting", "waiting"]
    assert [h.state(TUESDAY) for h in households] == ["absent", "booked", "booked", "booked", "waiting"]
    assert sorted((b.day, b.child.first_name) for b in promoted) == [
        (MONDAY, "Maéva"),
        (MONDAY, "Timéo"),
        (TUESDAY, "Inès"),
        (TUESDAY, "Maéva"),
    ]


# Automatic acceptance ---------------------------------------------------------------------------------------


def test_an_automatic_activity_decides_at_once():
    household = Household(ActivityFactory(auto_accept=True))

    result = household.ask("booking", MONDAY, WEDNESDAY)

    request = household.request()
    assert result.requests[0].state == RequestState.ACCEPTED
    assert (request.state, request.decided_by) == (RequestState.ACCEPTED, None)
    assert household.state(MONDAY) == "booked"
    assert BookingHistory.objects.filter(to_state="booked", by=None).count() == 1


def test_an_automatic_activity_fills_the_waiting_list_and_bills_late_absences():
    activity = ActivityFactory(auto_accept=True, capacity=1)
    first, second = Household(activity, "Léa"), Household(activity, "Timéo")
    first.ask("booking", MONDAY)
    second.ask("booking", MONDAY)
    assert (first.state(MONDAY), second.state(MONDAY)) == ("booked", "waiting")

    first.ask("absence", MONDAY, now=datetime(2026, 11, 16, 7, tzinfo=PARIS))

    assert (first.state(MONDAY), second.state(MONDAY)) == ("abs_billed", "booked")
    assert OutboxMessage.objects.filter(kind="booking_promoted", to_email=second.parent.email).count() == 1


# Bulk decisions ---------------------------------------------------------------------------------------------


def test_bulk_acceptance_decides_every_pending_day_and_skips_decided_requests(activity, instructor):
    first, second = Household(activity, "Léa"), Household(activity, "Timéo")
    first.ask("booking", MONDAY, TUESDAY)
    second.ask("booking", MONDAY)
    services.booking_request_decide(request=second.request(), by=instructor, accept=[MONDAY])
    first_request = first.request()

    result = services.booking_requests_bulk_decide(
        requests=[first_request.pk, second.request().pk], by=instructor, accept=True, message="Validé."
    )

    assert result == services.BulkResult(requests=1, days=2, skipped=1)
    first_request.refresh_from_db()
    assert first_request.state == RequestState.ACCEPTED
    assert first.state(MONDAY) == first.state(TUESDAY) == "booked"
    assert family_messages(first_request) == [(EventKind.ACCEPTED, "Validé.")]


def test_bulk_refusal_takes_a_queryset(activity, instructor):
    household = Household(activity)
    household.ask("booking", MONDAY)

    result = services.booking_requests_bulk_decide(
        requests=Request.objects.filter(kind=RequestKind.BOOKING), by=instructor, accept=False
    )

    assert result == services.BulkResult(requests=1, days=1, skipped=0)
    assert household.state(MONDAY) == "refused"


def insert_batches(model, rows: int) -> int:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return math.ceil(rows / connection.ops.bulk_batch_size(fields, [None] * rows))


def _many_pending(children: int, days_each: int):
    """`children` children of one family, each asking `days_each` days of an activity open every day but the
    public holidays. Returns the activity and the number of days requested."""
    activity = ActivityFactory(holiday_rule=HolidayRule.ALWAYS, weekdays=list(range(7)), capacity=3 * children)
    family = FamilyFactory()
    parent = parent_of(family)
    kids = [ChildFactory(family=family) for _ in range(children)]
    for kid in kids:
        EnrolmentFactory(
            child=kid, activity=activity, start_date=date(2026, 1, 1), end_date=date(2028, 12, 31), weekdays=[*range(7)]
        )
    days = [date.fromordinal(date(2026, 1, 5).toordinal() + n) for n in range(days_each)]
    result = services.booking_request_submit(
        family=family,
        by=parent,
        children=kids,
        activity=activity,
        kind="booking",
        days=days,
        now=datetime(2025, 12, 1, tzinfo=PARIS),
    )
    return activity, len(result.requested)


@pytest.mark.parametrize("days_each", [10, 500])
def test_bulk_acceptance_reads_and_writes_with_a_bounded_number_of_queries(
    days_each, instructor, django_assert_max_num_queries
):
    activity, pending = _many_pending(children=4, days_each=days_each)
    requests = Request.objects.filter(activity=activity)

    # A handful of queries whatever the number of days; SQLite's limit of 999 parameters a statement splits
    # the inserts of the audit trail and of the digest's notices in batches (PostgreSQL writes each in one).
    with django_assert_max_num_queries(
        18 + insert_batches(BookingHistory, pending) + insert_batches(DecisionNotice, pending)
    ):
        result = services.booking_requests_bulk_decide(requests=requests, by=instructor, accept=True)

    assert pending > 0.9 * 4 * days_each
    assert result == services.BulkResult(requests=4, days=pending, skipped=0)
    assert Booking.objects.filter(activity=activity, state="booked").count() == pending
    assert BookingHistory.objects.filter(to_state="booked").count() == pending


def test_bulk_acceptance_fills_the_places_in_the_order_of_the_requests(small, instructor):
    households = [Household(small, name) for name in ("Léa", "Timéo", "Maéva")]
    for hour, household in zip((11, 9, 10), households, strict=True):
        household.ask("booking", MONDAY, TUESDAY, now=datetime(2026, 11, 9, hour, tzinfo=PARIS))

    services.booking_requests_bulk_decide(
        requests=Request.objects.filter(kind=RequestKind.BOOKING), by=instructor, accept=True
    )

    assert [h.state(MONDAY) for h in households] == ["waiting", "booked", "waiting"]
    assert [h.state(TUESDAY) for h in households] == ["waiting", "booked", "waiting"]
    booking_cancel(booking=Booking.objects.get(child=households[1].child, day=MONDAY), by=instructor)
    assert [h.state(MONDAY) for h in households] == ["waiting", "cancelled", "booked"]


def test_a_withdrawn_day_can_no_longer_be_decided(home, instructor):
    home.ask("booking", MONDAY)
    request = home.request()
    home.ask("cancellation", MONDAY)

    with pytest.raises(InvalidTransition):
        services.booking_request_decide(request=request, by=instructor, accept=[MONDAY])
    assert services.booking_requests_bulk_decide(requests=[request], by=instructor, accept=True).skipped == 1
    assert home.state(MONDAY) == "cancelled"


def test_submissions_and_withdrawals_are_in_the_audit_log(home):
    home.ask("booking", MONDAY, TUESDAY)
    request = home.request()
    home.ask("cancellation", TUESDAY)

    submitted = ModelLogEntry.objects.get(action="portail.request.submit", object_id=str(request.pk))
    assert (submitted.user, submitted.data["days"]) == (home.parent, ["2026-11-16", "2026-11-17"])
    withdrawn = ModelLogEntry.objects.get(action="portail.request.withdraw", object_id=str(request.pk))
    assert withdrawn.data["days"] == ["2026-11-17"]


def test_a_suspended_activity_takes_no_booking_but_pending_requests_can_be_withdrawn(home):
    home.ask("booking", MONDAY)
    home.activity.active = False
    home.activity.save()

    assert home.ask("booking", TUESDAY).skipped == [(home.child, TUESDAY, "fermé (activité suspendue)")]
    assert home.ask("cancellation", MONDAY).requested == [(home.child, MONDAY)]
