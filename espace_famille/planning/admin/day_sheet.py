"""«Feuille de présence»: the children expected one day in one activity, and the «Activités» menu group."""

from datetime import date

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.timezone import localdate, now
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import AdminDateInput
from wagtail_modeladmin.options import ModelAdminGroup

from commun import formats
from espace_famille.dossier import audit
from espace_famille.dossier.models import AuthorizedContact
from espace_famille.planning import rules
from espace_famille.planning.admin.activities import ActivityAdmin, ClosureAdmin, EnrolmentAdmin, FacilityAdmin
from espace_famille.planning.admin.bookings import BookingAdmin
from espace_famille.planning.calendar import Calendar
from espace_famille.planning.models import Activity, Booking, BookingState

VIEW_BOOKINGS = "espace_famille.view_booking"


class DaySheetForm(forms.Form):
    activity = forms.ModelChoiceField(
        label="Activité",
        queryset=Activity.objects.filter(active=True).select_related("facility").order_by("facility__name", "code"),
        empty_label="Choisissez une activité",
    )
    day = forms.DateField(label="Jour", widget=AdminDateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].label_from_instance = lambda activity: f"{activity.name} — {activity.facility}"


def _sheet_child(booking: Booking) -> dict:
    child = booking.child
    return {
        "booking": booking,
        "name": str(child),
        "family": child.family,
        "allergies": child.allergies,
        "diet": child.get_diet_display() if child.diet else "",
        "leaves_alone": child.allows_leave_alone,
        "pickers": [
            {
                "name": contact.full_name,
                "phone": contact.mobile or contact.phone,
                "relationship": contact.get_relationship_display(),
            }
            for contact in child.pickers
        ],
        "state": booking.get_state_display(),
        "queued_at": formats.datetime_numeric(booking.queued_at) or "—",
    }


def day_sheet(activity: Activity, day: date) -> dict:
    """Everything the sheet shows, in a fixed number of queries whatever the number of children."""
    bookings = (
        Booking.objects.filter(activity=activity, day=day)
        .select_related("child__family")
        .prefetch_related(
            Prefetch(
                "child__contacts",
                queryset=AuthorizedContact.objects.filter(can_pick_up=True).order_by("full_name", "pk"),
                to_attr="pickers",
            )
        )
        .order_by("child__last_name", "child__first_name", "child__pk")
    )
    booked, waiting, pending, absences = [], [], [], []
    for booking in bookings:
        row = _sheet_child(booking)
        if booking.state in rules.HOLDS_A_PLACE:
            row["absence_note"] = "" if booking.state == BookingState.BOOKED else booking.get_state_display()
            booked.append(row)
        elif booking.state == BookingState.WAITING:
            waiting.append(row)
        elif booking.state == BookingState.PENDING:
            pending.append(row)
        elif booking.state in (BookingState.ABSENT, BookingState.ABSENCE_BILLED):
            row["billed"] = booking.state == BookingState.ABSENCE_BILLED
            absences.append(row)
    by_request_order = lambda row: (row["booking"].queued_at, row["booking"].pk)  # noqa: E731
    waiting.sort(key=by_request_order)
    pending.sort(key=by_request_order)
    slot = next((slot for slot in activity.slots.all() if slot.weekday == day.weekday()), None)
    closed = Calendar.load(day, day).closed(activity, day)
    return {
        "activity": activity,
        "day": day,
        "day_label": formats.weekday_date(day),
        "hours": formats.time_range(slot.start_time, slot.end_time) if slot else "",
        "runs": slot is not None,
        "closed": closed,
        "capacity": activity.capacity,
        "booked": booked,
        "waiting": waiting,
        "pending": pending,
        "absences": absences,
    }


@method_decorator(never_cache, name="dispatch")
class DaySheetView(TemplateView):
    """«Feuille de présence»: the children expected one day in one activity, the waiting list and the absences.

    Health data and contacts are on this page: it is never cached."""

    template_name = "espace_famille/admin/day_sheet.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_BOOKINGS):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET if "activity" in self.request.GET else None
        form = DaySheetForm(data, initial={"day": localdate()})
        sheet = None
        if form.is_bound and form.is_valid():
            activity = form.cleaned_data["activity"]  # read with its facility by the form's choice field
            prefetch_related_objects([activity], "slots")
            sheet = day_sheet(activity, form.cleaned_data["day"])
            shown = [row["booking"].child for rows in sheet.values() if isinstance(rows, list) for row in rows]
            audit.health_data_read(children=shown, by=self.request.user, screen="Feuille de présence")
        context.update(
            form=form, sheet=sheet, printed_at=now(), header_icon="clipboard-list", page_title="Feuille de présence"
        )
        return context


class DaySheetMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_BOOKINGS)


def day_sheet_urls() -> list:
    return [path("feuille-de-presence/", DaySheetView.as_view(), name="espace_famille_day_sheet")]


class PlanningGroup(ModelAdminGroup):
    """The «Activités» menu: the reference data, the enrolments, the bookings and the day sheet."""

    menu_label = "Activités"
    menu_icon = "date"
    menu_order = 195
    items = (ActivityAdmin, FacilityAdmin, EnrolmentAdmin, BookingAdmin, ClosureAdmin)

    def get_submenu_items(self):
        items = super().get_submenu_items()
        sheet = DaySheetMenuItem(
            "Feuille de présence",
            reverse("espace_famille_day_sheet"),
            name="feuille-de-presence",
            icon_name="clipboard-list",
            order=len(items) + 1,
        )
        return [*items, sheet]
