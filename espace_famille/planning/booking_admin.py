"""Admin of the planning (Wagtail): reference data registers, the queue of booking and absence requests,
its decisions (in bulk and day by day) and the day sheet («Feuille de présence»).

The registers are wagtail-modeladmin ModelAdmins grouped in one «Activités» menu, like the families; creating and
editing go through planning.registers (permission checked, audit entry written), deleting writes Wagtail's own.
An activity's week (one row per weekday) and its tariffs are edited on the activity's own form: the models have no
ParentalKey, so the form carries the seven weekday rows as plain fields and the tariffs as a Django formset."""

import os
from collections import defaultdict
from datetime import date, time

from django import forms
from django.contrib.admin import display
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.forms.models import inlineformset_factory
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.timezone import localdate, now
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, StatusTagColumn
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import AdminDateInput
from wagtail.snippets.views.snippets import IndexView, InspectView, SnippetViewSet
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup

from commun import formats, intents
from commun.admin_intents import IntentBulkActionMixin, IntentDecisionMixin
from commun.admin_services import ServiceCreateView, ServiceEditView, model_values
from espace_famille.demandes.admin_filters import BookingRequestFilterSet
from espace_famille.demandes.admin_views import DecisionBulkAction, DecisionQueueMixin, RequestHistoryView
from espace_famille.demandes.exceptions import InvalidTransition
from espace_famille.demandes.models import LineState, Request, RequestKind, RequestState
from espace_famille.dossier import audit
from espace_famille.dossier.models import AuthorizedContact, Child
from espace_famille.planning import registers, rules, services
from espace_famille.planning.calendar import Calendar
from espace_famille.planning.models import (
    Activity,
    ActivityPrice,
    Booking,
    BookingState,
    Closure,
    Enrolment,
    Facility,
    SlotPeriod,
    Weekday,
)

DECIDE = "decide"
PLANNING_KINDS = (RequestKind.BOOKING, RequestKind.ABSENCE, RequestKind.CANCELLATION)
DECIDED_KINDS = (RequestKind.BOOKING, RequestKind.ABSENCE)


def period_label(start: date | None, end: date | None) -> str:
    if not start:
        return "—"
    if not end or end == start:
        return formats.date_numeric(start)
    return formats.period(start, end)


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def weekdays_label(weekdays) -> str:
    return ", ".join(Weekday(day).label for day in sorted(weekdays or []) if day in Weekday.values) or "—"


# Registers: facilities -----------------------------------------------------------------------------


class RegisterAdmin(ModelAdmin):
    """A register whose create and edit screens write through planning.registers (the form only validates)."""

    create_view_class = ServiceCreateView
    edit_view_class = ServiceEditView

    def create_instance(self, *, form, by):
        return registers.register_save(model=self.model, instance=None, values=model_values(form), by=by)

    def edit_instance(self, *, instance, form, by):
        return registers.register_save(model=self.model, instance=instance, values=model_values(form), by=by)


class FacilityAdmin(RegisterAdmin):
    model = Facility
    menu_label = "Structures"
    menu_icon = "home"
    list_display = ("name", "kind", "phone")
    list_filter = ("kind",)
    search_fields = ("name",)
    inspect_view_enabled = True
    panels = [FieldPanel("name"), FieldPanel("kind"), FieldPanel("address"), FieldPanel("phone")]


# Registers: activities with their week and tariffs ---------------------------------------------------


def _week_fields() -> dict:
    fields = {}
    time_widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    for day in Weekday:
        fields[f"slot_{day.value}_open"] = forms.BooleanField(label=day.label.capitalize(), required=False)
        fields[f"slot_{day.value}_start"] = forms.TimeField(
            label=f"{day.label.capitalize()} : début", required=False, widget=time_widget
        )
        fields[f"slot_{day.value}_end"] = forms.TimeField(
            label=f"{day.label.capitalize()} : fin", required=False, widget=time_widget
        )
        fields[f"slot_{day.value}_period"] = forms.ChoiceField(
            label=f"{day.label.capitalize()} : période",
            choices=SlotPeriod.choices,
            initial=SlotPeriod.ALL,
            required=False,
        )
    return fields


