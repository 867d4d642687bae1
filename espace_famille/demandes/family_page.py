"""The «Demandes» part of the «Fiche famille»: the family's latest requests with their history (every message and
decision, those the family does not see included), each opening the screen where it is decided. A fixed number of
queries: the requests, their events, and one per kind whose page needs another row (crèche)."""

from collections import defaultdict

from django.db.models import Prefetch

from espace_famille.demandes import kinds
from espace_famille.demandes.models import Request, RequestEvent
from espace_famille.dossier.family_page import FamilySection

VIEW_REQUESTS = "espace_famille.view_request"
SHOWN = 30


class RequestsSection(FamilySection):
    order = 50
    heading = "Demandes"
    template_name = "espace_famille/admin/family_page/requests.html"


def section(request, family):
    if not request.user.has_perm(VIEW_REQUESTS):
        return None
    requests = list(
        Request.objects.filter(family=family)
        .select_related("child", "activity")
        .prefetch_related(
            Prefetch("events", queryset=RequestEvent.objects.select_related("author").order_by("created_at", "pk"))
        )
        .order_by("-created_at", "-pk")[: SHOWN + 1]
    )
    more = len(requests) > SHOWN
    requests = requests[:SHOWN]
    by_kind = defaultdict(list)
    for item in requests:
        by_kind[item.kind].append(item)
    urls = {}
    for kind, items in by_kind.items():
        try:
            urls.update(kinds.handler_for(kind).admin_urls(items))
        except LookupError:
            continue
    rows = [{"request": item, "url": urls.get(item.pk, ""), "events": list(item.events.all())} for item in requests]
    return RequestsSection(family, rows=rows, more=more, shown=SHOWN)


def audit_objects(family):
    return [(Request, Request.objects.filter(family=family))]
