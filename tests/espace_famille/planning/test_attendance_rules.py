"""The rules of the attendance register, without the database: which marks bill a day, which marks a child may
take, when a mark cannot change (a day invoiced, to come, closed)."""

from datetime import date

import pytest

from espace_facturation.models import InvoiceState
from espace_facturation.rules import locks_attendance
from espace_famille.planning import rules
from espace_famille.planning.models import AttendanceStatus, BillingBasis, BookingState

MONDAY = date(2026, 11, 16)


def test_the_rules_speak_the_models_values():
    assert {rules.PRESENT, rules.ABSENT_JUSTIFIED, rules.ABSENT_UNJUSTIFIED, rules.PRESENT_UNBOOKED} == set(
        AttendanceStatus.values
    )
    assert {rules.BILLING_BOOKINGS, rules.BILLING_ATTENDANCE} == set(BillingBasis.values)


@pytest.mark.parametrize(
    "status, billed",
    [
        (rules.PRESENT, "attendance"),
        (rules.PRESENT_UNBOOKED, "attendance"),
        (rules.ABSENT_UNJUSTIFIED, "attendance"),
        (rules.ABSENT_JUSTIFIED, None),
    ],
)
def test_an_activity_billed_by_attendance_bills_a_marked_day_by_its_mark(status, billed):
    for booking_state in (rules.BOOKED, rules.ABSENCE_BILLED, rules.CANCELLED, None):
        assert rules.day_billing(basis="attendance", booking_state=booking_state, attendance_status=status) == billed


@pytest.mark.parametrize("booking_state", [*BookingState.values, None])
def test_a_day_nobody_marked_falls_back_to_its_booking(booking_state):
    expected = "booking" if booking_state in rules.BILLED else None
    assert rules.day_billing(basis="attendance", booking_state=booking_state, attendance_status=None) == expected


@pytest.mark.parametrize("status", [*AttendanceStatus.values, None])
def test_an_activity_billed_by_bookings_ignores_attendance(status):
    assert rules.day_billing(basis="bookings", booking_state=rules.BOOKED, attendance_status=status) == "booking"
    assert rules.day_billing(basis="bookings", booking_state=rules.ABSENT, attendance_status=status) is None


def test_a_child_who_holds_a_place_is_present_or_absent_one_who_does_not_came_without_booking():
    assert rules.attendance_marks(booking_state=rules.BOOKED) == (
        rules.PRESENT,
        rules.ABSENT_JUSTIFIED,
        rules.ABSENT_UNJUSTIFIED,
    )
    assert rules.attendance_marks(booking_state=rules.ABSENCE_PENDING) == rules.BOOKED_MARKS
    for state in (None, rules.WAITING, rules.PENDING, rules.ABSENT, rules.CANCELLED):
        assert rules.attendance_marks(booking_state=state) == (rules.PRESENT_UNBOOKED,)
    # Marked present, then the booking was cancelled: the mark stays offered.
    assert rules.attendance_marks(booking_state=rules.CANCELLED, current=rules.PRESENT) == (
        rules.PRESENT_UNBOOKED,
        rules.PRESENT,
    )


def problem(**overrides):
    values = {
        "status": rules.PRESENT,
        "booking_state": rules.BOOKED,
        "enrolled": True,
        "day": MONDAY,
        "today": MONDAY,
        "invoiced": False,
        "closed": None,
        "runs": True,
        **overrides,
    }
    return rules.attendance_problem(**values)


def test_a_booked_child_is_marked_on_the_day_or_later():
    assert problem() is None
    assert problem(today=date(2026, 12, 1), status=rules.ABSENT_JUSTIFIED) is None
    assert problem(today=date(2026, 11, 15)) == "un jour à venir ne se pointe pas"


def test_an_invoiced_day_is_locked_whatever_the_mark():
    for status in (*AttendanceStatus.values, None):
        assert problem(status=status, invoiced=True) == "ce jour est déjà facturé, son pointage ne peut plus changer"


def test_a_closed_day_or_a_day_the_activity_does_not_run_is_not_marked():
    assert problem(closed="Grève") == "l'activité est fermée ce jour-là (Grève)"
    assert problem(runs=False) == "l'activité n'a pas lieu ce jour de la semaine"


def test_the_mark_must_fit_the_booking():
    assert problem(status=rules.PRESENT_UNBOOKED) == "cet enfant a une réservation ce jour-là : pointez-le « Présent »"
    for status in rules.BOOKED_MARKS:
        assert problem(status=status, booking_state=None) == (
            "cet enfant n'a pas de réservation ce jour-là : pointez-le « Présent sans réservation »"
        )
    assert problem(status=rules.PRESENT_UNBOOKED, booking_state=rules.WAITING) is None
    assert problem(status=rules.PRESENT_UNBOOKED, booking_state=None, enrolled=False) == (
        "cet enfant n'est pas inscrit à cette activité ce jour-là"
    )


def test_clearing_a_mark_is_only_refused_for_the_day_itself():
    assert problem(status=None, booking_state=None, enrolled=False) is None


def test_every_invoice_but_a_cancelled_one_locks_the_attendance_of_its_days():
    assert [state for state in InvoiceState.values if locks_attendance(invoice_state=state)] == [
        InvoiceState.TO_PAY,
        InvoiceState.PARTIAL,
        InvoiceState.PAID,
        InvoiceState.DEBITING,
    ]
