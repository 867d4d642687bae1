"""The dashboard's planning panels, for the staff who see bookings: «Aujourd'hui» (the children expected in each
activity running today, each opening its day sheet) and «Occupation des quatre prochaines semaines» (activity ×
day, places held / capacity and waiting list, coloured, each cell opening its day sheet)."""

from django.utils import timezone
from wagtail.admin.ui.components import Component

from commun import formats
from espace_famille.planning import occupancy as reading
from espace_famille.planning import rules

VIEW_BOOKINGS = "espace_famille.view_booking"
LEVELS = {rules.FREE: "places libres", rules.NEARLY_FULL: "presque complet", rules.FULL: "complet"}


class TodayPanel(Component):
    name = "portail_today"
    order = 40
    template_name = "espace_famille/admin/dashboard_today.html"

    def __init__(self, occupancy: reading.Occupancy, today):
        self.rows = occupancy.today(today)
        self.today = today

    def get_context_data(self, parent_context):
        return {
            "rows": self.rows,
            "day_label": formats.weekday_date(self.today),
            "expected": sum(cell.expected for _, cell in self.rows),
        }


class OccupancyPanel(Component):
    name = "portail_occupancy"
    order = 50
    template_name = "espace_famille/admin/dashboard_occupancy.html"

    def __init__(self, occupancy: reading.Occupancy):
        self.occupancy = occupancy

    def get_context_data(self, parent_context):
        return {
            "occupancy": self.occupancy,
            "period": formats.period(self.occupancy.start, self.occupancy.end),
            "levels": LEVELS,
        }


def add_panels(request, panels) -> None:
    if not request.user.has_perm(VIEW_BOOKINGS):
        return
    today = timezone.localdate()
    occupancy = reading.occupancy(start=today)
    panels.append(TodayPanel(occupancy, today))
    panels.append(OccupancyPanel(occupancy))
