"""Reads of the billing space."""

from decimal import Decimal

from espace_famille.models import Family

from .models import Invoice


def family_by_invoice_references(
    *, emission_code: str, reference: str, amount: Decimal, personal_code: str
) -> Family | None:
    """The family an invoice was sent to, when all four references printed on it match."""
    invoice = (
        Invoice.objects.filter(
            emission_code__iexact=emission_code.strip(),
            number__iexact=reference.strip(),
            amount=amount,
            personal_code__iexact=personal_code.strip(),
        )
        .select_related("family")
        .first()
    )
    return invoice.family if invoice else None
