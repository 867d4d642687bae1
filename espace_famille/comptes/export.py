"""«Télécharger mes données»: everything the portal holds about a family, as JSON-ready data and as a PDF."""

from datetime import date, datetime
from io import BytesIO
from xml.sax.saxutils import escape

from django.db.models import Prefetch
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from commun import formats, personal_data
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
from espace_famille.dossier import rules
from espace_famille.dossier.models import AuthorizedContact, Child, Family, Guardian, Subscription, Vaccination
from espace_famille.planning.models import Booking, BookingState, Enrolment, Weekday

FORMAT = "portail-famille/donnees-famille"
VERSION = 1

# The family file, section by section, as the «Dossier famille» screens group it.
FAMILY_SECTIONS = (
    ("Famille", ("name", "subscriber_code")),
    ("Informations fiscales", rules.FISCAL_FIELDS),
    ("Adresse", rules.ADDRESS_FIELDS),
    ("Coordonnées bancaires", rules.BANK_FIELDS),
)


def _json(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _fields(instance, names) -> dict:
    return {name: _json(getattr(instance, name)) for name in names}


def _rows(rows, names) -> list[dict]:
    return [_fields(row, names) for row in rows]


def _franceconnect_link(user):
    link = getattr(user, "franceconnect", None)
    return link.linked_at if link else None


def collect_family(family: Family) -> dict:
    names = ("name", "subscriber_code", "created_at") + rules.FISCAL_FIELDS + rules.ADDRESS_FIELDS + rules.BANK_FIELDS
    return _fields(family, names)


def collect_guardians(family: Family) -> list[dict]:
    return [
        {**_fields(guardian, rules.GUARDIAN_FIELDS), "has_photo": bool(guardian.photo)}
        for guardian in Guardian.objects.filter(family=family)
    ]


def collect_children(family: Family) -> list[dict]:
    children = Child.objects.filter(family=family).prefetch_related(
        Prefetch("vaccinations", queryset=Vaccination.objects.all()),
        Prefetch("contacts", queryset=AuthorizedContact.objects.all()),
    )
    return [
        {
            **_fields(child, rules.CHILD_FIELDS),
            "has_photo": bool(child.photo),
            "vaccinations": _rows(child.vaccinations.all(), rules.VACCINATION_FIELDS),
            "contacts": _rows(child.contacts.all(), rules.CONTACT_FIELDS),
        }
        for child in children
    ]


def collect_subscriptions(family: Family) -> list[dict]:
    subscriptions = Subscription.objects.filter(family=family).select_related("user", "user__franceconnect")
    return [
        {
            "email": subscription.user.email,
            "method": subscription.method,
            "created_at": _json(subscription.created_at),
            "franceconnect_linked_at": _json(_franceconnect_link(subscription.user)),
        }
        for subscription in subscriptions
    ]


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
            "created_at": _json(request.created_at),
            "decided_at": _json(request.decided_at),
            "start_date": _json(request.start_date),
            "end_date": _json(request.end_date),
            "reason": request.reason,
            "changes": request.changes,
            "justification": _file_name(request.justification),
            "lines": [
                {"day": _json(line.day), "state": line.state, "decided_at": _json(line.decided_at)}
                for line in request.lines.all()
            ],
            "events": [
                {
                    "kind": event.kind,
                    "created_at": _json(event.created_at),
                    "by": "famille" if event.author_id in family_users else "service",
                    "message": event.message,
                }
                for event in request.family_events
            ],
        }
        for request in requests
    ]


def _file_name(field_file) -> str | None:
    # The name the file was sent under, not its path in storage: the file itself stays downloadable.
    return field_file.name.rsplit("/", 1)[-1] if field_file else None


def collect_planning(family: Family) -> dict:
    """The children's enrolments and the state of each day asked for."""
    enrolments = Enrolment.objects.filter(child__family=family).select_related("child", "activity")
    bookings = (
        Booking.objects.filter(child__family=family)
        .exclude(state=BookingState.NOT_BOOKED)
        .select_related("child", "activity")
        .order_by("day", "child", "activity__code")
    )
    return {
        "enrolments": [
            {
                "child": str(enrolment.child),
                "activity": enrolment.activity.name,
                "start_date": _json(enrolment.start_date),
                "end_date": _json(enrolment.end_date),
                "weekdays": enrolment.weekdays,
            }
            for enrolment in enrolments
        ],
        "days": [
            {
                "child": str(booking.child),
                "activity": booking.activity.name,
                "day": _json(booking.day),
                "state": booking.state,
                "justified": booking.justified,
            }
            for booking in bookings
        ],
    }


def family_export(*, family: Family) -> dict:
    """The family's own data, complete and machine-readable: one part per section of the personal-data registry.

    Bank data is given in full: it is the family's. Photos are only said to exist; staff who decided
    requests are not named (the service answers, not a person)."""
    data = {"format": FORMAT, "version": VERSION, "exported_at": _json(timezone.now())}
    for section in personal_data.sections():
        data[section.key] = section.collect(family)
    return data


