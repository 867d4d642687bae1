"""The dashboard's «Demandes à traiter»: the requests waiting for a decision, by kind, with the age of the oldest,
for the staff who decide them. One query, whatever the number of requests."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min
from django.utils import timezone
from wagtail.admin.ui.components import Component

from commun import dashboard, formats
from espace_famille.demandes import kinds
from espace_famille.demandes.models import Request, RequestKind, RequestState


@dataclass
class WaitingKind:
    label: str
    count: int
    oldest: datetime
    url: str

    @property
    def age_days(self) -> int:
        return (timezone.localdate() - timezone.localtime(self.oldest).date()).days

    @property
    def age(self) -> str:
        return dashboard.age(self.age_days)

    @property
    def oldest_label(self) -> str:
        return formats.datetime_numeric(self.oldest)


def waiting_requests(user) -> list[WaitingKind] | None:
    """Per kind the user decides, the requests waiting (None: the user decides no kind)."""
    decided = {kind: handler for handler in kinds.handlers() if handler.can_decide(user) for kind in handler.kinds}
    if not decided:
        return None
    counts = (
        Request.objects.filter(state=RequestState.PENDING, kind__in=list(decided))
        .values("kind")
        .annotate(count=Count("pk"), oldest=Min("created_at"))
        .order_by()
    )
    labels = dict(RequestKind.choices)
    rows = [
        WaitingKind(
            label=labels.get(row["kind"], row["kind"]),
            count=row["count"],
            oldest=row["oldest"],
            url=decided[row["kind"]].queue_url(),
        )
        for row in counts
    ]
    return sorted(rows, key=lambda row: row.oldest)


class WaitingRequestsPanel(Component):
    name = "portail_waiting_requests"
    order = 30
    template_name = "espace_famille/admin/dashboard_requests.html"

    def __init__(self, rows: list[WaitingKind]):
        self.rows = rows

    def get_context_data(self, parent_context):
        return {"rows": self.rows, "total": sum(row.count for row in self.rows)}


def add_panel(request, panels) -> None:
    rows = waiting_requests(request.user)
    if rows is not None:
        panels.append(WaitingRequestsPanel(rows))
