"""Invoicing an activity billed by attendance: the days marked present, present without booking or absent without
justification are billed instead of the booked days; a day nobody marked falls back to its booking; an activity
billed by bookings is billed as before, whatever attendance says. Each day is billed once."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from commun.clock import PARIS
from espace_facturation import services
from espace_facturation.exceptions import DraftStale
from espace_facturation.models import BilledDay, Invoice, InvoiceLine
from espace_famille.planning import attendance
from espace_famille.planning.attendance import Mark
from espace_famille.planning.exceptions import AttendanceNotAllowed
from espace_famille.planning.models import AttendanceStatus, BillingBasis, Booking
from tests.factories import ActivityFactory, EnrolmentFactory, service_instructor

from . import factories
from .factories import NOVEMBER, book, household, regie

pytestmark = pytest.mark.django_db

# Booked Mondays of November, and what the staff marked on each (None: nobody marked the day).
BOOKED_MONDAYS = {
    date(2026, 11, 2): AttendanceStatus.PRESENT,
    date(2026, 11, 9): AttendanceStatus.ABSENT_JUSTIFIED,
    date(2026, 11, 16): AttendanceStatus.ABSENT_UNJUSTIFIED,
    date(2026, 11, 23): AttendanceStatus.ABSENT_JUSTIFIED,
    date(2026, 11, 30): None,
}
# A Tuesday the child came without a booking.
UNBOOKED_TUESDAY = date(2026, 11, 17)


@pytest.fixture(autouse=True)
def december(time_machine):
    """The month is over: its days were marked, it is invoiced."""
    time_machine.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=PARIS), tick=False)


@pytest.fixture
def the_regie(site):
    return regie()


@pytest.fixture
def cashier():
    return factories.cashier()


@pytest.fixture
def instructor():
    return service_instructor(email="instructeur@example.org")


def activity_of(the_regie, code, label, basis):
    activity = ActivityFactory(code=code, label=label, price=Decimal("2.10"), billing_basis=basis)
    the_regie.activities.add(activity)
    return activity


def marked_month(child, activity, instructor):
    """The child booked on the Mondays and marked as BOOKED_MONDAYS says, and present without a booking on a
    Tuesday, through the register's service."""
    EnrolmentFactory(child=child, activity=activity)
    book(child, activity, list(BOOKED_MONDAYS))
    for day, status in BOOKED_MONDAYS.items():
        if status:
            attendance.attendance_mark(activity=activity, day=day, marks=[Mark(child.pk, status)], by=instructor)
    attendance.attendance_mark(
        activity=activity,
        day=UNBOOKED_TUESDAY,
        marks=[Mark(child.pk, AttendanceStatus.PRESENT_UNBOOKED)],
        by=instructor,
    )


def issue(the_regie, family, cashier) -> Invoice:
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, family_ids=[family.pk], by=cashier)
    return services.invoice_issue(draft=draft, family=family, issued_on=date(2026, 12, 5), by=cashier)


