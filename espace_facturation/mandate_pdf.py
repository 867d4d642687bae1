"""The SEPA direct-debit mandate as a PDF: the mentions the SEPA rulebook asks of a CORE mandate, the family's copy."""

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from commun import formats
from espace_famille.dossier.rules import format_iban, mask_iban

from .models import Mandate
from .pdf import STYLES, _grid, _text

AUTHORISATION = (
    "En signant ce formulaire de mandat, vous autorisez {creditor} à envoyer des instructions à votre banque pour "
    "débiter votre compte, et votre banque à débiter votre compte conformément aux instructions de {creditor}. "
    "Vous bénéficiez du droit d'être remboursé par votre banque selon les conditions décrites dans la convention que "
    "vous avez passée avec elle. Une demande de remboursement doit être présentée dans les 8 semaines suivant la date "
    "de débit de votre compte pour un prélèvement autorisé."
)


def render_mandate(mandate: Mandate, *, full_iban: bool) -> bytes:
    """The mandate of a family with a régie. `full_iban` is for the family itself and for staff who may read IBANs in
    full; anyone else reads it masked."""
    regie, family = mandate.regie, mandate.family
    creditor = regie.municipality or regie.name
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=1.8 * cm,
        rightMargin=1.8 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=f"Mandat de prélèvement SEPA {mandate.reference}",
        author=regie.name,
        lang="fr-FR",
    )
    iban = format_iban(mandate.iban) if full_iban else mask_iban(mandate.iban)
    address = "\n".join(
        line
        for line in (family.address_line, family.address_complement, f"{family.postcode} {family.city}".strip())
        if line
    )
    story = [
        Paragraph("Mandat de prélèvement SEPA", STYLES["title"]),
        Paragraph("Prélèvement SEPA CORE, paiement récurrent", STYLES["body"]),
        Spacer(1, 6),
        _grid(
            [
                ["Référence unique du mandat (RUM)", mandate.reference],
                ["Type de paiement", "Récurrent"],
                ["Date de signature", formats.date_numeric(mandate.signed_on)],
                ["État", "Actif" if mandate.active else f"Révoqué le {formats.date_numeric(mandate.revoked_on)}"],
            ],
            [6, 11.4],
            header=False,
        ),
        Paragraph("Créancier", STYLES["h2"]),
        _grid(
            [
                ["Nom", f"{creditor} — {regie.name}"],
                ["Identifiant créancier SEPA (ICS)", regie.creditor_id],
                ["Adresse", regie.address or "—"],
            ],
            [6, 11.4],
            header=False,
        ),
        Paragraph("Débiteur", STYLES["h2"]),
        _grid(
            [
                ["Titulaire du compte", mandate.account_holder],
                ["Adresse", address or "—"],
                ["IBAN", iban],
                ["BIC", mandate.bic],
            ],
            [6, 11.4],
            header=False,
        ),
        Spacer(1, 8),
        Paragraph(_text(AUTHORISATION.format(creditor=creditor)), STYLES["body"]),
        Spacer(1, 6),
        Paragraph(
            "Vos droits concernant ce mandat sont expliqués dans un document que vous pouvez obtenir auprès de votre "
            "banque. Vous êtes prévenu(e) du montant et de la date de chaque prélèvement au moins "
            f"{regie.debit_notice_days} jours avant.",
            STYLES["small"],
        ),
    ]
    amendments = list(mandate.amendments.all())
    if amendments:
        story.append(Paragraph("Modifications du mandat", STYLES["h2"]))
        rows = [["Date", "Ancien compte", "Nouveau compte"]]
        rows += [[formats.date_numeric(a.amended_on), a.old_iban, a.new_iban] for a in amendments]
        story.append(_grid(rows, [3, 7.2, 7.2]))
    document.build(story)
    return buffer.getvalue()
