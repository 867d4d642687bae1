"""The emails of the billing space and their default texts."""

from datetime import date
from decimal import Decimal

from commun import formats
from notifications.kinds import EmailKind

CONTACT_LINE = (
    "Pour toutes informations complémentaires, vous pouvez contacter notre service au {{ telephone }}, {{ horaires }}."
)

KINDS = [
    EmailKind(
        slug="invoice_issued",
        label="Nouvelle facture",
        subject="Portail citoyen : votre facture {{ numero }}",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "Votre facture n° {{ numero }} de {{ periode }} est disponible dans votre Espace facturation.\n\n"
            "Emetteur : {{ regie }}\nMontant : {{ montant }}\nEchéance : {{ echeance }}\n\n"
            "Vous pouvez la télécharger et la payer en ligne depuis Mes Factures."
        ),
        button_label="Mes Factures",
        button_url_key="lien",
        zone=CONTACT_LINE,
        placeholders={
            "numero": "Numéro de la facture («2026-0001»)",
            "regie": "Régie émettrice («Regie BL Enfance»)",
            "montant": "Montant («43,00 €»)",
            "echeance": "Date d'échéance («11/01/2027»)",
            "periode": "Mois facturé («novembre 2026»)",
            "lien": "Adresse de la facture dans l'Espace facturation",
        },
        sample={
            "numero": "2026-0001",
            "regie": "Regie BL Enfance",
            "montant": formats.money(Decimal("43")),
            "echeance": formats.date_numeric(date(2027, 1, 11)),
            "periode": formats.month_year(date(2026, 11, 1)),
            "lien": "https://portail.example.org/espace-facturation/factures/1/",
        },
    ),
    EmailKind(
        slug="payment_received",
        label="Règlement enregistré",
        subject="Portail citoyen : règlement de {{ montant }} enregistré",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "Nous avons bien reçu votre règlement de {{ montant }} ({{ description }}) le {{ date }}, "
            "opération n° {{ operation }}.\n\n"
            "{{ factures }}"
        ),
        button_label="Mes Règlements",
        button_url_key="lien",
        zone=CONTACT_LINE,
        placeholders={
            "montant": "Montant réglé («65,00 €»)",
            "description": "Type de règlement («Règlement en ligne - Transaction n°3fd945»)",
            "date": "Date du règlement",
            "operation": "Numéro d'opération",
            "factures": "Les factures réglées et ce qui reste à payer",
            "lien": "Adresse de Mes Règlements",
        },
        sample={
            "montant": formats.money(Decimal("65")),
            "description": "Règlement en ligne - Transaction n°3fd945",
            "date": formats.date_numeric(date(2026, 10, 10)),
            "operation": "99260250",
            "factures": "Facture 2026-0001 : réglée.",
            "lien": "https://portail.example.org/espace-facturation/reglements/",
        },
    ),
    EmailKind(
        slug="invoice_reminder",
        label="Relance de facture impayée",
        subject="Portail citoyen : rappel, facture {{ numero }} à régler",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "Sauf erreur de notre part, votre facture n° {{ numero }} ({{ regie }}), à régler avant le "
            "{{ echeance }}, n'est pas entièrement réglée : il reste {{ reste }} à payer.\n\n"
            "Vous pouvez la payer en ligne depuis Mes Factures, ou au guichet de la régie.\n\n"
            "Si vous l'avez réglée entre-temps, ne tenez pas compte de ce message."
        ),
        button_label="Payer ma facture",
        button_url_key="lien",
        zone=CONTACT_LINE,
        placeholders={
            "numero": "Numéro de la facture («2026-0001»)",
            "regie": "Régie émettrice («Regie BL Enfance»)",
            "montant": "Montant de la facture («43,00 €»)",
            "reste": "Reste à payer («43,00 €»)",
            "echeance": "Date d'échéance («11/01/2027»)",
            "relance": "Numéro de la relance (1 pour la première)",
            "lien": "Adresse de la facture dans l'Espace facturation",
        },
        sample={
            "numero": "2026-0001",
            "regie": "Regie BL Enfance",
            "montant": formats.money(Decimal("43")),
            "reste": formats.money(Decimal("43")),
            "echeance": formats.date_numeric(date(2027, 1, 11)),
            "relance": "1",
            "lien": "https://portail.example.org/espace-facturation/factures/1/",
        },
    ),
]
