"""Views of the billing space: «Mes Factures», an invoice and its PDF, «Payer en ligne», «Mes Opérations»,
«Mes Règlements», and the return from (and notification of) the online payment service."""

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from commun import formats
from commun.downloads import content_disposition
from espace_famille.dossier import selectors as famille_selectors

from . import backends, payments, pdf, selectors
from .exceptions import PaymentError, PaymentInFlight
from .filters import InvoiceFilters, OperationFilters, PaymentFilters
from .mandate_pdf import render_mandate
from .models import InvoiceNature, OnlinePayment, OnlinePaymentState, PaymentBackend

logger = logging.getLogger(__name__)
PER_PAGE = 20
INVOICE_ID = re.compile(r"[0-9]{1,18}")
ESPACE = ("Espace facturation", "espace_facturation:home")


def _family(request):
    return famille_selectors.current_family(user=request.user, chosen_id=request.session.get("family_id"))


def _not_subscribed(request):
    context = {"breadcrumb": [("Espace facturation", None)], "space": "Espace facturation"}
    return render(request, "espace_famille/not_subscribed.html", context)


def _page(request, rows):
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@login_required
def home(request):
    """«Espace facturation»: its entries once subscribed, how to subscribe otherwise."""
    family = _family(request)
    if family is None:
        return _not_subscribed(request)
    to_pay = [
        invoice
        for invoice in selectors.family_invoices(family=family)
        if invoice.left_to_pay > 0 and not invoice.debit_in_progress
    ]
    context = {
        "family": family,
        "to_pay": to_pay,
        "mandates": selectors.family_mandates(family=family),
        "breadcrumb": [("Espace facturation", None)],
    }
    return render(request, "espace_facturation/home.html", context)


@never_cache
@login_required
def invoice_list(request):
    """«Mes Factures»: «Facture(s) (N Résultats)», filters «Nature» and «Année», «Télécharger», «Payer en ligne»,
    one invoice or the ones ticked."""
    family = _family(request)
    if family is None:
        return _not_subscribed(request)
    return _invoice_list_page(request, family)


def _invoice_list_page(request, family, *, refused: str = "", ticked: set[int] | None = None, status: int = 200):
    filters = InvoiceFilters(request.GET or None, years=selectors.years(family=family))
    invoices = selectors.with_debit(selectors.family_invoices(family=family))
    if filters.value("nature"):
        invoices = invoices.filter(nature=filters.value("nature"))
    if filters.value("year"):
        invoices = invoices.filter(issued_on__year=filters.value("year"))
    page, query = _page(request, invoices)
    payable = [
        invoice
        for invoice in page.object_list
        if invoice.left_to_pay and invoice.regie.pays_online and not (invoice.on_debit or invoice.debit_in_progress)
    ]
    if ticked is None:
        # All ticked when they can go together; across régies the parent chooses.
        ticked = {invoice.pk for invoice in payable} if len({i.regie_id for i in payable}) == 1 else set()
    context = {
        "family": family,
        "filters": filters,
        "page": page,
        "query": query,
        "payable": {invoice.pk for invoice in payable},
        "several": len(payable) > 1,
        "ticked": ticked,
        "refused": refused,
        "breadcrumb": [ESPACE, ("Mes Factures", None)],
    }
    return render(request, "espace_facturation/invoices.html", context, status=status)


@never_cache
@login_required
def invoice_detail(request, pk):
    invoice = selectors.invoice_for(user=request.user, pk=pk)
    in_flight = OnlinePayment.objects.filter(shares__invoice=invoice, shares__in_flight=True).first()
    context = {
        "invoice": invoice,
        "in_flight": f"{PaymentInFlight(in_flight).message} {in_flight_state(in_flight)}" if in_flight else "",
        "lines": invoice.lines.all(),
        "allocations": invoice.allocations.select_related("payment"),
        "credit_notes": invoice.credit_notes.all(),
        "credit_used": selectors.credit_used_on(invoice=invoice),
        "breadcrumb": [ESPACE, ("Mes Factures", "espace_facturation:invoices"), (f"Facture {invoice.number}", None)],
    }
    return render(request, "espace_facturation/invoice_detail.html", context)


