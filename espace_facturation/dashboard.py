"""The dashboard's billing alerts, for régisseurs: invoices past their due date, and past months with days to
bill that no invoicing run has billed yet. Two queries, whatever the number of invoices and bookings."""

from datetime import date

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from commun import formats
from commun.dashboard import CRITICAL, WARNING, Alert
from espace_famille.planning import rules as planning_rules
from espace_famille.planning.models import Booking

from .models import OPEN_STATES, ZERO, Invoice, InvoiceNature
from .permissions import INVOICING, VIEW_INVOICE

# How far back a month left unbilled is still reported.
MONTHS_BACK = 3
PAST_DUE = "echeance"


def unpaid_past_due(today: date):
    return Invoice.objects.filter(nature=InvoiceNature.INVOICE, state__in=OPEN_STATES, due_on__lt=today)


def _past_due_alert(today: date) -> Alert | None:
    left = ExpressionWrapper(F("amount") - F("amount_paid"), output_field=DecimalField(max_digits=12, decimal_places=2))
    totals = unpaid_past_due(today).aggregate(count=Count("pk"), left=Sum(left))
    count = totals["count"]
    if not count:
        return None
    plural = "s" if count > 1 else ""
    return Alert(
        title=f"{count} facture{plural} échue{plural} non réglée{plural}",
        detail=f"{formats.money(totals['left'] or ZERO)} restent à recouvrer.",
        url=f"{reverse('espace_facturation_invoice_modeladmin_index')}?{urlencode({PAST_DUE: 'oui'})}",
        level=CRITICAL,
    )


def _first_of_month(day: date, back: int) -> date:
    month = day.month - back
    year = day.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


def _unbilled_alerts(today: date) -> list[Alert]:
    this_month = today.replace(day=1)
    since = _first_of_month(today, MONTHS_BACK)
    rows = (
        Booking.objects.filter(day__gte=since, day__lt=this_month, state__in=planning_rules.BILLED, billed__isnull=True)
        .annotate(month=TruncMonth("day"))
        .values_list("activity__regies", "activity__regies__name", "month")
        .annotate(days=Count("pk"))
        .order_by("month", "activity__regies__name")
    )
    alerts = []
    for regie_id, regie_name, month, days in rows:
        if regie_id is None:
            continue
        month = month.date() if hasattr(month, "date") else month
        query = urlencode({"regie": regie_id, "month": f"{month:%Y-%m}"})
        alerts.append(
            Alert(
                title=f"{formats.month_year(month).capitalize()} n'est pas encore facturé — {regie_name}",
                detail=f"{days} jour{'s' if days > 1 else ''} à facturer.",
                url=f"{reverse('espace_facturation_run_new')}?{query}",
                level=WARNING,
            )
        )
    return alerts


def alerts(request) -> list[Alert]:
    user = request.user
    today = timezone.localdate()
    found = []
    if user.has_perm(VIEW_INVOICE) and user.has_perm(INVOICING):
        if alert := _past_due_alert(today):
            found.append(alert)
        found += _unbilled_alerts(today)
    return found