def test_attendance_bills_the_days_used_where_bookings_bill_the_days_booked(the_regie, cashier, instructor):
    family, child, _ = household()
    by_attendance = activity_of(the_regie, "4", "Péri SOIR", BillingBasis.ATTENDANCE)
    by_bookings = activity_of(the_regie, "5", "Péri MIDI", BillingBasis.BOOKINGS)
    marked_month(child, by_attendance, instructor)
    marked_month(child, by_bookings, instructor)

    invoice = issue(the_regie, family, cashier)

    lines = {line.label: line for line in invoice.lines.all()}
    soir, midi = lines["4/Péri SOIR"], lines["5/Péri MIDI"]
    # Present on the 2nd, absent without justification on the 16th, present without booking on the 17th, and the
    # 30th nobody marked: its booking bills it. The justified absences (9th, 23rd) are not billed.
    assert (soir.quantity, soir.unit_price, soir.amount) == (Decimal("4"), Decimal("2.10"), Decimal("8.40"))
    assert (soir.period_start, soir.period_end) == (date(2026, 11, 2), date(2026, 11, 30))
    soir_days = BilledDay.objects.filter(line=soir)
    assert sorted(
        (
            (day.attendance.day if day.attendance else day.booking.day),
            day.state,
            day.booking_id is not None,
            day.attendance_id is not None,
        )
        for day in soir_days.select_related("booking", "attendance")
    ) == [
        (date(2026, 11, 2), "present", True, True),
        (date(2026, 11, 16), "unjustified", True, True),
        (date(2026, 11, 17), "unbooked", False, True),
        (date(2026, 11, 30), "booked", True, False),
    ]
    # Billed by bookings: the five booked Mondays, whatever attendance says; the Tuesday without booking is not.
    assert (midi.quantity, midi.amount) == (Decimal("5"), Decimal("10.50"))
    assert sorted(BilledDay.objects.filter(line=midi).values_list("booking__day", flat=True)) == list(BOOKED_MONDAYS)
    assert not BilledDay.objects.filter(line=midi, attendance__isnull=False).exists()
    assert invoice.amount == Decimal("18.90")


def test_a_day_is_billed_once_and_a_day_marked_later_by_the_next_run(the_regie, cashier, instructor):
    family, child, _ = household()
    activity = activity_of(the_regie, "4", "Péri SOIR", BillingBasis.ATTENDANCE)
    marked_month(child, activity, instructor)
    first = issue(the_regie, family, cashier)
    assert first.amount == Decimal("8.40")
    assert not services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier).families.exists()

    # The invoiced days are locked; a Thursday marked afterwards is billed by the next run, alone.
    with pytest.raises(AttendanceNotAllowed):
        attendance.attendance_mark(
            activity=activity,
            day=UNBOOKED_TUESDAY,
            marks=[Mark(child.pk, AttendanceStatus.ABSENT_JUSTIFIED)],
            by=instructor,
        )
    thursday = date(2026, 11, 26)
    attendance.attendance_mark(
        activity=activity, day=thursday, marks=[Mark(child.pk, AttendanceStatus.PRESENT_UNBOOKED)], by=instructor
    )
    second = issue(the_regie, family, cashier)
    [line] = second.lines.all()
    assert (line.quantity, line.amount, line.period_start) == (Decimal("1"), Decimal("2.10"), thursday)
    assert InvoiceLine.objects.filter(invoice__in=[first, second]).count() == 2


def test_a_mark_changed_after_the_preview_makes_it_out_of_date(the_regie, cashier, instructor):
    family, child, _ = household()
    activity = activity_of(the_regie, "4", "Péri SOIR", BillingBasis.ATTENDANCE)
    marked_month(child, activity, instructor)
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier)
    attendance.attendance_mark(
        activity=activity,
        day=date(2026, 11, 2),
        marks=[Mark(child.pk, AttendanceStatus.ABSENT_JUSTIFIED)],
        by=instructor,
    )
    with pytest.raises(DraftStale):
        services.invoice_issue(draft=draft, family=family, issued_on=date(2026, 12, 5), by=cashier)
    assert not Invoice.objects.exists()
    assert issue(the_regie, family, cashier).amount == Decimal("6.30")


def test_an_existing_activity_keeps_billing_its_bookings(the_regie, cashier, instructor):
    family, child, _ = household()
    activity = ActivityFactory(code="4", price=Decimal("2.10"))
    the_regie.activities.add(activity)
    assert activity.billing_basis == BillingBasis.BOOKINGS
    EnrolmentFactory(child=child, activity=activity)
    book(child, activity, list(BOOKED_MONDAYS))
    attendance.attendance_mark(
        activity=activity,
        day=date(2026, 11, 9),
        marks=[Mark(child.pk, AttendanceStatus.ABSENT_JUSTIFIED)],
        by=instructor,
    )
    assert issue(the_regie, family, cashier).amount == Decimal("10.50")
    assert Booking.objects.filter(billed__isnull=False).count() == 5