@never_cache
@login_required
def invoice_pdf(request, pk):
    return invoice_pdf_response(selectors.invoice_for(user=request.user, pk=pk))


def invoice_pdf_response(invoice) -> HttpResponse:
    """The invoice (or credit note) as the family receives it, a PDF to download («facture-2026-0001.pdf»)."""
    name = "avoir" if invoice.nature == InvoiceNature.CREDIT_NOTE else "facture"
    response = HttpResponse(pdf.render_invoice(invoice), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{name}-{invoice.number}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
def mandate_pdf(request, pk):
    """The family's SEPA mandate with a régie, its IBAN in full (the family's own document)."""
    mandate = selectors.mandate_for(user=request.user, pk=pk)
    return mandate_pdf_response(mandate, full_iban=True)


def mandate_pdf_response(mandate, *, full_iban: bool) -> HttpResponse:
    response = HttpResponse(render_mandate(mandate, full_iban=full_iban), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"mandat-{mandate.reference}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _absolute(request, name, *args) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


def _ask_bank(payment: OnlinePayment) -> payments.Outcome:
    return backends.backend_for(payment.backend).status(payment)


@login_required
@require_POST
def invoice_pay(request, pk):
    """«Payer en ligne» of one invoice: the amount left to pay is fixed, then the parent goes to the payment service.
    While a payment of the invoice is in flight, the parent goes back to it instead: one payment at a time."""
    invoice = selectors.invoice_for(user=request.user, pk=pk)

    def refused(message: str, level: int) -> HttpResponse:
        messages.add_message(request, level, message)
        return redirect("espace_facturation:invoice_detail", pk=invoice.pk)

    return _pay_online(request, [invoice], refused)


@login_required
@require_POST
def invoices_pay(request):
    """«Payer en ligne les factures cochées» in «Mes Factures»: one payment of their sum, one transaction with the
    bank. Another family's invoice gives 404; a refusal shows the list again, the message beside it."""
    family = _family(request)
    if family is None:
        raise Http404
    values = request.POST.getlist("invoice")
    if not all(INVOICE_ID.fullmatch(value) for value in values):
        raise Http404
    asked = {int(value) for value in values}
    invoices = list(selectors.family_invoices(family=family).filter(pk__in=asked))
    if len(invoices) != len(asked):
        raise Http404

    def refused(message: str, level: int) -> HttpResponse:
        return _invoice_list_page(request, family, refused=message, ticked=asked, status=400)

    return _pay_online(request, invoices, refused)


def _pay_online(request, invoices, refused: Callable[[str, int], HttpResponse]) -> HttpResponse:
    """The one «Payer en ligne», of one invoice or of several: close the stale payments of these invoices, start one,
    send the parent to the payment service (or back to the page of the payment of these very invoices)."""
    try:
        payments.online_payments_close_stale(invoices=invoices, ask=_ask_bank)
        payment = payments.online_payment_start(invoices=invoices, by=request.user)
    except PaymentInFlight as in_flight:
        # Its bank page still lives (stale ones were closed above): back there; not opened yet, say so.
        if in_flight.payment.bank_url:
            return redirect(in_flight.payment.bank_url)
        return refused(f"{in_flight.message} {in_flight_state(in_flight.payment)}", messages.WARNING)
    except PaymentError as error:
        return refused(error.message, messages.ERROR)
    try:
        url = backends.backend_for(payment.backend).start(
            payment=payment,
            return_url=_absolute(request, "espace_facturation:payment_return", payment.order_id),
            notify_url=_absolute(request, "espace_facturation:payfip_notify"),
        )
    except Exception:  # the payment service did not answer: nothing was paid, the parent may try again later
        logger.warning("The payment service did not open online payment %s.", payment.order_id, exc_info=True)
        payments.online_payment_expire(payment=payment, reason="start_failed")
        return refused(
            "Le service de paiement en ligne ne répond pas : réessayez dans quelques minutes.", messages.ERROR
        )
    return redirect(url)


def in_flight_state(payment: OnlinePayment) -> str:
    started = formats.datetime_numeric(payment.created_at)
    return f"Commencé le {started}, il attend la réponse du service de paiement."


def _online_payment(request, order_id) -> OnlinePayment:
    return get_object_or_404(
        OnlinePayment.objects.select_related("invoice__regie", "payment"),
        order_id=order_id,
        invoice__family__subscriptions__user=request.user,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def simulator(request, order_id):
    """The demo's bank: «paiement accepté», «refusé» or «abandon», answered as the bank would notify it."""
    payment = _online_payment(request, order_id)
    if payment.backend != PaymentBackend.SIMULATOR or not settings.PAYMENT_SIMULATOR:
        raise Http404
    if request.method == "POST":
        choice = request.POST.get("choice")
        results = {"accepted": OnlinePaymentState.PAID, "refused": OnlinePaymentState.REFUSED}
        outcome = payments.Outcome(
            result=results.get(choice, OnlinePaymentState.ABANDONED),
            transaction_id=payment.order_id[:6].lower(),
            amount=payment.amount,
            raw={"simulator": choice or "abandon"},
        )
        payments.online_payment_notify(payment=payment, outcome=outcome)
        return redirect("espace_facturation:payment_return", order_id=payment.order_id)
    context = {
        "payment": payment,
        "invoices": payments.online_payment_invoices(payment),
        "breadcrumb": [ESPACE, ("Paiement en ligne", None)],
    }
    return render(request, "espace_facturation/simulator.html", context)


@never_cache
@login_required
def payment_return(request, order_id):
    """Back from the payment service: what the bank confirmed, or that confirmation is awaited."""
    payment = _online_payment(request, order_id)
    context = {
        "payment": payment,
        "invoices": payments.online_payment_invoices(payment),
        "breadcrumb": [ESPACE, ("Paiement en ligne", None)],
    }
    return render(request, "espace_facturation/payment_return.html", context)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def payfip_notify(request):
    """PayFiP's server-to-server notification: only a signal; the result is asked to PayFiP itself."""
    query = request.META.get("QUERY_STRING") or request.body.decode("ascii", "ignore")
    try:
        payment, outcome = backends.PayFiP().find(query_string=query)
    except Exception:
        return HttpResponse("erreur", status=502, content_type="text/plain")
    if payment is None:
        # An empty or unknown idop touches no payment; kept in the log for the régie to look into.
        logger.warning("PayFiP notification for no known payment (idop %r).", query[:100])
        return HttpResponse("inconnu", status=404, content_type="text/plain")
    payments.online_payment_notify(payment=payment, outcome=outcome)
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@login_required
def operations(request):
    """«Mes Opérations»: N Opération, Date, Description, Crédit, Débit, A Payer, and the running balance «Solde»;
    the balance and the credit available at the top."""
    family = _family(request)
    if family is None:
        return _not_subscribed(request)
    filters = OperationFilters(
        request.GET or None, years=selectors.years(family=family), regies=selectors.regies(family=family)
    )
    found = selectors.operations(
        family=family, nature=filters.value("nature") or "", regie_id=filters.value("regie"), year=filters.value("year")
    )
    page, query = _page(request, found.rows)
    context = {
        "family": family,
        "filters": filters,
        "page": page,
        "query": query,
        "credits": selectors.family_credits(family=family),
        "operations": found,
        "regie_chosen": bool(filters.value("regie")),
        "breadcrumb": [ESPACE, ("Mes Opérations", None)],
    }
    return render(request, "espace_facturation/operations.html", context)


@never_cache
@login_required
def payment_list(request):
    """«Mes Règlements (N Résultats)»: N Opération, Date, Description, Montant."""
    family = _family(request)
    if family is None:
        return _not_subscribed(request)
    filters = PaymentFilters(
        request.GET or None, years=selectors.years(family=family), regies=selectors.regies(family=family)
    )
    rows = selectors.family_payments(family=family)
    if filters.value("regie"):
        rows = rows.filter(regie_id=filters.value("regie"))
    if filters.value("year"):
        rows = rows.filter(paid_on__year=filters.value("year"))
    page, query = _page(request, rows)
    for payment in page.object_list:
        payment.description = payments.description(payment)
    context = {
        "family": family,
        "filters": filters,
        "page": page,
        "query": query,
        "breadcrumb": [ESPACE, ("Mes Règlements", None)],
    }
    return render(request, "espace_facturation/payments.html", context)