PriceFormSet = inlineformset_factory(
    Activity,
    ActivityPrice,
    fields=["quotient_max", "amount"],
    extra=3,
    can_delete=True,
)


class ActivityForm(type("WeekFields", (WagtailAdminModelForm,), _week_fields())):
    """The activity, its seven weekday rows (open or not, hours, period) and its tariffs, validated together (the
    ActivityAdmin saves them through registers.activity_save)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for slot in self.instance.slots.all():
                prefix = f"slot_{slot.weekday}"
                self.initial.update(
                    {
                        f"{prefix}_open": True,
                        f"{prefix}_start": slot.start_time,
                        f"{prefix}_end": slot.end_time,
                        f"{prefix}_period": slot.period,
                    }
                )
        self.prices = PriceFormSet(data=self.data if self.is_bound else None, instance=self.instance, prefix="tarifs")
        for form in self.prices.forms:
            form.fields["quotient_max"].widget.attrs["aria-label"] = "Quotient familial jusqu'à"
            form.fields["amount"].widget.attrs["aria-label"] = "Prix par jour"

    def clean(self):
        cleaned = super().clean()
        for day in Weekday:
            prefix = f"slot_{day.value}"
            if not cleaned.get(f"{prefix}_open"):
                continue
            start, end = cleaned.get(f"{prefix}_start"), cleaned.get(f"{prefix}_end")
            if start is None:
                self.add_error(f"{prefix}_start", f"Indiquez l'heure de début du {day.label}.")
            if end is None:
                self.add_error(f"{prefix}_end", f"Indiquez l'heure de fin du {day.label}.")
            if start and end and end <= start:
                self.add_error(f"{prefix}_end", f"Le {day.label}, la fin doit suivre le début.")
        self.check_enrolled_days_kept(cleaned)
        if not self.prices.is_valid():
            raise ValidationError("Corrigez les tarifs ci-dessous.")
        return cleaned

    def check_enrolled_days_kept(self, cleaned) -> None:
        """A day children are still enrolled on cannot be closed from here: their enrolments name it."""
        if not self.instance.pk:
            return
        enrolled = set()
        for weekdays in Enrolment.objects.filter(activity=self.instance, end_date__gte=localdate()).values_list(
            "weekdays", flat=True
        ):
            enrolled.update(weekdays or [])
        for day in Weekday:
            if day.value in enrolled and not cleaned.get(f"slot_{day.value}_open"):
                self.add_error(
                    f"slot_{day.value}_open",
                    f"Des enfants sont inscrits le {day.label} : retirez d'abord ce jour de leurs inscriptions.",
                )

    def week(self) -> dict[int, tuple[time, time, str]]:
        return {
            day.value: (
                self.cleaned_data[f"slot_{day.value}_start"],
                self.cleaned_data[f"slot_{day.value}_end"],
                self.cleaned_data.get(f"slot_{day.value}_period") or SlotPeriod.ALL,
            )
            for day in Weekday
            if self.cleaned_data.get(f"slot_{day.value}_open")
        }

    def price_bands(self) -> list[tuple]:
        """The tariffs kept on the form: (quotient familial up to, price a day)."""
        return [
            (row["quotient_max"], row["amount"])
            for row in self.prices.cleaned_data
            if row and not row.get("DELETE") and row.get("amount") is not None
        ]


class FormsetPanel(Panel):
    """Renders a formset the form carries (the activity's tariffs), with its management form."""

    def __init__(self, formset_name: str, **kwargs):
        super().__init__(**kwargs)
        self.formset_name = formset_name

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "formset_name": self.formset_name}

    class BoundPanel(Panel.BoundPanel):
        template_name = "espace_famille/admin/booking_formset_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["formset"] = getattr(self.form, self.panel.formset_name)
            return context


