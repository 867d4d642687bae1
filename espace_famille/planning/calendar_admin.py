"""The dashboard's warning when the portal does not know the school holidays of this school year or the next."""

from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from espace_famille.planning import rules
from espace_famille.planning.calendar import MANUAL_HOLIDAYS_MIN_DAYS, school_years_unknown, school_zone


class SchoolHolidaysWarning(Component):
    name = "school_holidays_warning"
    order = 10
    template_name = "espace_famille/admin/school_holidays_warning.html"

    def __init__(self, first_days: list):
        self.years = [rules.school_year_label(first_day) for first_day in first_days]

    def get_context_data(self, parent_context):
        return {
            "years": self.years,
            "zone": school_zone(),
            "min_days": MANUAL_HOLIDAYS_MIN_DAYS,
            "closures_url": reverse("espace_famille_closure_modeladmin_index"),
        }


def school_holidays_warning(user) -> SchoolHolidaysWarning | None:
    """The warning for the staff who see the closures, when this school year or the next has no school holidays."""
    if not user.has_perm("espace_famille.view_closure"):
        return None
    first_day = rules.school_year_of(timezone.localdate())[0]
    unknown = school_years_unknown(first_day, first_day.replace(year=first_day.year + 1))
    return SchoolHolidaysWarning(unknown) if unknown else None
