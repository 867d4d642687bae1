"""«Feuille de présence»: the attendance register of one activity's day, and the «Activités» menu group."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.timezone import localdate, now
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import AdminDateInput
from wagtail_modeladmin.options import ModelAdminGroup

from commun.elision import de
from espace_famille.dossier import audit
from espace_famille.planning.admin.activities import ActivityAdmin, ClosureAdmin, EnrolmentAdmin, FacilityAdmin
from espace_famille.planning.admin.attendances import attendance_viewset
from espace_famille.planning.admin.bookings import BookingAdmin
from espace_famille.planning.attendance import (
    MARK_ATTENDANCE,
    NOTE_LENGTH,
    Mark,
    MarkResult,
    attendance_register_save,
)
from espace_famille.planning.attendance_sheet import day_sheet
from espace_famille.planning.models import Activity, AttendanceStatus

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


class AttendanceForm(forms.Form):
    """The register's marks as sent: one status (and note) per child whose mark may change, a child to add. Built
    from the sheet, so that a status the child cannot take or a child not on the register is refused."""

    ACTIONS = ("save", "all_present", "add")

    def __init__(self, *args, sheet: dict, **kwargs):
        super().__init__(*args, **kwargs)
        # Invoiced rows too: a page opened before the invoice may send them; the service refuses a change to them.
        self.rows = sheet["register"]
        for row in self.rows:
            self.fields[f"mark_{row['child_id']}"] = forms.ChoiceField(
                label=f"Pointage {de(row['name'])}", choices=row["choices"], required=False
            )
            self.fields[f"note_{row['child_id']}"] = forms.CharField(
                label=f"Remarque sur {row['name']}", max_length=NOTE_LENGTH, required=False
            )
        self.fields["add_child"] = forms.TypedChoiceField(
            label="Enfant venu sans réservation",
            choices=[("", "Choisissez un enfant inscrit"), *sheet["addable"]],
            coerce=int,
            empty_value=None,
            required=False,
        )
        self.fields["action"] = forms.ChoiceField(choices=[(a, a) for a in self.ACTIONS], required=False)
        # A child taken off the register: any child, as a second click finds the mark gone and changes nothing.
        self.fields["remove"] = forms.IntegerField(min_value=1, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "add" and not cleaned.get("add_child"):
            self.add_error("add_child", "Choisissez l'enfant venu sans réservation.")
        return cleaned

    def marks(self) -> list[Mark]:
        """The marks chosen on the form (a row left without a choice is not marked), the child added included."""
        removed = self.cleaned_data.get("remove")
        marks = [
            Mark(row["child_id"], status, self.cleaned_data.get(f"note_{row['child_id']}", ""))
            for row in self.rows
            if (status := self.cleaned_data.get(f"mark_{row['child_id']}")) and row["child_id"] != removed
        ]
        if self.cleaned_data.get("add_child"):
            marks.append(Mark(self.cleaned_data["add_child"], AttendanceStatus.PRESENT_UNBOOKED))
        return marks

    def selected(self, row: dict) -> str:
        """The mark a row shows: what was sent (a form refused keeps the person's choices), or the one stored."""
        if self.is_bound:
            return self.data.get(f"mark_{row['child_id']}", "")
        return row["mark"] or ""


def forbidden(request, message: str, *, back: str = ""):
    """A 403 in the admin's frame that says what is refused (Wagtail would send staff to the dashboard instead)."""
    context = {"message": message, "back_url": back, "page_title": "Accès refusé"}
    return render(request, "espace_famille/admin/forbidden.html", context, status=403)


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


@method_decorator(never_cache, name="dispatch")
class DaySheetView(TemplateView):
    """«Feuille de présence»: the attendance register of one activity's day (marks sent by a plain POST, then
    redirected to the sheet), the waiting list and the absences.

    Health data and contacts are on this page: it is never cached."""

    template_name = "espace_famille/admin/day_sheet.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_BOOKINGS):
            return forbidden(request, "Vous n'avez pas la permission de consulter les feuilles de présence.")
        return super().dispatch(request, *args, **kwargs)

    def _choice(self):
        data = self.request.GET if "activity" in self.request.GET else None
        return DaySheetForm(data, initial={"day": localdate()})

    def _sheet(self, choice: DaySheetForm) -> dict | None:
        if not (choice.is_bound and choice.is_valid()):
            return None
        activity = choice.cleaned_data["activity"]  # read with its facility by the form's choice field
        prefetch_related_objects([activity], "slots")
        return day_sheet(activity, choice.cleaned_data["day"], today=localdate())

    def get(self, request, *args, **kwargs):
        choice = self._choice()
        sheet = self._sheet(choice)
        attendance = AttendanceForm(sheet=sheet) if sheet else None
        return self.render_to_response(self.context(choice, sheet, attendance))

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm(MARK_ATTENDANCE):
            return forbidden(
                request, "Vous n'avez pas la permission de pointer les présences.", back=request.get_full_path()
            )
        choice = self._choice()
        sheet = self._sheet(choice)
        if sheet is None:
            messages.error(request, "Choisissez l'activité et le jour à pointer.")
            return self.render_to_response(self.context(choice, None, None), status=400)
        form = AttendanceForm(request.POST, sheet=sheet)
        if not form.is_valid():
            messages.error(request, "Le pointage n'a pas été enregistré : corrigez les erreurs ci-dessous.")
            return self.render_to_response(self.context(choice, sheet, form), status=400)
        activity, day = sheet["activity"], sheet["day"]
        try:
            result = attendance_register_save(
                activity=activity,
                day=day,
                marks=form.marks(),
                all_present=form.cleaned_data.get("action") == "all_present",
                remove=form.cleaned_data.get("remove"),
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(["Le pointage n'a pas été enregistré.", *error.messages]))
            return self.render_to_response(self.context(choice, sheet, form), status=400)
        messages.success(request, self.outcome(result))
        return redirect(f"{request.path}?{urlencode({'activity': activity.pk, 'day': day.isoformat()})}")

    @staticmethod
    def outcome(result: MarkResult) -> str:
        parts = []
        if result.marked:
            parts.append(_count(result.marked, "enfant pointé", "enfants pointés"))
        if result.removed:
            parts.append("un enfant retiré de la feuille")
        message = f"Pointage enregistré : {', '.join(parts)}." if parts else "Pointage enregistré : rien n'a changé."
        if result.locked:
            message += f" {_count(result.locked, 'enfant non pointé', 'enfants non pointés')} : jour déjà facturé."
        return message

    def context(self, choice, sheet, attendance) -> dict:
        context = self.get_context_data(form=choice, sheet=sheet, attendance=attendance)
        if sheet:
            for row in sheet["register"]:
                row["selected"] = attendance.selected(row) if attendance else (row["mark"] or "")
                row["errors"] = attendance.errors.get(f"mark_{row['child_id']}", []) if attendance else []
                if attendance and attendance.is_bound:
                    row["note"] = attendance.data.get(f"note_{row['child_id']}", row["note"])
            shown = [row["child"] for rows in ("register", "waiting", "pending", "absences") for row in sheet[rows]]
            audit.health_data_read(children=shown, by=self.request.user, screen="Feuille de présence")
        context.update(
            editable=bool(sheet and sheet["markable"] and self.request.user.has_perm(MARK_ATTENDANCE)),
            printed_at=now(),
            header_icon="clipboard-list",
            page_title="Feuille de présence",
        )
        return context


class DaySheetMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_BOOKINGS)


def day_sheet_urls() -> list:
    return [path("feuille-de-presence/", DaySheetView.as_view(), name="espace_famille_day_sheet")]


class PlanningGroup(ModelAdminGroup):
    """The «Activités» menu: the reference data, the enrolments, the bookings, the attendance marks and the day
    sheet."""

    menu_label = "Activités"
    menu_icon = "date"
    menu_order = 195
    items = (ActivityAdmin, FacilityAdmin, EnrolmentAdmin, BookingAdmin, ClosureAdmin)

    def get_submenu_items(self):
        items = super().get_submenu_items()
        # «Pointages» (a Wagtail viewset, not a ModelAdmin) right after «Réservations», then the day sheet.
        items.insert(self.items.index(BookingAdmin) + 1, attendance_viewset.get_menu_item())
        sheet = DaySheetMenuItem(
            "Feuille de présence",
            reverse("espace_famille_day_sheet"),
            name="feuille-de-presence",
            icon_name="clipboard-list",
        )
        items.append(sheet)
        for order, item in enumerate(items, start=1):
            item.order = order
        return items