def _week_panel() -> MultiFieldPanel:
    rows = [
        FieldRowPanel(
            [
                FieldPanel(f"slot_{day.value}_open"),
                FieldPanel(f"slot_{day.value}_start"),
                FieldPanel(f"slot_{day.value}_end"),
                FieldPanel(f"slot_{day.value}_period"),
            ]
        )
        for day in Weekday
    ]
    return MultiFieldPanel(
        rows,
        heading="Jours et horaires",
        help_text="Cochez les jours où l'activité a lieu et indiquez ses horaires (« 07:35 - 08:20 »).",
    )


class ActivityAdmin(RegisterAdmin):
    model = Activity
    menu_label = "Activités"
    menu_icon = "date"
    list_display = ("activity_name", "facility", "holiday_rule", "week", "capacity", "auto_accept", "active")
    list_filter = ("facility", "holiday_rule", "active")
    search_fields = ("code", "label")
    inspect_view_enabled = True
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("facility"),
                    FieldRowPanel([FieldPanel("code"), FieldPanel("label")]),
                    FieldPanel("holiday_rule"),
                    FieldPanel("capacity"),
                    FieldPanel("active"),
                ],
                heading="Activité",
            ),
            _week_panel(),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [
                            FieldPanel("booking_deadline_kind"),
                            FieldPanel("booking_deadline_days"),
                            FieldPanel("booking_deadline_time"),
                        ]
                    ),
                    FieldRowPanel(
                        [
                            FieldPanel("cancel_deadline_kind"),
                            FieldPanel("cancel_deadline_days"),
                            FieldPanel("cancel_deadline_time"),
                        ]
                    ),
                    FieldPanel("late_absence_billed"),
                    FieldPanel("auto_accept"),
                ],
                heading="Délais et instruction",
            ),
            MultiFieldPanel(
                [FieldPanel("price"), FormsetPanel("prices", heading="Tarifs par quotient familial")],
                heading="Tarifs",
            ),
        ],
        base_form_class=ActivityForm,
    )

    def create_instance(self, *, form, by):
        return self.edit_instance(instance=None, form=form, by=by)

    def edit_instance(self, *, instance, form, by):
        return registers.activity_save(
            activity=instance, values=model_values(form), week=form.week(), prices=form.price_bands(), by=by
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("facility").prefetch_related("slots")

    @display(description="activité", ordering="code")
    def activity_name(self, activity):
        return activity.name

    @display(description="jours")
    def week(self, activity):
        return (
            ", ".join(
                f"{slot.get_weekday_display()} ({formats.time_range(slot.start_time, slot.end_time)})"
                for slot in activity.slots.all()
            )
            or "—"
        )


# Registers: closures -----------------------------------------------------------------------------------


class ClosureForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "La date de fin doit suivre la date de début.")
        if cleaned.get("facility") and cleaned.get("activity"):
            self.add_error("activity", "Choisissez une structure ou une activité, pas les deux.")
        return cleaned


class ClosureAdmin(RegisterAdmin):
    model = Closure
    menu_label = "Fermetures"
    menu_icon = "warning"
    list_display = ("label", "start_date", "end_date", "facility", "activity")
    list_filter = ("facility", "activity")
    search_fields = ("label",)
    inspect_view_enabled = True
    edit_handler = ObjectList(
        [
            FieldPanel("label"),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            FieldPanel("facility", help_text="Vide : toutes les structures."),
            FieldPanel("activity", help_text="Vide : toutes les activités (de la structure choisie)."),
        ],
        base_form_class=ClosureForm,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("facility", "activity")


# Registers: enrolments -----------------------------------------------------------------------------------


class ChildChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, child):
        return f"{child} ({child.family.name})"