# PDF ---------------------------------------------------------------------------------------------

FONT, BOLD = "Helvetica", "Helvetica-Bold"  # WinAnsi: every French letter, « », œ and €.
GRID = colors.HexColor("#b8c2cc")
SHADE = colors.HexColor("#e8eef3")
# Column widths (cm) of a child's tables, as rules.CHILD_LIST_FIELDS orders them: 17 cm in all.
LIST_WIDTHS = {"vaccinations": (7, 5, 5), "contacts": (4.5, 2.6, 2.6, 3, 2.15, 2.15)}


def _styles() -> dict:
    base = getSampleStyleSheet()
    heading = {"fontName": BOLD, "keepWithNext": 1}
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=18, alignment=TA_LEFT, **heading),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=14, spaceBefore=14, **heading),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontSize=11.5, spaceBefore=8, **heading),
        "h4": ParagraphStyle("h4", parent=base["Heading4"], fontSize=10, spaceBefore=4, spaceAfter=3, **heading),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, fontSize=9.5, leading=12),
        "cell": ParagraphStyle("cell", parent=base["BodyText"], fontName=FONT, fontSize=9, leading=11),
        "head": ParagraphStyle("head", parent=base["BodyText"], fontName=BOLD, fontSize=9, leading=11),
    }


def _when(value: str | None) -> str:
    if not value:
        return "—"
    if "T" in value:
        return formats.datetime_numeric(datetime.fromisoformat(value))
    return formats.date_numeric(date.fromisoformat(value))


def _text(model, name: str, value) -> str:
    """A value as the family reads it on its screens (markup-escaped); its own IBAN in full."""
    if name == "iban":
        return escape(value or "—")
    shown = file_changes.show(model, name, value)
    if shown.rows is not None:
        return "<br/>".join(escape(" · ".join(row)) for row in shown.rows) or "—"
    return escape(shown.text)


def _label(model, name: str) -> str:
    return escape(file_changes.field_label(model, name))


def _yes_no(value: bool) -> str:
    return "Oui" if value else "Non"


class _Builder:
    """The story of the document: headings, paragraphs and tables in the order they are added."""

    def __init__(self):
        self.styles = _styles()
        self.story = []

    def para(self, text: str, style: str = "body"):
        self.story.append(Paragraph(text, self.styles[style]))

    def table(self, rows: list[list[str]], widths: list[float], *, header: bool):
        """A grid of paragraphs whose header is its first row (listings) or its first column (fields)."""
        cells = [
            [Paragraph(text, self.styles["head" if header and r == 0 else "cell"]) for text in row]
            for r, row in enumerate(rows)
        ]
        shaded = (0, 0), (-1, 0) if header else (0, -1)
        table = Table(cells, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                    ("BACKGROUND", *shaded, SHADE),
                ]
            )
        )
        self.story += [table, Spacer(1, 6)]

    def fields(self, rows: list[list[str]]):
        """Label / value rows; the labels of the authorisations are long, the values short."""
        self.table(rows, [10 * cm, 7 * cm], header=False)

    def model_fields(self, model, values: dict, names, *extra: list[str]):
        self.fields([[_label(model, name), _text(model, name, values.get(name))] for name in names] + list(extra))

    def listing(self, headers: list[str], rows: list[list[str]], widths, *, empty: str):
        if rows:
            self.table([[escape(h) for h in headers], *rows], [width * cm for width in widths], header=True)
        else:
            self.para(empty)


def render_family(doc: _Builder, family: dict):
    doc.para("Dossier famille", "h2")
    for title, names in FAMILY_SECTIONS:
        doc.para(title, "h3")
        doc.model_fields(Family, family, names)


def render_guardians(doc: _Builder, guardians: list[dict]):
    doc.para("Responsables", "h2")
    if not guardians:
        doc.para("Aucun responsable.")
    for guardian in guardians:
        doc.para(escape(f"{guardian['first_name']} {guardian['last_name'].upper()}"), "h3")
        doc.model_fields(
            Guardian, guardian, rules.GUARDIAN_FIELDS, ["Photo enregistrée", _yes_no(guardian["has_photo"])]
        )


def render_children(doc: _Builder, children: list[dict]):
    doc.para("Enfants", "h2")
    if not children:
        doc.para("Aucun enfant.")
    for child in children:
        doc.para(escape(f"{child['first_name']} {child['last_name'].upper()}"), "h3")
        doc.model_fields(Child, child, rules.CHILD_FIELDS, ["Photo enregistrée", _yes_no(child["has_photo"])])
        for name, empty in (("vaccinations", "Aucun vaccin."), ("contacts", "Aucun adulte habilité.")):
            model = file_changes.LIST_MODELS[name]
            names = rules.CHILD_LIST_FIELDS[name]
            doc.para(escape(file_changes.field_label(Child, name)), "h4")
            rows = [[_text(model, field, row.get(field)) for field in names] for row in child[name]]
            doc.listing(file_changes.list_headers(name), rows, LIST_WIDTHS[name], empty=empty)


