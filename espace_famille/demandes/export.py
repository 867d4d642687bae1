"""The requests in «Télécharger mes données»: each request with its days, the values asked for, and the history the
family sees (its own messages and the service's answers)."""

from xml.sax.saxutils import escape

from django.db.models import Prefetch

from commun.data_export import Builder, json_value, when
from espace_famille.demandes.models import (
    EventKind,
    LineState,
    Request,
    RequestEvent,
    RequestKind,
    RequestLine,
    RequestState,
)
from espace_famille.dossier import changes as file_changes
from espace_famille.dossier.export import field_label, field_text
from espace_famille.dossier.models import Family, Subscription


def _file_name(field_file) -> str | None:
    # The name the file was sent under, not its path in storage: the file itself stays downloadable.
    return field_file.name.rsplit("/", 1)[-1] if field_file else None


def collect_requests(family: Family) -> list[dict]:
    """Requests with their days and the history the family sees (its own messages, the service's answers)."""
    family_users = set(Subscription.objects.filter(family=family).values_list("user", flat=True))
    requests = (
        Request.objects.filter(family=family)
        .select_related("guardian", "child")
        .prefetch_related(
            Prefetch("lines", queryset=RequestLine.objects.all()),
            Prefetch(
                "events",
                queryset=RequestEvent.objects.filter(visible_to_family=True),
                to_attr="family_events",
            ),
        )
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": request.pk,
            "kind": request.kind,
            "state": request.state,
            "subject": request.subject,
            "guardian": str(request.guardian) if request.guardian else None,
            "child": str(request.child) if request.child else None,
            "created_at": json_value(request.created_at),
            "decided_at": json_value(request.decided_at),
            "start_date": json_value(request.start_date),
            "end_date": json_value(request.end_date),
            "reason": request.reason,
            "changes": request.changes,
            "justification": _file_name(request.justification),
            "lines": [
                {"day": json_value(line.day), "state": line.state, "decided_at": json_value(line.decided_at)}
                for line in request.lines.all()
            ],
            "events": [
                {
                    "kind": event.kind,
                    "created_at": json_value(event.created_at),
                    "by": "famille" if event.author_id in family_users else "service",
                    "message": event.message,
                }
                for event in request.family_events
            ],
        }
        for request in requests
    ]


def render_requests(doc: Builder, requests: list[dict]):
    doc.para("Demandes", "h2")
    if not requests:
        doc.para("Aucune demande.")
    kinds = dict(RequestKind.choices)
    states = dict(RequestState.choices)
    line_states = dict(LineState.choices)
    events = dict(EventKind.choices)
    for request in requests:
        kind = str(kinds.get(request["kind"], request["kind"]))
        doc.para(escape(f"{kind} — {request['subject']}" if request["subject"] else kind), "h3")
        rows = [
            ["État", escape(str(states.get(request["state"], request["state"])))],
            ["Demandée le", when(request["created_at"])],
        ]
        if request["decided_at"]:
            rows.append(["Traitée le", when(request["decided_at"])])
        if request["start_date"]:
            rows.append(["Période", f"du {when(request['start_date'])} au {when(request['end_date'])}"])
        if request["reason"]:
            rows.append(["Raison", escape(request["reason"])])
        if request["justification"]:
            rows.append(["Justificatif", escape(request["justification"])])
        doc.fields(rows)
        model = file_changes.KIND_FIELDS.get(request["kind"], (None, ()))[0]
        if request["changes"] and model is not None:
            doc.para("Valeurs demandées", "h4")
            rows = [
                [
                    field_label(model, name),
                    field_text(model, name, change.get("before")),
                    field_text(model, name, change.get("after")),
                ]
                for name, change in request["changes"].items()
            ]
            doc.listing(["Donnée", "Avant", "Demandé"], rows, (5, 6, 6), empty="")
        if request["lines"]:
            doc.para("Jours demandés", "h4")
            rows = [
                [
                    when(line["day"]),
                    escape(str(line_states.get(line["state"], line["state"]))),
                    when(line["decided_at"]),
                ]
                for line in request["lines"]
            ]
            doc.listing(["Jour", "État", "Traité le"], rows, (4, 6, 7), empty="")
        doc.para("Historique de la demande", "h4")
        rows = [
            [
                when(event["created_at"]),
                escape(str(events.get(event["kind"], event["kind"]))),
                "La famille" if event["by"] == "famille" else "Le service",
                escape(event["message"]).replace("\n", "<br/>") or "—",
            ]
            for event in request["events"]
        ]
        doc.listing(["Date", "Événement", "Par", "Message"], rows, (3.5, 4.5, 2.5, 6.5), empty="Aucun événement.")
