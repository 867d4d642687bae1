"""The «Activités» registers (wagtail-modeladmin): facilities, activities with their week and tariffs, closures,
enrolments. Creating, editing and deleting go through planning.registers (permission checked, audit entry written).

An activity's week (one row per weekday) and its tariffs are edited on the activity's own form: the models have no
ParentalKey, so the form carries the seven weekday rows as plain fields and the tariffs as a Django formset."""

from datetime import time
from decimal import Decimal

from django import forms
from django.contrib.admin import display
from django.core.exceptions import ValidationError
from django.forms.models import inlineformset_factory
from django.utils.timezone import localdate
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, Panel
from wagtail_modeladmin.options import ModelAdmin

from commun import formats
from commun.admin_display import DisplayAdminMixin
from commun.admin_services import RecordAdminMixin, model_values
from espace_famille.dossier.family_page import family_link
from espace_famille.dossier.models import Child
from espace_famille.planning import registers
from espace_famille.planning.admin.labels import period_label, weekdays_label
from espace_famille.planning.models import (
    Activity,
    ActivityPrice,
    Closure,
    Enrolment,
    Facility,
    SlotPeriod,
    Weekday,
)

# Registers: facilities -----------------------------------------------------------------------------


class RegisterAdmin(DisplayAdminMixin, RecordAdminMixin, ModelAdmin):
    """A register whose create, edit and delete screens write through planning.registers (the form only
    validates)."""

    def create_instance(self, *, form, by):
        return registers.register_save(model=self.model, instance=None, values=model_values(form), by=by)

    def edit_instance(self, *, instance, form, by):
        return registers.register_save(model=self.model, instance=instance, values=model_values(form), by=by)

    def delete_instance(self, *, instance, by):
        registers.register_delete(model=self.model, instance=instance, by=by)


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
        if "meal_price" in self.fields:
            # Empty: no meal within the day's price (most activities).
            self.fields["meal_price"].required = False
        self.prices = PriceFormSet(data=self.data if self.is_bound else None, instance=self.instance, prefix="tarifs")
        for form in self.prices.forms:
            form.fields["quotient_max"].widget.attrs["aria-label"] = "Quotient familial jusqu'à"
            form.fields["amount"].widget.attrs["aria-label"] = "Prix par jour"

    def clean_meal_price(self):
        return self.cleaned_data.get("meal_price") or Decimal("0")

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
                [
                    FieldPanel("price"),
                    FormsetPanel("prices", heading="Tarifs par quotient familial"),
                    FieldPanel("billing_basis"),
                    FieldPanel("accounting_code"),
                    FieldPanel("childcare_certificate"),
                    FieldRowPanel([FieldPanel("certificate_excludes_meals"), FieldPanel("meal_price")]),
                ],
                heading="Tarifs et facturation",
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
        return family_link(enrolment.child.family)

    @display(description="période", ordering="start_date")
    def period(self, enrolment):
        return period_label(enrolment.start_date, enrolment.end_date)

    @display(description="jours")
    def days(self, enrolment):
        return weekdays_label(enrolment.weekdays)