def render_subscriptions(doc: _Builder, subscriptions: list[dict]):
    doc.para("Comptes citoyens abonnés au dossier", "h2")
    methods = dict(Subscription._meta.get_field("method").flatchoices)
    rows = [
        [
            escape(row["email"]),
            escape(str(methods.get(row["method"], row["method"]))),
            _when(row["created_at"]),
            f"lié le {_when(row['franceconnect_linked_at'])}" if row.get("franceconnect_linked_at") else "non",
        ]
        for row in subscriptions
    ]
    doc.listing(["Compte", "Moyen", "Depuis le", "FranceConnect"], rows, (6, 4, 3.5, 3.5), empty="Aucun abonnement.")


def render_requests(doc: _Builder, requests: list[dict]):
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
            ["Demandée le", _when(request["created_at"])],
        ]
        if request["decided_at"]:
            rows.append(["Traitée le", _when(request["decided_at"])])
        if request["start_date"]:
            rows.append(["Période", f"du {_when(request['start_date'])} au {_when(request['end_date'])}"])
        if request["reason"]:
            rows.append(["Raison", escape(request["reason"])])
        if request["justification"]:
            rows.append(["Justificatif", escape(request["justification"])])
        doc.fields(rows)
        model = file_changes.KIND_FIELDS.get(request["kind"], (None, ()))[0]
        if request["changes"] and model is not None:
            doc.para("Valeurs demandées", "h4")
            rows = [
                [_label(model, name), _text(model, name, change.get("before")), _text(model, name, change.get("after"))]
                for name, change in request["changes"].items()
            ]
            doc.listing(["Donnée", "Avant", "Demandé"], rows, (5, 6, 6), empty="")
        if request["lines"]:
            doc.para("Jours demandés", "h4")
            rows = [
                [
                    _when(line["day"]),
                    escape(str(line_states.get(line["state"], line["state"]))),
                    _when(line["decided_at"]),
                ]
                for line in request["lines"]
            ]
            doc.listing(["Jour", "État", "Traité le"], rows, (4, 6, 7), empty="")
        doc.para("Historique de la demande", "h4")
        rows = [
            [
                _when(event["created_at"]),
                escape(str(events.get(event["kind"], event["kind"]))),
                "La famille" if event["by"] == "famille" else "Le service",
                escape(event["message"]).replace("\n", "<br/>") or "—",
            ]
            for event in request["events"]
        ]
        doc.listing(["Date", "Événement", "Par", "Message"], rows, (3.5, 4.5, 2.5, 6.5), empty="Aucun événement.")


def render_planning(doc: _Builder, planning: dict):
    doc.para("Inscriptions et réservations", "h2")
    doc.para("Inscriptions", "h3")
    weekdays = dict(Weekday.choices)
    rows = [
        [
            escape(row["child"]),
            escape(row["activity"]),
            f"du {_when(row['start_date'])} au {_when(row['end_date'])}",
            escape(", ".join(str(weekdays.get(day, day)) for day in row["weekdays"])),
        ]
        for row in planning["enrolments"]
    ]
    doc.listing(["Enfant", "Activité", "Période", "Jours"], rows, (3.5, 4.5, 5, 4), empty="Aucune inscription.")
    doc.para("Jours réservés ou demandés", "h3")
    states = dict(BookingState.choices)
    rows = [
        [
            _when(row["day"]),
            escape(row["child"]),
            escape(row["activity"]),
            escape(str(states.get(row["state"], row["state"]))) + (" (justifiée)" if row["justified"] else ""),
        ]
        for row in planning["days"]
    ]
    doc.listing(["Jour", "Enfant", "Activité", "État"], rows, (3, 4, 5, 5), empty="Aucune réservation.")


def export_pdf(data: dict, *, compress: bool = True) -> bytes:
    """The export as a readable document, section by section with the labels of the screens.

    `compress=False` leaves the page text readable in the file, for tests."""
    name = data["family"]["name"]
    buffer = BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=f"Données de la famille {name}",
        author="Portail citoyen",
        subject="Export des données personnelles (droit d'accès, article 15 du RGPD)",
        lang="fr-FR",
        pageCompression=1 if compress else 0,
    )
    doc = _Builder()
    doc.para(escape(f"Données de la famille {name}"), "title")
    doc.para(f"Document établi le {_when(data['exported_at'])}.")
    doc.para(
        "Ce document contient toutes les données que le portail conserve sur votre famille : le dossier famille, "
        "les responsables, les enfants et leurs données sanitaires, les abonnements, les demandes et leurs "
        "messages, les inscriptions et réservations, les factures et les règlements, les pièces justificatives, "
        "les pré-inscriptions en crèche. "
        "Il contient des données personnelles et bancaires : conservez-le en lieu sûr."
    )
    for section in personal_data.sections():
        section.render(doc, data[section.key])

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(2 * cm, 1.2 * cm, f"Données de la famille {name}")
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Page {document.page}")
        canvas.restoreState()

    pdf.build(doc.story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
