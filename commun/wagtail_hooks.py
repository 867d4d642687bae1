"""The admin's shared parts: the «À surveiller» panel of the dashboard, the admin's own stylesheet, and the audit
action of an admin listing exported (CSV or XLSX)."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from commun import dashboard, listing_exports

hooks.register("construct_homepage_panels", dashboard.add_alerts_panel)
hooks.register("construct_homepage_panels", dashboard.drop_page_panels)


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html(
        '<link rel="icon" href="{}" type="image/svg+xml"><link rel="stylesheet" href="{}">',
        static("img/favicon.svg"),
        static("css/admin.css"),
    )


@hooks.register("register_log_actions")
def register_export_log_actions(actions):
    @actions.register_action(listing_exports.EXPORT_ACTION)
    class ExportFormatter(LogFormatter):
        label = "Liste exportée"

        def format_message(self, log_entry):
            return listing_exports.export_message(log_entry.data or {})
