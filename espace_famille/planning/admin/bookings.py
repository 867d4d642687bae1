"""«Réservations»: every day booked, asked, waited for or missed, read-only (a day changes only through the decisions
on requests and the planning's services), filtered by structure, activity, state and day, and exported."""

from django.contrib.admin import display
from wagtail_modeladmin.options import ModelAdmin

from commun import formats
from commun.admin_display import DisplayAdminMixin
from commun.admin_services import ReadOnlyPermissionHelper
from commun.listing_exports import ListingExportAdminMixin
from espace_famille.dossier.family_page import family_link
from espace_famille.planning.admin import exports
from espace_famille.planning.models import Booking


class BookingAdmin(ListingExportAdminMixin, DisplayAdminMixin, ModelAdmin):
    model = Booking
    listing_export = exports.BOOKINGS
    permission_helper_class = ReadOnlyPermissionHelper
    menu_label = "Réservations"
    menu_icon = "calendar-check"
    list_display = ("day_label", "child", "family", "activity", "state")
    list_filter = ("state", "activity__facility", "activity", "day")
    search_fields = ("child__first_name", "child__last_name", "child__family__name")
    ordering = ("-day", "activity__code", "child__last_name", "child__first_name")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("child__family", "activity__facility")

    @display(description="jour", ordering="day")
    def day_label(self, booking):
        return formats.date_numeric(booking.day)

    @display(description="famille", ordering="child__family__name")
    def family(self, booking):
        return family_link(booking.child.family)