class EnrolmentForm(WagtailAdminModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label="Jours",
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les jours de la semaine où l'enfant est inscrit.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "child" in self.fields:
            self.fields["child"] = ChildChoiceField(
                queryset=Child.objects.select_related("family").order_by("last_name", "first_name"),
                label="Enfant",
            )
        if self.instance.pk:
            self.initial["weekdays"] = [int(day) for day in self.instance.weekdays or []]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "La date de fin doit suivre la date de début.")
        activity, weekdays = cleaned.get("activity"), cleaned.get("weekdays")
        if activity and weekdays:
            runs = set(activity.slots.values_list("weekday", flat=True))
            missing = [day for day in weekdays if day not in runs]
            if missing:
                self.add_error("weekdays", f"L'activité {activity.name} n'a pas lieu le {weekdays_label(missing)}.")
        if weekdays is not None:
            cleaned["weekdays"] = sorted(weekdays)
        return cleaned


class EnrolmentAdmin(RegisterAdmin):
    model = Enrolment
    menu_label = "Inscriptions"
    menu_icon = "form"
    list_display = ("child", "family", "activity", "period", "days")
    list_filter = ("activity", "activity__facility")
    search_fields = ("child__first_name", "child__last_name", "child__family__name")
    edit_handler = ObjectList(
        [
            FieldPanel("child"),
            FieldPanel("activity"),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            FieldPanel("weekdays"),
        ],
        base_form_class=EnrolmentForm,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("child__family", "activity")

    @display(description="famille", ordering="child__family__name")
    def family(self, enrolment):
        return enrolment.child.family.name

    @display(description="période", ordering="start_date")
    def period(self, enrolment):
        return period_label(enrolment.start_date, enrolment.end_date)

    @display(description="jours")
    def days(self, enrolment):
        return weekdays_label(enrolment.weekdays)


# The queue of planning requests -----------------------------------------------------------------------


def planning_queryset():
    return Request.objects.filter(kind__in=PLANNING_KINDS)


def queue_rows():
    return (
        planning_queryset().select_related("family", "child", "activity__facility").annotate(days_count=Count("lines"))
    )


SEARCH_FIELDS = ("family__name", "child__first_name", "child__last_name")


def search_requests(queryset, query: str):
    """Every word must match the family's name or the child's first or last name («léa durant»)."""
    for word in query.split():
        matches = Q()
        for field in SEARCH_FIELDS:
            matches |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(matches)
    return queryset


def can_decide(request: Request) -> bool:
    return request.is_pending and request.kind in DECIDED_KINDS


class BookingRequestIndexView(DecisionQueueMixin, IndexView):
    """Oldest requests first: the queue is worked through in the order families asked (the waiting list's order)."""

    page_title = "Demandes de réservation et d'absence"
    default_ordering = "created_at"

    @cached_property
    def columns(self):
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="snippet"),
            Column("family", label="Famille", accessor=lambda r: r.family.name, sort_key="family__name"),
            Column("child", label="Enfant", accessor=lambda r: r.child or "—", sort_key="child__first_name"),
            self._get_title_column("kind", accessor="get_kind_display"),
            Column("activity", label="Activité", accessor=lambda r: r.activity or "—", sort_key="activity__code"),
            Column(
                "period",
                label="Période",
                accessor=lambda r: period_label(r.start_date, r.end_date),
                sort_key="start_date",
            ),
            Column("days_count", label="Nombre de jours", accessor="days_count", sort_key="days_count"),
            Column(
                "created_at",
                label="Date",
                accessor=lambda r: formats.datetime_numeric(r.created_at),
                sort_key="created_at",
            ),
            StatusTagColumn(
                "state", label="État", accessor="get_state_display", sort_key="state", primary=lambda r: r.is_pending
            ),
        ]

    def get_edit_url(self, instance):
        return self.get_inspect_url(instance)

    def search_queryset(self, queryset):
        return search_requests(queryset, self.search_query) if self.is_searching else queryset

    def bulk_actions(self):
        return (BookingAcceptBulkAction, BookingRefuseBulkAction)

    def can_decide(self, instance) -> bool:
        return can_decide(instance)


class DayDecisionForm(forms.Form):
    message = forms.CharField(
        label="Message pour la famille",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Facultatif. La famille le lit dans « Mes demandes ».",
    )


