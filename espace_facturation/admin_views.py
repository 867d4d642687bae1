"""Régisseurs' screens in the Wagtail admin: the invoicing run (its preview stored as a draft, issue, progress),
counter payments, credit notes and refunds of a family's credit. Each form confirms one action on one object
(commun.intents): submitted twice, it is carried out once."""

from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import AdminDateInput

from commun import formats, intents
from commun.parsing import parse_id
from espace_famille.dossier.models import Family

from . import credits, payments, rules, selectors, services
from .exceptions import BillingError
from .models import (
    ZERO,
    FamilyCredit,
    Invoice,
    InvoiceNature,
    InvoiceState,
    InvoicingDraft,
    InvoicingRun,
    PaymentKind,
    RefundMethod,
    Regie,
    RunState,
)
from .permissions import CREDIT_NOTE, INVOICING, RECORD_PAYMENT, REFUND, VIEW_INVOICE
from .views import invoice_pdf_response

RUN = INVOICING
CREDIT = CREDIT_NOTE


def _month_choices():
    today = timezone.localdate()
    choices = []
    year, month = today.year, today.month
    for _ in range(13):
        choices.append((f"{year}-{month:02d}", formats.month_year(date(year, month, 1))))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return choices


class PreviewForm(forms.Form):
    regie = forms.ModelChoiceField(label="Régie", queryset=Regie.objects.all(), empty_label="Choisissez une régie")
    month = forms.ChoiceField(label="Mois facturé", choices=_month_choices)

    def clean_month(self):
        year, month = self.cleaned_data["month"].split("-")
        return date(int(year), int(month), 1)


class IssueForm(forms.Form):
    issued_on = forms.DateField(
        label="Date des factures", widget=AdminDateInput, required=False, help_text="Vide : aujourd'hui."
    )


class _Permission:
    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class _Intent:
    """A form view whose POST carries out `action` on `subject()` once (commun.intents)."""

    action = ""

    def subject(self) -> str:
        raise NotImplementedError

    def done_url(self) -> str:
        """Where the first submission led: a repeat goes there and changes nothing."""
        raise NotImplementedError

    def token(self) -> str | None:
        return self.request.POST.get(intents.FIELD)

    def post(self, request, *args, **kwargs):
        # Before the form: the first submission may have made its data stale (the invoice is paid now).
        if intents.carried_out(self.token(), user=request.user):
            return self.already_done()
        return super().post(request, *args, **kwargs)

    def already_done(self):
        messages.info(self.request, intents.ALREADY_DONE)
        return redirect(self.done_url())

    def carry_out(self, form, action, then):
        """Run `action()` in one transaction with the intent, then answer `then(result)`; a refusal is said
        beside the form (400) and leaves the intent unused, for the corrected form."""
        try:
            with intents.once(self.token(), action=self.action, subject=self.subject(), user=self.request.user):
                result = action()
            return then(result)
        except intents.AlreadyDone:
            return self.already_done()
        except intents.IntentInvalid as error:
            form.add_error(None, error.message)
        except BillingError as error:
            form.add_error(self.error_field, error.message)
        return self.form_invalid(form)

    error_field = None

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["intent"] = intents.issue(action=self.action, subject=self.subject(), user=self.request.user)
        return context


@method_decorator(never_cache, name="dispatch")
class InvoicingRunView(_Permission, FormView):
    """«Facturation du mois»: choose a régie and a month; «Aperçu» stores what would be billed as a draft (the same
    draft again while nothing changed) and shows it."""

    permission = RUN
    template_name = "espace_facturation/admin/run.html"
    form_class = PreviewForm

    def get_initial(self):
        return {key: self.request.GET[key] for key in ("regie", "month") if key in self.request.GET}

    def form_valid(self, form):
        draft = services.invoicing_preview(
            regie=form.cleaned_data["regie"], month=form.cleaned_data["month"], by=self.request.user
        )
        return redirect("espace_facturation_draft", pk=draft.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            page_title="Facturation du mois",
            runs=InvoicingRun.objects.select_related("regie", "created_by")[:10],
        )
        return context


