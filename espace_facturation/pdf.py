"""The invoice (or credit note) as a PDF: an «avis des sommes à payer» with the mentions a public invoice needs.

Rendered when asked, from the issued invoice (which never changes) and what was paid since."""

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from commun import formats
from home.models import SiteIdentity

from . import selectors
from .models import Invoice, InvoiceNature, InvoiceState

FONT, BOLD = "Helvetica", "Helvetica-Bold"
GRID = colors.HexColor("#b8c2cc")
SHADE = colors.HexColor("#e8eef3")
STYLES = {
    "title": ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=20, spaceAfter=6),
    "h2": ParagraphStyle("h2", fontName=BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4),
    "body": ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12),
    "small": ParagraphStyle("small", fontName=FONT, fontSize=7.5, leading=10),
    "cell": ParagraphStyle("cell", fontName=FONT, fontSize=8.5, leading=11),
    "head": ParagraphStyle("head", fontName=BOLD, fontSize=8.5, leading=11),
}


def _winansi(text: str) -> str:
    # Helvetica (WinAnsi) has no narrow no-break space (it would print as a black box): the no-break space it has.
    return text.replace(formats.NARROW_NO_BREAK_SPACE, formats.NO_BREAK_SPACE)


def _text(value) -> str:
    return escape(_winansi(str(value or ""))).replace("\n", "<br/>")


def _cell(text: str, style: str):
    """Short lines are drawn as plain text (fast, one line per «\n»); only a line that needs wrapping makes the
    cell a Paragraph."""
    text = _winansi(str(text))
    if any(len(line) > 45 for line in text.split("\n")):
        return Paragraph(_text(text), STYLES[style])
    return text


def _grid(rows, widths, *, header=True):
    cells = [[_cell(text, "head" if header and r == 0 else "cell") for text in row] for r, row in enumerate(rows)]
    table = Table(cells, colWidths=[w * cm for w in widths], repeatRows=1 if header else 0, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 8.5),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), SHADE), ("FONT", (0, 0), (-1, 0), BOLD, 8.5)]
    table.setStyle(TableStyle(style))
    return table


def family_block(family) -> str:
    """The family's name, first guardian and postal address, as an envelope's window shows them."""
    guardian = family.guardians.order_by("position", "pk").first()
    lines = [f"Famille {family.name}"]
    if guardian:
        lines.append(str(guardian))
    lines += [family.address_line, family.address_complement, f"{family.postcode} {family.city}".strip()]
    return "\n".join(str(line) for line in lines if line)


def issuer_block(regie, municipality: str) -> str:
    """The régie's identity: collectivité, name and service, address, phone, e-mail, SIRET."""
    lines = [regie.municipality or municipality, f"{regie.name} — {regie.service_name}", regie.address]
    if regie.phone:
        lines.append(f"Tél. {regie.phone}")
    if regie.email:
        lines.append(regie.email)
    if regie.siret:
        lines.append(f"SIRET {regie.siret}")
    return "\n".join(str(line) for line in lines if line)


def _family_block(invoice: Invoice) -> str:
    return family_block(invoice.family)


def _issuer_block(invoice: Invoice, municipality: str) -> str:
    return issuer_block(invoice.regie, municipality)


def document(buffer, *, title: str, author: str, subject: str, compress: bool = True) -> SimpleDocTemplate:
    """An A4 page with the margins of every document of the régie."""
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=1.8 * cm,
        rightMargin=1.8 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=title,
        author=author,
        subject=subject,
        lang="fr-FR",
        pageCompression=1 if compress else 0,
    )