def day_occupancy(activity: Activity, days) -> tuple[dict[date, int], dict[int, int]]:
    """Places held per day, and the rank of each waiting booking (by pk) in its day's waiting list: two queries."""
    holding = dict(
        Booking.objects.filter(activity=activity, day__in=days, state__in=rules.HOLDS_A_PLACE)
        .order_by()
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    ranks, counters = {}, defaultdict(int)
    waiting = Booking.objects.filter(activity=activity, day__in=days, state=BookingState.WAITING).order_by(
        "day", "queued_at", "pk"
    )
    for pk, day in waiting.values_list("pk", "day"):
        counters[day] += 1
        ranks[pk] = counters[day]
    return holding, ranks


@method_decorator(never_cache, name="dispatch")
class BookingRequestDecisionView(IntentDecisionMixin, InspectView):
    """One request, one row per day: the day's current state, whether it is full, the waiting rank,
    and a decision per day (accept / refuse), with a message for the family."""

    page_title = "Demande"
    template_name = "espace_famille/admin/booking_request_decision.html"
    intent_action = "bookings.decide"

    def get_object(self, queryset=None):
        queryset = planning_queryset().select_related("family", "child", "activity__facility", "author", "decided_by")
        return get_object_or_404(queryset, pk=unquote(str(self.pk)))

    def get_page_subtitle(self):
        return f"{self.object.get_kind_display()} — {self.object.child or self.object.family}"

    def get_fields(self):
        return ["family", "child", "kind", "activity", "created_at", "state"]

    def get_created_at_display_value(self):
        return formats.datetime_numeric(self.object.created_at)

    def get_child_display_value(self):
        return str(self.object.child) if self.object.child else "—"

    @cached_property
    def can_decide(self) -> bool:
        return can_decide(self.object) and self.user_has_permission(DECIDE)

    def lines(self) -> list[dict]:
        request = self.object
        lines = list(request.lines.select_related("booking").order_by("day", "pk"))
        activity = request.activity
        holding, ranks = day_occupancy(activity, [line.day for line in lines]) if activity else ({}, {})
        capacity = activity.capacity if activity else None
        rows = []
        for line in lines:
            booking = line.booking
            held = holding.get(line.day, 0)
            rows.append(
                {
                    "line": line,
                    "day": formats.day_month(line.day),
                    "day_long": formats.weekday_date(line.day),
                    "field": f"jour-{line.pk}",
                    "line_state": line.get_state_display(),
                    "pending": line.state == LineState.PENDING,
                    "day_state": booking.get_state_display() if booking else BookingState.NOT_BOOKED.label,
                    "places": f"{held} / {capacity}" if capacity is not None else f"{held} (sans limite)",
                    "full": capacity is not None and held >= capacity,
                    "rank": ranks.get(booking.pk) if booking else None,
                }
            )
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.lines()
        events = self.object.events.select_related("author").order_by("created_at", "pk")
        context.update(
            rows=rows,
            can_decide=self.can_decide,
            decision_form=DayDecisionForm(),
            intent=self.issue_intent(),
            index_url=reverse(self.index_url_name),
            history_url=reverse(f"{BookingRequestViewSet.url_namespace}:history", args=[self.object.pk]),
            justification_url=reverse(f"{BookingRequestViewSet.url_namespace}:justification", args=[self.object.pk]),
            events=[
                {
                    "when": formats.datetime_numeric(event.created_at),
                    "label": event.get_kind_display(),
                    "author": (event.author.email if event.author else "—"),
                    "message": event.message,
                    "visible": event.visible_to_family,
                }
                for event in events
            ],
        )
        return context

    def post(self, request, *args, **kwargs):
        if intents.carried_out(request.POST.get(intents.FIELD), user=request.user):
            messages.info(request, intents.ALREADY_DONE)  # a decided request is no longer one to decide
            return redirect(reverse(self.index_url_name))
        if not self.can_decide:
            raise PermissionDenied
        form = DayDecisionForm(request.POST)
        form.is_valid()
        message = form.cleaned_data.get("message", "")
        pending = list(self.object.lines.filter(state=LineState.PENDING).values_list("pk", flat=True))
        everything = request.POST.get("decision")
        accept, refuse = [], []
        for pk in pending:
            choice = everything or request.POST.get(f"jour-{pk}")
            if choice == "accept":
                accept.append(pk)
            elif choice == "refuse":
                refuse.append(pk)
        if not accept and not refuse:
            messages.error(request, "Choisissez « Accepter » ou « Refuser » pour au moins un jour.")
            return redirect(request.path)
        try:
            with self.intent_once():
                services.booking_request_decide(
                    request=self.object, by=request.user, accept=accept, refuse=refuse, message=message
                )
        except intents.IntentRefused as error:
            return self.intent_refused(error)
        except InvalidTransition as error:
            messages.error(request, error.message)
            return redirect(request.path)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        parts = []
        if accept:
            parts.append(f"{len(accept)} jour{_plural(len(accept), '', 's')} accepté{_plural(len(accept), '', 's')}")
        if refuse:
            parts.append(f"{len(refuse)} jour{_plural(len(refuse), '', 's')} refusé{_plural(len(refuse), '', 's')}")
        messages.success(request, f"Demande traitée : {' et '.join(parts)}.")
        self.object.refresh_from_db()
        if self.object.is_pending:
            return redirect(request.path)
        return redirect(reverse(self.index_url_name))


@never_cache
def justification_download(request, pk: int):
    """The certificate attached to an absence, for staff who may read requests; never cached."""
    if not request.user.has_perm("espace_famille.view_request"):
        raise PermissionDenied
    planning_request = get_object_or_404(planning_queryset().exclude(justification=""), pk=pk)
    name = os.path.basename(planning_request.justification.name)
    return FileResponse(planning_request.justification.open("rb"), as_attachment=True, filename=name)


class BookingRequestViewSet(SnippetViewSet):
    """A second view of the Request model: the planning requests. It is not «the» snippet viewset of Request
    (the family-file queue is): it registers its URLs and menu item but leaves Request.snippet_viewset alone."""

    model = Request
    icon = "calendar-check"
    menu_label = "Réservations et absences"
    menu_name = "requests-planning"
    url_prefix = "snippets/espace_famille/demandes-planning"
    url_namespace = "espace_famille_booking_requests"
    index_view_class = BookingRequestIndexView
    index_template_name = "espace_famille/admin/booking_request_index.html"
    inspect_view_enabled = True
    inspect_view_class = BookingRequestDecisionView
    history_view_class = RequestHistoryView
    search_fields = list(SEARCH_FIELDS)
    copy_view_enabled = False
    list_per_page = 50

    filterset_class = BookingRequestFilterSet

    def get_queryset(self, request):
        return queue_rows()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("justificatif/<int:pk>/", justification_download, name="justification"),
        ]

    def on_register(self):
        # Only what a plain viewset does (URLs through the registry, menu item): the snippet registration,
        # chooser and admin URL finder of Request stay those of the family-file queue.
        ViewSet.on_register(self)