@method_decorator(never_cache, name="dispatch")
class InvoicingDraftView(_Permission, _Intent, FormView):
    """A stored preview, family by family, as it will be issued; «Émettre» starts its run, unless the planning or
    the prices changed since (then it says so and offers to compute the preview again)."""

    permission = RUN
    action = "billing.run_issue"
    template_name = "espace_facturation/admin/draft.html"
    form_class = IssueForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.draft = get_object_or_404(InvoicingDraft.objects.select_related("regie", "created_by"), pk=kwargs["pk"])

    def run(self) -> InvoicingRun | None:
        return InvoicingRun.objects.filter(draft=self.draft).first()

    def subject(self) -> str:
        return str(self.draft.pk)

    def done_url(self) -> str:
        run = self.run()
        return reverse("espace_facturation_run", args=[run.pk]) if run else self.request.path

    def form_valid(self, form):
        return self.carry_out(
            form,
            lambda: services.invoicing_run_start(
                draft=self.draft, issued_on=form.cleaned_data["issued_on"], by=self.request.user
            ),
            lambda run: redirect("espace_facturation_run", pk=run.pk),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.run()
        families = selectors.draft_families(draft=self.draft)
        context.update(
            draft=self.draft,
            run=run,
            families=families,
            to_issue=sum(1 for row in families if row.invoice_id is None),
            stale=run is None and services.draft_out_of_date(draft=self.draft),
            page_title=f"Aperçu de la facturation {self.draft.month:%m/%Y}",
        )
        return context


@method_decorator(never_cache, name="dispatch")
class InvoicingRunProgressView(_Permission, TemplateView):
    """A run's progress; the page refreshes itself (no script) until the run is over."""

    permission = RUN
    template_name = "espace_facturation/admin/run_progress.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = get_object_or_404(InvoicingRun.objects.select_related("regie", "created_by"), pk=kwargs["pk"])
        percent = round(100 * run.families_done / run.families_total) if run.families_total else 100
        context.update(
            run=run,
            percent=percent,
            running=run.state == RunState.RUNNING,
            # Not taken yet by a worker (or, without the cluster, by cron's `invoicing_run --pending`).
            waiting=run.state == RunState.RUNNING and run.started_at is None,
            page_title=f"Facturation {formats.month_year(run.month)}",
            invoices=run.invoices.select_related("family").order_by("number")[:200],
        )
        return context


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type de règlement",
        choices=[
            (PaymentKind.CHEQUE, "Chèque"),
            (PaymentKind.CASH, "Espèces"),
            (PaymentKind.DIRECT_DEBIT, "Prélèvement"),
        ],
    )
    reference = forms.CharField(label="N° du chèque ou référence", max_length=60, required=False)
    paid_on = forms.DateField(label="Date du règlement", widget=AdminDateInput, initial=timezone.localdate)
    # Checked by rules.counter_amount_problem, whose French messages say what is wrong with the amount.
    amount = forms.DecimalField(label="Montant reçu", localize=True, help_text="En euros, par exemple 84,50.")

    def __init__(self, *args, invoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.invoices = invoices
        for invoice in invoices:
            self.fields[f"invoice_{invoice.pk}"] = forms.DecimalField(
                label=(
                    f"Facture {invoice.number} du {formats.date_numeric(invoice.issued_on)} "
                    f"(reste {formats.money(invoice.left_to_pay)})"
                ),
                max_digits=10,
                decimal_places=2,
                min_value=Decimal("0"),
                max_value=invoice.left_to_pay,
                required=False,
            )

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        due = sum((invoice.left_to_pay for invoice in self.invoices), ZERO)
        problem = rules.counter_amount_problem(amount=amount, due=due, tolerance=payments.counter_tolerance())
        if problem:
            raise forms.ValidationError(problem)
        return amount

    def clean(self):
        data = super().clean()
        if data.get("kind") == PaymentKind.CHEQUE and not data.get("reference"):
            self.add_error("reference", "Indiquez le numéro du chèque.")
        shares = [data.get(f"invoice_{invoice.pk}") or ZERO for invoice in self.invoices]
        if data.get("amount") and sum(shares, ZERO) > data["amount"]:
            self.add_error("amount", "Les montants affectés aux factures dépassent le montant reçu.")
        return data

    def allocations(self) -> list[tuple[int, Decimal]] | None:
        shares = [(invoice.pk, self.cleaned_data.get(f"invoice_{invoice.pk}")) for invoice in self.invoices]
        chosen = [(pk, share) for pk, share in shares if share]
        return chosen or None


@method_decorator(never_cache, name="dispatch")
class CounterPaymentView(_Permission, _Intent, FormView):
    """«Enregistrer un règlement»: a family's payment at the counter, allocated to its invoices (the oldest
    first when no amount is given per invoice); what exceeds them becomes the family's credit."""

    permission = RECORD_PAYMENT
    action = "billing.payment_record"
    error_field = "amount"
    template_name = "espace_facturation/admin/payment.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        family_id, regie_id = parse_id(request.GET.get("family")), parse_id(request.GET.get("regie"))
        self.family = Family.objects.filter(pk=family_id).first() if family_id else None
        self.regie = (Regie.objects.filter(pk=regie_id).first() if regie_id else None) or self._family_regie()

    def _family_regie(self) -> Regie | None:
        """Without a régie asked: the one the family owes the oldest invoice to (from its «Fiche famille»)."""
        if self.family is not None:
            owed = (
                Invoice.objects.filter(
                    family=self.family,
                    nature=InvoiceNature.INVOICE,
                    state__in=(InvoiceState.TO_PAY, InvoiceState.PARTIAL),
                )
                .order_by("due_on", "pk")
                .select_related("regie")
                .first()
            )
            if owed is not None:
                return owed.regie
        return Regie.objects.first()

    def subject(self) -> str:
        return f"{self.regie.pk}:{self.family.pk}" if self.family and self.regie else ""

    def done_url(self) -> str:
        if not self.subject():
            return reverse("espace_facturation_payment")
        return f"{reverse('espace_facturation_payment')}?family={self.family.pk}&regie={self.regie.pk}"

    def open_invoices(self):
        if not (self.family and self.regie):
            return []
        return list(
            Invoice.objects.filter(family=self.family, regie=self.regie, nature=InvoiceNature.INVOICE)
            .exclude(state__in=(InvoiceState.PAID, InvoiceState.CANCELLED))
            .order_by("issued_on", "pk")
        )

    def get_form(self, form_class=None):
        return PaymentForm(**self.get_form_kwargs(), invoices=self.open_invoices())

    def form_valid(self, form):
        if not (self.family and self.regie):
            return self.form_invalid(form)
        return self.carry_out(
            form,
            lambda: payments.payment_record(
                regie=self.regie,
                family=self.family,
                kind=form.cleaned_data["kind"],
                amount=form.cleaned_data["amount"],
                paid_on=form.cleaned_data["paid_on"],
                reference=form.cleaned_data["reference"],
                allocations=form.allocations(),
                by=self.request.user,
            ),
            self.recorded,
        )

    def recorded(self, payment):
        messages.success(
            self.request,
            f"Règlement enregistré : opération n° {payment.operation_number}, {formats.money(payment.amount)}.",
        )
        return redirect(self.done_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            family=self.family,
            regie=self.regie,
            regies=Regie.objects.all(),
            families=Family.objects.filter(invoices__isnull=False, anonymised_at__isnull=True)
            .distinct()
            .order_by("name")
            .only("pk", "name", "subscriber_code"),
            page_title="Enregistrer un règlement",
        )
        return context


class CreditNoteForm(forms.Form):
    amount = forms.DecimalField(label="Montant de l'avoir", max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    reason = forms.CharField(label="Motif", max_length=150)


@method_decorator(never_cache, name="dispatch")
class CreditNoteView(_Permission, _Intent, FormView):
    """«Émettre un avoir» on an invoice: issued invoices never change, a credit note corrects them."""

    permission = CREDIT
    action = "billing.credit_note_issue"
    error_field = "amount"
    template_name = "espace_facturation/admin/credit_note.html"
    form_class = CreditNoteForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.invoice = get_object_or_404(Invoice.objects.select_related("regie", "family"), pk=kwargs["pk"])

    def subject(self) -> str:
        return str(self.invoice.pk)

    def done_url(self) -> str:
        return reverse("espace_facturation_credit_note", args=[self.invoice.pk])

    def form_valid(self, form):
        return self.carry_out(
            form,
            lambda: services.credit_note_issue(
                invoice=self.invoice,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                by=self.request.user,
            ),
            self.issued,
        )

    def issued(self, note):
        messages.success(self.request, f"Avoir {note.number} émis sur la facture {self.invoice.number}.")
        return redirect(self.done_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(invoice=self.invoice, notes=self.invoice.credit_notes.all(), page_title="Émettre un avoir")
        return context


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label="Montant remboursé", max_digits=10, decimal_places=2, min_value=Decimal("0.01"), localize=True
    )
    method = forms.ChoiceField(label="Mode de remboursement", choices=RefundMethod.choices)
    reference = forms.CharField(label="Référence (n° du virement ou du chèque)", max_length=60, required=False)


@method_decorator(never_cache, name="dispatch")
class RefundView(_Permission, _Intent, FormView):
    """«Rembourser le trop-perçu»: the régie gives a family back its credit, and says how."""

    permission = REFUND
    action = "billing.credit_refund"
    error_field = "amount"
    template_name = "espace_facturation/admin/refund.html"
    form_class = RefundForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.credit = get_object_or_404(FamilyCredit.objects.select_related("regie", "family"), pk=kwargs["pk"])

    def subject(self) -> str:
        return str(self.credit.pk)

    def done_url(self) -> str:
        return reverse("espace_facturation_refund", args=[self.credit.pk])

    def get_initial(self):
        return {"amount": self.credit.balance}

    def form_valid(self, form):
        return self.carry_out(
            form,
            lambda: credits.credit_refund(
                credit=self.credit,
                amount=form.cleaned_data["amount"],
                method=form.cleaned_data["method"],
                reference=form.cleaned_data["reference"],
                by=self.request.user,
            ),
            self.refunded,
        )

    def refunded(self, movement):
        messages.success(
            self.request,
            f"Remboursement enregistré : {formats.money(-movement.amount)} ({movement.get_method_display()}).",
        )
        return redirect(self.done_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            credit=self.credit,
            movements=self.credit.movements.select_related("payment", "invoice", "created_by")[:50],
            page_title="Rembourser le trop-perçu",
        )
        return context


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@never_cache
def invoice_pdf(request, pk):
    """The invoice's PDF for staff who may read invoices (régisseurs, instructors), whatever the family."""
    if not request.user.has_perm(VIEW_INVOICE):
        raise PermissionDenied
    return invoice_pdf_response(get_object_or_404(Invoice.objects.select_related("regie", "family"), pk=pk))


def admin_urls() -> list:
    return [
        path("facturation/factures/<int:pk>/pdf/", invoice_pdf, name="espace_facturation_invoice_pdf"),
        path("facturation/mois/", InvoicingRunView.as_view(), name="espace_facturation_run_new"),
        path("facturation/mois/apercu/<int:pk>/", InvoicingDraftView.as_view(), name="espace_facturation_draft"),
        path("facturation/mois/<int:pk>/", InvoicingRunProgressView.as_view(), name="espace_facturation_run"),
        path("facturation/reglement/", CounterPaymentView.as_view(), name="espace_facturation_payment"),
        path("facturation/factures/<int:pk>/avoir/", CreditNoteView.as_view(), name="espace_facturation_credit_note"),
        path("facturation/trop-percus/<int:pk>/rembourser/", RefundView.as_view(), name="espace_facturation_refund"),
    ]
