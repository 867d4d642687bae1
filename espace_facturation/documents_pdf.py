"""The régie's other documents as PDFs (reportlab, like the invoice): a payment's receipt («Reçu»), the yearly
childcare certificate («attestation de frais de garde») and the reminder letter of an unpaid invoice."""

from io import BytesIO

from reportlab.platypus import Paragraph, Spacer

from commun import formats
from home.models import SiteIdentity

from . import payments
from .models import ZERO, ChildcareCertificate, Invoice, Payment, Regie, Reminder
from .pdf import STYLES, _grid, _text, document, family_block, issuer_block


def _municipality() -> str:
    return SiteIdentity.current_signature()["name"] or ""  # kept in the cache, as e-mails read it


def _head(regie: Regie, family) -> list:
    return [_grid([[issuer_block(regie, _municipality()), family_block(family)]], [9, 8.4], header=False)]


def _signature(regie: Regie, on) -> list:
    lines = [f"Fait le {formats.date_numeric(on)}, pour la régie {_text(regie.name)}."]
    if regie.signatory_name:
        signatory = _text(regie.signatory_name)
        if regie.signatory_title:
            signatory += f", {_text(regie.signatory_title)}"
        lines.append(signatory)
    return [Spacer(1, 14), *(Paragraph(line, STYLES["body"]) for line in lines)]


def _build(story: list, *, title: str, regie: Regie, subject: str, compress: bool) -> bytes:
    buffer = BytesIO()
    document(buffer, title=title, author=regie.name, subject=subject, compress=compress).build(story)
    return buffer.getvalue()


def render_receipt(payment: Payment, *, compress: bool = True) -> bytes:
    """The receipt of a payment: who paid what, when and how, and which invoices it settled (what exceeded them went
    to the family's credit)."""
    regie = payment.regie
    title = f"Reçu n° {payment.operation_number}"
    allocations = list(payment.allocations.select_related("invoice").order_by("invoice__issued_on", "invoice__pk"))
    story = [
        *_head(regie, payment.family),
        Spacer(1, 10),
        Paragraph(_text(title), STYLES["title"]),
        Paragraph(
            f"La régie {_text(regie.name)} a reçu de la famille {_text(payment.family.name)} la somme de "
            f"{_text(formats.money(payment.amount))}.",
            STYLES["body"],
        ),
        Spacer(1, 6),
        _grid(
            [
                ["N° opération", payment.operation_number],
                ["Date du règlement", formats.date_numeric(payment.paid_on)],
                ["Règlement", payments.description(payment)],
                ["Montant", formats.money(payment.amount)],
            ],
            [5, 12.4],
            header=False,
        ),
        Paragraph("Factures réglées", STYLES["h2"]),
    ]
    if allocations:
        rows = [["Facture", "Date", "Montant de la facture", "Réglé par ce règlement"]]
        rows += [
            [
                allocation.invoice.number,
                formats.date_numeric(allocation.invoice.issued_on),
                formats.money(allocation.invoice.amount),
                formats.money(allocation.amount),
            ]
            for allocation in allocations
        ]
        story.append(_grid(rows, [4.4, 3, 5, 5]))
    else:
        story.append(Paragraph("Aucune facture.", STYLES["body"]))
    credit = payment.amount - sum((allocation.amount for allocation in allocations), ZERO)
    if payment.cancelled_on:
        # Taken back by the bank (a direct debit rejected after it was paid): nothing of it settles or is credit.
        story.append(
            Paragraph(
                f"Règlement annulé le {formats.date_numeric(payment.cancelled_on)} : {_text(payment.cancel_reason)}. "
                "Les factures qu'il réglait sont de nouveau à payer.",
                STYLES["h2"],
            )
        )
    elif credit > 0:
        story.append(
            Paragraph(
                f"Trop-perçu : {_text(formats.money(credit))} mis en avoir, déduit de la prochaine facture.",
                STYLES["body"],
            )
        )
    story += _signature(regie, payment.paid_on)
    return _build(story, title=title, regie=regie, subject="Reçu de règlement", compress=compress)


def render_certificate(certificate: ChildcareCertificate, *, compress: bool = True) -> bytes:
    """The yearly certificate of childcare costs of one child, with the régie's identity and signatory."""
    regie = certificate.regie
    title = f"Attestation de frais de garde {certificate.year}"
    story = [
        *_head(regie, certificate.family),
        Spacer(1, 10),
        Paragraph(_text(title), STYLES["title"]),
        Paragraph("Frais de garde des enfants de moins de six ans", STYLES["body"]),
        Spacer(1, 6),
        Paragraph(
            f"La régie {_text(regie.name)} ({_text(regie.municipality or _municipality())}) atteste que la famille "
            f"{_text(certificate.family.name)} a payé en {certificate.year}, pour la garde de l'enfant "
            f"{_text(certificate.child_name)}, né(e) le {formats.date_numeric(certificate.child_birth_date)}, "
            f"la somme de {_text(formats.money(certificate.amount))}.",
            STYLES["body"],
        ),
        Paragraph("Détail", STYLES["h2"]),
    ]
    rows = [["Facture", "Activité", "Sommes payées"]]
    rows += [[line["number"], line["label"], formats.money(line["amount"])] for line in certificate.detail]
    rows.append(["Total", "", formats.money(certificate.amount)])
    story.append(_grid(rows, [4, 9.4, 4]))
    story.append(Paragraph("Mentions", STYLES["h2"]))
    story.append(
        Paragraph(
            "Attestation établie pour le crédit d'impôt pour frais de garde des jeunes enfants (article 200 quater B "
            "du code général des impôts) : sommes effectivement payées dans l'année, repas exclus.",
            STYLES["small"],
        )
    )
    if regie.siret:
        story.append(Paragraph(f"SIRET de la régie : {_text(regie.siret)}.", STYLES["small"]))
    story += _signature(regie, certificate.created_at)
    return _build(story, title=title, regie=regie, subject="Attestation de frais de garde", compress=compress)


def render_reminder_letter(reminder: Reminder, *, compress: bool = True) -> bytes:
    """The letter the régie posts to a family without an account: the unpaid invoice and how to pay it."""
    invoice: Invoice = reminder.invoice
    regie = reminder.regie
    title = f"Relance n° {reminder.level} — facture n° {invoice.number}"
    story = [
        *_head(regie, reminder.family),
        Spacer(1, 10),
        Paragraph(_text(title), STYLES["title"]),
        Paragraph(
            f"Sauf erreur de notre part, la facture n° {_text(invoice.number)} du "
            f"{formats.date_numeric(invoice.issued_on)}, à régler avant le {formats.date_numeric(invoice.due_on)}, "
            f"n'est pas entièrement réglée : il reste {_text(formats.money(reminder.amount_due))} à payer.",
            STYLES["body"],
        ),
        Spacer(1, 6),
        Paragraph(
            f"Merci de la régler au guichet de la régie, par chèque à l'ordre de « {_text(regie.name)} » ou en "
            f"espèces, en rappelant la référence {_text(invoice.number)}"
            + (f" : {_text(regie.counter)}" if regie.counter else "."),
            STYLES["body"],
        ),
        Paragraph("Si vous avez réglé cette facture entre-temps, ne tenez pas compte de ce courrier.", STYLES["body"]),
    ]
    story += _signature(regie, reminder.sent_at)
    return _build(story, title=title, regie=regie, subject="Relance de facture impayée", compress=compress)