def render_invoice(invoice: Invoice, *, compress: bool = True) -> bytes:
    """The PDF of an invoice or a credit note. `compress=False` keeps the page text readable in the file."""
    regie = invoice.regie
    municipality = SiteIdentity.current_signature()["name"] or ""  # kept in the cache, as e-mails read it
    credit = invoice.nature == InvoiceNature.CREDIT_NOTE
    title = f"{'Avoir' if credit else 'Facture'} n° {invoice.number}"
    buffer = BytesIO()
    doc = document(
        buffer,
        title=title,
        author=regie.name,
        subject="Avis des sommes à payer" if not credit else "Avoir",
        compress=compress,
    )
    story = [
        _grid(
            [[_issuer_block(invoice, municipality), _family_block(invoice)]],
            [9, 8.4],
            header=False,
        ),
        Spacer(1, 10),
        Paragraph(_text(title), STYLES["title"]),
        Paragraph("Avis des sommes à payer" if not credit else "Avoir (réduction de la somme à payer)", STYLES["body"]),
        Spacer(1, 6),
    ]
    facts = [
        ["Date d'émission", formats.date_numeric(invoice.issued_on)],
        ["Echéance", formats.date_numeric(invoice.due_on) if not credit else "—"],
    ]
    if invoice.period_start:
        facts.append(["Période", formats.period(invoice.period_start, invoice.period_end)])
    if invoice.corrects_id:
        facts.append(["Facture corrigée", invoice.corrects.number])
    facts += [
        ["Code émission", invoice.emission_code],
        ["Code personnel", invoice.personal_code],
    ]
    story += [_grid(facts, [5, 12.4], header=False), Paragraph("Détail", STYLES["h2"])]
    rows = [["Enfant", "Activité", "Période", "Qté", "Prix unitaire", "Montant"]]
    for line in invoice.lines.all():
        # Two lines: both days in full do not fit the column on one.
        period = (
            f"{formats.date_numeric(line.period_start)} –\n{formats.date_numeric(line.period_end)}"
            if line.period_start
            else ""
        )
        rows.append(
            [
                line.child_name,
                line.label,
                period,
                f"{line.quantity.normalize():f}",
                formats.money(line.unit_price),
                formats.money(line.amount),
            ]
        )
    story.append(_grid(rows, [3.6, 5.2, 3.4, 1.2, 2, 2]))
    totals = [["Total", formats.money(invoice.amount)]]
    if not credit:
        totals += [
            ["Déjà réglé", formats.money(invoice.amount_paid)],
            ["Reste à payer", formats.money(invoice.left_to_pay)],
        ]
    story += [Spacer(1, 6), _grid(totals, [15.4, 2], header=False)]
    debit = None if credit else selectors.invoice_debit(invoice=invoice)
    if invoice.state == InvoiceState.PAID and not credit:
        paid_on = selectors.settled_on(invoice=invoice)
        how = " par prélèvement" if debit.debited else ""
        story.append(
            Paragraph(f"Payée{how}" + (f" le {formats.date_numeric(paid_on)}" if paid_on else "") + ".", STYLES["h2"])
        )
    elif invoice.state == InvoiceState.CANCELLED and not credit:
        story.append(Paragraph("Annulée par avoir.", STYLES["h2"]))
    elif debit and debit.upcoming:
        # The family on direct debit has nothing to do: no invitation to pay online or at the counter.
        story.append(Paragraph("Prélèvement automatique", STYLES["h2"]))
        when = f"Prélèvement le {formats.date_numeric(debit.upcoming)}"
        if invoice.debit_in_progress:
            when += " : en cours auprès de votre banque"
        story += [
            Paragraph(_text(when + "."), STYLES["body"]),
            Paragraph(
                f"Le reste à payer, {_text(formats.money(invoice.left_to_pay))}, est prélevé sur le compte de votre "
                "mandat de prélèvement : vous n'avez rien à faire.",
                STYLES["body"],
            ),
        ]
    elif invoice.left_to_pay:
        story.append(Paragraph("Comment payer", STYLES["h2"]))
        ways = []
        if regie.pays_online:
            ways.append(
                f"En ligne, par carte bancaire, depuis votre Espace facturation (Mes Factures, « Payer en ligne ») "
                f"avec la référence {_text(invoice.number)}."
            )
        ways.append(
            f"Au guichet de la régie, par chèque à l'ordre de « {_text(regie.name)} » ou en espèces, "
            f"en rappelant la référence {_text(invoice.number)}"
            + (f" : {_text(regie.counter)}" if regie.counter else ".")
        )
        story += [Paragraph("• " + way, STYLES["body"]) for way in ways]
        story.append(Paragraph(f"À régler avant le {formats.date_numeric(invoice.due_on)}.", STYLES["body"]))
    story.append(Paragraph("Mentions", STYLES["h2"]))
    story.append(
        Paragraph(
            f"Émetteur : {_text(regie.name)} ({_text(regie.municipality or municipality)}), "
            f"service {_text(regie.service_name)}.",
            STYLES["small"],
        )
    )
    if regie.mentions:
        story.append(Paragraph(_text(regie.mentions), STYLES["small"]))
    doc.build(story)
    return buffer.getvalue()
