"""Admin registration of the planning: the «Activités» menu (registers, enrolments, bookings, attendance marks, day
sheet), the bulk decisions of the booking queue (the queue itself is in the «Demandes» menu group, built from the
request kinds' handlers), and the warning of school holidays not yet known, the audit entries of the attendance
register."""

from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy
from wagtail_modeladmin.options import modeladmin_register

from commun import todo
from commun.admin_services import ViewOnlyPolicy
from espace_famille.dossier.family_page import SECTIONS_HOOK
from espace_famille.planning import attendance, calendar_admin, dashboard, family_page
from espace_famille.planning import todo as family_todo
from espace_famille.planning.admin import attendances, bulk, day_sheet
from espace_famille.planning.models import Attendance, AttendanceStatus

register_permission_policy(Attendance, ViewOnlyPolicy(Attendance))
hooks.register("register_admin_viewset", lambda: attendances.attendance_viewset)
modeladmin_register(day_sheet.PlanningGroup)
hooks.register("register_admin_urls", day_sheet.day_sheet_urls)
hooks.register("register_bulk_action", bulk.BookingAcceptBulkAction)
hooks.register("register_bulk_action", bulk.BookingRefuseBulkAction)


@hooks.register("register_log_actions")
def register_attendance_log_actions(actions):
    labels = dict(AttendanceStatus.choices)

    @actions.register_action(attendance.MARK_ACTION)
    class AttendanceMarkFormatter(LogFormatter):
        label = "Présence pointée"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            before = labels.get(data.get("from"), "non pointé")
            return f"Présence pointée : {before} → {labels.get(data.get('to'), data.get('to', ''))}"

    @actions.register_action(attendance.CLEAR_ACTION)
    class AttendanceClearFormatter(LogFormatter):
        label = "Pointage retiré"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return f"Pointage retiré ({labels.get(data.get('from'), data.get('from', ''))})"


@hooks.register("construct_homepage_panels")
def warn_of_unknown_school_holidays(request, panels):
    if warning := calendar_admin.school_holidays_warning(request.user):
        panels.insert(0, warning)


hooks.register("construct_homepage_panels", dashboard.add_panels)
hooks.register(SECTIONS_HOOK, family_page.section)

# «À faire» (commun.todo)
hooks.register(todo.UPCOMING_HOOK, family_todo.family_upcoming)
