"""The exports of the billing listings (invoices, payments) and of the régie's accounts (its journal, its restes à
recouvrer), registered in commun.listing_exports: amounts stay numbers. The codes printed for the family (code
personnel) stay out of them."""

from dataclasses import dataclass

from commun.listing_exports import Column, ListingExport, register

from .models import ChildcareCertificate, Invoice, Payment, Regie, Reminder
from .permissions import VIEW_ACCOUNTING

INVOICES = register(
    ListingExport(
        name="factures",
        title="Factures",
        model=Invoice,
        columns=(
            Column("Référence", "number"),
            Column("Nature", "get_nature_display"),
            Column("Famille", "family.name"),
            Column("Régie", "regie.name"),
            Column("Date", "issued_on"),
            Column("Échéance", "due_on"),
            Column("Période du", "period_start"),
            Column("Période au", "period_end"),
            Column("Montant", "amount", money=True),
            Column("Déjà réglé", "amount_paid", money=True),
            Column("Reste à payer", "left_to_pay", money=True),
            Column("État", "get_state_display"),
        ),
    )
)

PAYMENTS = register(
    ListingExport(
        name="reglements",
        title="Règlements",
        model=Payment,
        columns=(
            Column("N° opération", "operation_number"),
            Column("Date", "paid_on"),
            Column("Type de règlement", "get_kind_display"),
            Column("Référence", "reference"),
            Column("Famille", "family.name"),
            Column("Régie", "regie.name"),
            Column("Montant", "amount", money=True),
            Column("Enregistré le", "created_at"),
        ),
    )
)

REMINDERS = register(
    ListingExport(
        name="relances",
        title="Relances",
        model=Reminder,
        columns=(
            Column("Envoyée le", "sent_at"),
            Column("Facture", "invoice.number"),
            Column("Famille", "family.name"),
            Column("Régie", "regie.name"),
            Column("Relance n°", "level"),
            Column("Jours après l'échéance", "delay_days"),
            Column("Envoi", "get_channel_display"),
            Column("Destinataires", "recipients"),
            Column("Reste à payer", "amount_due", money=True),
        ),
    )
)


@dataclass(frozen=True)
class AccountsExport(ListingExport):
    """An export of the régie's accounts: read by régisseurs alone, through their own permission rather than the
    view permission of a model (instructors read invoices, not the accounts)."""

    permission: str = VIEW_ACCOUNTING

    @property
    def view_permission(self) -> str:
        return self.permission


JOURNAL = register(
    AccountsExport(
        name="journal-comptable",
        title="Journal comptable",
        model=Regie,
        columns=(
            Column("Date", "day"),
            Column("N° de pièce", "piece"),
            Column("Nature", "nature"),
            Column("Famille", "family"),
            Column("Libellé", "label"),
            Column("Compte", "account"),
            Column("Débit", "debit", money=True),
            Column("Crédit", "credit", money=True),
        ),
    )
)

CERTIFICATES = register(
    ListingExport(
        name="attestations-frais-de-garde",
        title="Attestations de frais de garde",
        model=ChildcareCertificate,
        columns=(
            Column("Année", "year"),
            Column("Enfant", "child_name"),
            Column("Date de naissance", "child_birth_date"),
            Column("Famille", "family.name"),
            Column("Régie", "regie.name"),
            Column("Sommes payées", "amount", money=True),
            Column("Établie le", "created_at"),
        ),
    )
)
ARREARS = register(
    AccountsExport(
        name="restes-a-recouvrer",
        title="État des restes à recouvrer",
        model=Regie,
        columns=(
            Column("Famille", "family"),
            Column("N° de facture", "number"),
            Column("Date d'émission", "issued_on"),
            Column("Échéance", "due_on"),
            Column("Montant", "amount", money=True),
            Column("Déjà réglé", "paid", money=True),
            Column("Reste à recouvrer", "remaining", money=True),
        ),
    )
)
