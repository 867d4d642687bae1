"""«Pointages»: the attendance register's marks, every day of every activity, read-only (a mark changes only on the
day sheet, through planning.attendance), filtered by day, structure, activity and mark, searched by child or family,
and exported. Each day opens its «Feuille de présence»."""

from datetime import datetime

import django_filters
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.html import format_html
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from commun import formats
from commun.admin_links import ScreenURLFinder
from commun.listing_exports import ListingExportMixin
from espace_famille.dossier.family_page import family_link
from espace_famille.planning.admin import exports
from espace_famille.planning.models import Activity, Attendance, AttendanceStatus, Facility
from espace_famille.planning.occupancy import sheet_url

SEARCH_FIELDS = ("child__first_name", "child__last_name", "child__family__name")


def _as_date(value):
    return value.date() if isinstance(value, datetime) else value


class AttendanceFilterSet(WagtailFilterSet):
    day = django_filters.DateFromToRangeFilter(label="Jours", widget=DateRangePickerWidget, method="filter_day")
    facility = django_filters.ModelChoiceFilter(
        label="Structure",
        field_name="activity__facility",
        queryset=lambda request: Facility.objects.all(),
        empty_label="Toutes les structures",
    )
    activity = django_filters.ModelChoiceFilter(
        label="Activité",
        queryset=lambda request: Activity.objects.select_related("facility"),
        empty_label="Toutes les activités",
    )
    status = django_filters.ChoiceFilter(
        label="Pointage", choices=AttendanceStatus.choices, empty_label="Tous les pointages"
    )

    class Meta:
        model = Attendance
        fields = ["day", "facility", "activity", "status"]

    def filter_day(self, queryset, name, value):
        if value and value.start:
            queryset = queryset.filter(day__gte=_as_date(value.start))
        if value and value.stop:
            queryset = queryset.filter(day__lte=_as_date(value.stop))
        return queryset


class AttendanceIndexView(ListingExportMixin, IndexView):
    """The latest days first; a row's day opens that day's sheet, its family its «Fiche famille»."""

    page_title = "Pointages"
    listing_export = exports.ATTENDANCES
    default_ordering = "-day"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("child__family", "activity__facility", "marked_by")

    @cached_property
    def columns(self):
        return [
            Column(
                "day",
                label="Jour",
                accessor=lambda a: format_html(
                    '<a href="{}">{}</a>', sheet_url(a.activity_id, a.day), formats.date_numeric(a.day)
                ),
                sort_key="day",
            ),
            Column("child", label="Enfant", accessor="child", sort_key="child__last_name"),
            Column(
                "family",
                label="Famille",
                accessor=lambda a: family_link(a.child.family),
                sort_key="child__family__name",
            ),
            Column("activity", label="Activité", accessor=lambda a: a.activity.name, sort_key="activity__code"),
            Column("status", label="Pointage", accessor="get_status_display", sort_key="status"),
            Column("note", label="Remarque", accessor=lambda a: a.note or "—"),
            Column("marked_by", label="Pointé par", accessor=lambda a: a.marked_by or "—"),
            Column(
                "marked_at",
                label="Pointé le",
                accessor=lambda a: formats.datetime_numeric(a.marked_at),
                sort_key="marked_at",
            ),
        ]

    def search_queryset(self, queryset):
        """Every word must match the child's first or last name or the family's name («léo durant»)."""
        if not self.is_searching:
            return queryset
        for word in self.search_query.split():
            matches = Q()
            for field in SEARCH_FIELDS:
                matches |= Q(**{f"{field}__icontains": word})
            queryset = queryset.filter(matches)
        return queryset


class AttendanceURLFinder(ScreenURLFinder):
    """A mark in the site's history: its day sheet, for staff who may read the sheets (bookings)."""

    permission = "espace_famille.view_booking"

    def url(self, instance) -> str:
        return sheet_url(instance.activity_id, instance.day)


class AttendanceViewSet(ModelViewSet):
    """Its menu item sits in the «Activités» group, after «Réservations» (day_sheet.PlanningGroup)."""

    model = Attendance
    icon = "clipboard-list"
    menu_label = "Pointages"
    url_prefix = "pointages"
    add_to_admin_menu = False
    add_to_reference_index = False
    index_view_class = AttendanceIndexView
    filterset_class = AttendanceFilterSet
    search_fields = list(SEARCH_FIELDS)
    list_per_page = 50
    copy_view_enabled = False
    url_finder_class = AttendanceURLFinder
    # The generic edit form is never shown (commun.admin_services.ViewOnlyPolicy: the day sheet writes the marks,
    # under its rules): it still needs its fields named.
    form_fields = ["note"]


attendance_viewset = AttendanceViewSet("pointages")
