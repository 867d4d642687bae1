"""django-q2 callables of billing: thin wrappers around its services."""

from commun import formats

from .models import InvoicingRun
from .services import invoicing_run_execute as execute


def invoicing_run_execute(run_id: int) -> str:
    run = execute(run=InvoicingRun.objects.select_related("regie", "created_by").get(pk=run_id))
    return f"{run}: {run.invoice_count} facture(s), {formats.money(run.total_amount)}"