# Bulk decisions ---------------------------------------------------------------------------------------


class BookingBulkMessageForm(forms.Form):
    message = forms.CharField(
        label="Message pour la famille",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Facultatif. Chaque famille lit ce même message dans « Mes demandes ».",
    )


class BookingBulkDecision(IntentBulkActionMixin, DecisionBulkAction):
    """Accept or refuse every pending day of the selected requests at once (one set-based service call)."""

    intent_prefix = "bookings"

    models = [Request]
    form_class = BookingBulkMessageForm
    template_name = "espace_famille/admin/booking_bulk_decision.html"
    accept = True
    question = ""
    button_label = ""
    button_class = ""
    shown_items = 200

    @classmethod
    def get_queryset(cls, model, object_ids):
        return list(queue_rows().filter(kind__in=DECIDED_KINDS, pk__in=list(object_ids)).order_by("created_at", "pk"))

    def get_all_objects_in_listing_query(self, parent_id):
        """«All» honours the filters and search the instructor was looking at."""
        queryset = BookingRequestFilterSet(self.request.GET, planning_queryset(), request=self.request).qs
        if query := self.request.GET.get("q"):
            queryset = search_requests(queryset, query)
        return queryset.filter(state=RequestState.PENDING, kind__in=DECIDED_KINDS).values_list("pk", flat=True)

    def object_context(self, obj):
        url = reverse(f"{BookingRequestViewSet.url_namespace}:inspect", args=[quote(obj.pk)])
        return {"item": obj, "url": url}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = [entry for entry in context["items"] if entry["item"].is_pending]
        days = sum(entry["item"].days_count for entry in pending)
        context.update(
            pending_count=len(pending),
            shown_items=context["items"][: self.shown_items],
            more_items=max(0, len(context["items"]) - self.shown_items),
            question=self.question
            % {
                "count": len(pending),
                "s": _plural(len(pending), "", "s"),
                "days": days,
                "ds": _plural(days, "", "s"),
            },
            action_button_text=self.button_label,
            action_button_class=self.button_class,
            no_action_button_text="Annuler",
        )
        return context

    @classmethod
    def execute_action(cls, objects, **kwargs):
        view = kwargs["self"]
        message = view.cleaned_form.cleaned_data["message"]
        pending = [request.pk for request in objects if request.is_pending]
        already_decided = len(objects) - len(pending)
        view.skipped_requests = already_decided
        if not pending:
            return 0, 0
        result = services.booking_requests_bulk_decide(
            requests=pending, by=view.request.user, accept=cls.accept, message=message
        )
        view.skipped_requests = result.skipped + already_decided
        return result.requests, result.days

    def form_valid(self, form):
        self.skipped_requests = 0
        response = super().form_valid(form)
        if count := self.skipped_requests:
            messages.warning(
                self.request,
                _plural(
                    count,
                    "1 demande n'était plus en instruction : elle n'a pas été modifiée.",
                    f"{count} demandes n'étaient plus en instruction : elles n'ont pas été modifiées.",
                ),
            )
        return response


