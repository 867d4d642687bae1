"""The «Inscriptions et réservations» part of the «Fiche famille»: the children's enrolments and their days of the
coming four weeks, each day opening its day sheet. Two queries."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from commun import formats
from espace_famille.dossier.family_page import FamilySection
from espace_famille.planning.models import Booking, Enrolment
from espace_famille.planning.occupancy import sheet_url

VIEW_BOOKINGS = "espace_famille.view_booking"
WEEKS = 4
SHOWN = 120


class BookingsSection(FamilySection):
    order = 60
    heading = "Inscriptions et réservations"
    template_name = "espace_famille/admin/family_page/bookings.html"


def _weekdays(days: list[int]) -> str:
    return ", ".join(formats.WEEKDAYS[day] for day in sorted(days))


def section(request, family):
    if not request.user.has_perm(VIEW_BOOKINGS):
        return None
    today = timezone.localdate()
    end = today + timedelta(weeks=WEEKS)
    enrolments = [
        {"enrolment": enrolment, "weekdays": _weekdays(enrolment.weekdays)}
        for enrolment in Enrolment.objects.filter(child__family=family, end_date__gte=today)
        .select_related("child", "activity")
        .order_by("child__first_name", "activity__code", "start_date")
    ]
    bookings = list(
        Booking.objects.filter(child__family=family, day__range=(today, end))
        .select_related("child", "activity")
        .order_by("day", "child__first_name", "activity__code")[: SHOWN + 1]
    )
    sheet = reverse("espace_famille_day_sheet")
    rows = [
        {
            "booking": booking,
            "day": formats.day_month_year(booking.day),
            "url": sheet_url(booking.activity_id, booking.day, base=sheet),
        }
        for booking in bookings[:SHOWN]
    ]
    return BookingsSection(
        family, enrolments=enrolments, rows=rows, more=len(bookings) > SHOWN, period=formats.period(today, end)
    )
