"""«Télécharger mes données», the frame: the export walks the sections of the personal-data registry, each app
giving its own (`collect` to JSON-ready data, `render` into the PDF with the `Builder` below).

What a section holds lives in its app's `export.py`; here only the JSON-ready values, the dates as the family
reads them, the PDF's headings, paragraphs and tables, and the assembly of the whole."""

from datetime import date, datetime
from io import BytesIO
from xml.sax.saxutils import escape

from django.db.models import Model
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from commun import formats, personal_data

FORMAT = "portail-famille/donnees-famille"
VERSION = 1


# JSON ---------------------------------------------------------------------------------------------


def json_value(value):
    """A value as the JSON export writes it: dates and moments in ISO 8601 (local time), the rest as is."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def values_of(instance, names) -> dict:
    return {name: json_value(getattr(instance, name)) for name in names}


def rows_of(rows, names) -> list[dict]:
    return [values_of(row, names) for row in rows]


def family_export(*, family: Model) -> dict:
    """The family's own data, complete and machine-readable: one part per section of the personal-data registry.

    Bank data is given in full: it is the family's. Photos are only said to exist; staff who decided
    requests are not named (the service answers, not a person)."""
    data = {"format": FORMAT, "version": VERSION, "exported_at": json_value(timezone.now())}
    for section in personal_data.sections():
        data[section.key] = section.collect(family)
    return data


# PDF ---------------------------------------------------------------------------------------------

FONT, BOLD = "Helvetica", "Helvetica-Bold"  # WinAnsi: every French letter, « », œ and €.
GRID = colors.HexColor("#b8c2cc")
SHADE = colors.HexColor("#e8eef3")


def when(value: str | None) -> str:
    """A date or a moment of the JSON export (ISO 8601) as the family reads it: 03/09/2025, 03/09/2025 à 14:05."""
    if not value:
        return "—"
    if "T" in value:
        return formats.datetime_numeric(datetime.fromisoformat(value))
    return formats.date_numeric(date.fromisoformat(value))


def yes_no(value: bool) -> str:
    return "Oui" if value else "Non"


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


class Builder:
    """The story of the document: headings, paragraphs and tables in the order they are added.

    Texts are reportlab markup: a section escapes what it did not write itself."""

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

    def listing(self, headers: list[str], rows: list[list[str]], widths, *, empty: str):
        if rows:
            self.table([[escape(h) for h in headers], *rows], [width * cm for width in widths], header=True)
        else:
            self.para(empty)


def export_pdf(data: dict, *, compress: bool = True) -> bytes:
    """The export as a readable document, section by section with the labels of the screens.

    The family's name is read from the «family» section. `compress=False` leaves the page text readable in the
    file, for tests."""
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
    doc = Builder()
    doc.para(escape(f"Données de la famille {name}"), "title")
    doc.para(f"Document établi le {when(data['exported_at'])}.")
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