class BookingAcceptBulkAction(BookingBulkDecision):
    display_name = "Accepter"
    action_type = "booking-accept"
    aria_label = "Accepter les demandes de réservation ou d'absence sélectionnées"
    action_priority = 10
    accept = True
    question = (
        "Accepter %(count)s demande%(s)s (%(days)s jour%(ds)s) ? Une réservation sur un jour complet "
        "est placée en liste d'attente."
    )
    button_label = "Oui, accepter"

    def get_success_message(self, num_parent_objects, num_child_objects):
        if num_parent_objects:
            s = _plural(num_parent_objects, "", "s")
            ds = _plural(num_child_objects, "", "s")
            return f"{num_parent_objects} demande{s} acceptée{s} ({num_child_objects} jour{ds})."


class BookingRefuseBulkAction(BookingBulkDecision):
    display_name = "Refuser"
    action_type = "booking-refuse"
    aria_label = "Refuser les demandes de réservation ou d'absence sélectionnées"
    action_priority = 20
    classes = {"serious"}
    accept = False
    button_class = "serious"
    question = "Refuser %(count)s demande%(s)s (%(days)s jour%(ds)s) ?"
    button_label = "Oui, refuser"

    def get_success_message(self, num_parent_objects, num_child_objects):
        if num_parent_objects:
            s = _plural(num_parent_objects, "", "s")
            ds = _plural(num_child_objects, "", "s")
            return f"{num_parent_objects} demande{s} refusée{s} ({num_child_objects} jour{ds})."


# The day sheet («Feuille de présence») ------------------------------------------------------------------

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
        "family": child.family.name,
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
    """The «Activités» menu: the reference data, the enrolments and the day sheet."""

    menu_label = "Activités"
    menu_icon = "date"
    menu_order = 195
    items = (ActivityAdmin, FacilityAdmin, EnrolmentAdmin, ClosureAdmin)

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
