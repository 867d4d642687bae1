"""The e-mails of direct debit and their default texts: the pre-notice of a debit, a rejected debit."""

from datetime import date
from decimal import Decimal

from commun import formats
from notifications.kinds import EmailKind

from .emails import CONTACT_LINE

KINDS = [
    EmailKind(
        slug="debit_notice",
        label="Pré-notification de prélèvement",
        subject="Portail citoyen : prélèvement de {{ montant }} le {{ date_prelevement }}",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "Votre facture n° {{ numero }} ({{ regie }}) sera prélevée sur votre compte le {{ date_prelevement }}.\n\n"
            "Montant : {{ montant }}\nRéférence du mandat (RUM) : {{ rum }}\n"
            "Identifiant créancier (ICS) : {{ ics }}\n\n"
            "Vous n'avez rien à faire : veillez seulement à ce que votre compte soit approvisionné à cette date."
        ),
        button_label="Voir la facture",
        button_url_key="lien",
        zone=CONTACT_LINE,
        placeholders={
            "numero": "Numéro de la facture («2026-0001»)",
            "regie": "Régie émettrice («Regie BL Enfance»)",
            "montant": "Montant prélevé («43,00 €»)",
            "date_prelevement": "Date du prélèvement («15/01/2027»)",
            "rum": "Référence unique du mandat",
            "ics": "Identifiant créancier SEPA de la régie",
            "lien": "Adresse de la facture dans l'Espace facturation",
        },
        sample={
            "numero": "2026-0001",
            "regie": "Regie BL Enfance",
            "montant": formats.money(Decimal("43")),
            "date_prelevement": formats.date_numeric(date(2027, 1, 15)),
            "rum": "PF001F00000421A2B3C4D",
            "ics": "FR12ZZZ123456",
            "lien": "https://portail.example.org/espace-facturation/factures/1/",
        },
    ),
    EmailKind(
        slug="debit_rejected",
        label="Prélèvement rejeté",
        subject="Portail citoyen : le prélèvement de votre facture {{ numero }} a été rejeté",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "Votre banque a rejeté le prélèvement de {{ montant }} du {{ date_prelevement }} pour la facture "
            "n° {{ numero }} ({{ regie }}), motif : {{ motif }}.\n\n"
            "La facture est de nouveau à payer : vous pouvez la régler en ligne ou au guichet. {{ frais }}"
        ),
        button_label="Voir la facture",
        button_url_key="lien",
        zone=CONTACT_LINE,
        placeholders={
            "numero": "Numéro de la facture",
            "regie": "Régie émettrice",
            "montant": "Montant du prélèvement rejeté",
            "date_prelevement": "Date du prélèvement",
            "motif": "Motif donné par la banque («Provision insuffisante»)",
            "frais": "La phrase des frais de rejet facturés, vide sans frais",
            "lien": "Adresse de la facture dans l'Espace facturation",
        },
        sample={
            "numero": "2026-0001",
            "regie": "Regie BL Enfance",
            "montant": formats.money(Decimal("43")),
            "date_prelevement": formats.date_numeric(date(2027, 1, 15)),
            "motif": "Provision insuffisante",
            "frais": "Des frais de rejet de 5,00 € vous sont facturés (facture 2027-0012).",
            "lien": "https://portail.example.org/espace-facturation/factures/1/",
        },
    ),
]
