"""The exports of the billing listings (invoices, payments), registered in commun.listing_exports: amounts stay
numbers. The codes printed for the family (code personnel) stay out of them."""

from commun.listing_exports import Column, ListingExport, register

from .models import Invoice, Payment

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
