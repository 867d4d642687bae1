"""The admin's «Tableau de bord»: what each app adds to it, and the alerts panel they share.

Each app adds its own panels through Wagtail's `construct_homepage_panels` hook, shown to the staff whose
permissions they need, so that each role sees its own day. Alerts (documents about to expire, invoices past due, a
month not invoiced...) come from the apps through the `portail_dashboard_alerts` hook: a function taking the
request and returning a list of `Alert`, each read in a fixed number of queries. They are gathered in one panel,
«À surveiller», the most urgent first."""

from dataclasses import dataclass

from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permission_policies.pages import PagePermissionPolicy

ALERTS_HOOK = "portail_dashboard_alerts"
CRITICAL, WARNING = "critical", "warning"


@dataclass(frozen=True)
class Alert:
    """One line of «À surveiller»: a title that says how many and what («3 factures échues»), an optional detail,
    and the admin screen where they are handled."""

    title: str
    detail: str = ""
    url: str = ""
    level: str = WARNING


class AlertsPanel(Component):
    name = "portail_alerts"
    order = 20
    template_name = "commun/admin/dashboard_alerts.html"

    def __init__(self, alerts: list[Alert]):
        self.alerts = sorted(alerts, key=lambda alert: alert.level != CRITICAL)

    def get_context_data(self, parent_context):
        return {"alerts": self.alerts}


def alerts_for(request) -> list[Alert]:
    alerts = []
    for source in hooks.get_hooks(ALERTS_HOOK):
        alerts.extend(source(request))
    return alerts


def add_alerts_panel(request, panels) -> None:
    if alerts := alerts_for(request):
        panels.append(AlertsPanel(alerts))


# Wagtail's own panels about pages (moderation, recent edits, locked pages): each reads the pages' workflows.
PAGE_PANELS = frozenset(
    {"workflow_objects_to_moderate", "user_objects_in_workflow_moderation", "recent_edits", "locked_pages"}
)
PAGE_ACTIONS = ("add", "change", "publish", "lock", "unlock")


def drop_page_panels(request, panels) -> None:
    """Staff who edit no page (instructors, régisseurs) do not pay for Wagtail's page panels, always empty for
    them: their dashboard holds their own work."""
    if not PagePermissionPolicy().user_has_any_permission(request.user, PAGE_ACTIONS):
        panels[:] = [panel for panel in panels if getattr(panel, "name", "") not in PAGE_PANELS]


def age(days: int) -> str:
    """How long a thing has waited, read at a glance: «aujourd'hui», «depuis 1 jour», «depuis 12 jours»."""
    if days <= 0:
        return "aujourd'hui"
    return f"depuis {days} jour{'s' if days > 1 else ''}"
