"""The «Factures et règlements» part of the «Fiche famille»: what the family owes and holds as credit, its latest
invoices (each opening its PDF and its record) and payments. A fixed number of queries."""

from django.db.models import DecimalField, ExpressionWrapper, F, Sum

from espace_famille.dossier.family_page import FamilySection

from .models import OPEN_STATES, ZERO, FamilyCredit, Invoice, InvoiceNature, Payment
from .permissions import VIEW_INVOICE

SHOWN = 24


class BillingSection(FamilySection):
    order = 70
    heading = "Factures et règlements"
    template_name = "espace_facturation/admin/family_billing.html"


def _left_to_pay(family) -> ZERO:
    left = ExpressionWrapper(F("amount") - F("amount_paid"), output_field=DecimalField(max_digits=12, decimal_places=2))
    return (
        Invoice.objects.filter(family=family, nature=InvoiceNature.INVOICE, state__in=OPEN_STATES).aggregate(
            left=Sum(left)
        )["left"]
        or ZERO
    )


def section(request, family):
    if not request.user.has_perm(VIEW_INVOICE):
        return None
    invoices = list(Invoice.objects.filter(family=family).select_related("regie").order_by("-issued_on", "-pk")[:SHOWN])
    payments = list(Payment.objects.filter(family=family).select_related("regie").order_by("-paid_on", "-pk")[:SHOWN])
    credit = FamilyCredit.objects.filter(family=family).aggregate(total=Sum("balance"))["total"] or ZERO
    return BillingSection(
        family,
        invoices=invoices,
        payments=payments,
        left_to_pay=_left_to_pay(family),
        credit=credit,
        shown=SHOWN,
        can_record_payment=request.user.has_perm("espace_facturation.add_payment"),
    )


def audit_objects(family):
    return [(Invoice, Invoice.objects.filter(family=family)), (Payment, Payment.objects.filter(family=family))]
