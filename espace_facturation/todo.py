"""The billing space's part of «À faire» (commun.todo): each invoice left to pay, the nearest due date first."""

from datetime import date

from django.urls import reverse

from commun import formats, todo
from espace_facturation.models import OPEN_STATES, Invoice, InvoiceNature


def family_todo(*, family, user, today: date) -> list[todo.Todo]:
    invoices = Invoice.objects.filter(family=family, nature=InvoiceNature.INVOICE, state__in=OPEN_STATES).order_by(
        "due_on", "pk"
    )
    items = []
    for invoice in invoices:
        left = formats.money(invoice.left_to_pay)
        if invoice.due_on < today:
            detail = f"{left}, à régler depuis le {formats.date_numeric(invoice.due_on)}"
        else:
            detail = f"{left} avant le {formats.date_numeric(invoice.due_on)}"
        items.append(
            todo.Todo(
                text=f"Facture {invoice.number} à payer",
                detail=detail,
                url=reverse("espace_facturation:invoice_detail", args=[invoice.pk]),
                action=f"Voir et payer la facture {invoice.number}",
                rank=todo.URGENT,
                by=invoice.due_on,
            )
        )
    return items
