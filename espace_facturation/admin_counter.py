"""Régisseurs' screens at the counter, in the Wagtail admin: a family's payment allocated to its invoices, credit
notes and refunds of a family's credit. Each form confirms one action on one object (commun.intents): submitted
twice, it is carried out once."""

from decimal import Decimal

from django import forms
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.widgets import AdminDateInput

from commun import formats
from commun.parsing import parse_id
from espace_famille.dossier.models import Family

from . import credits, payments, rules, services
from .admin_views import CREDIT, Intent, Permission
from .models import (
    OPEN_STATES,
    ZERO,
    FamilyCredit,
    Invoice,
    InvoiceNature,
    InvoiceState,
    PaymentKind,
    RefundMethod,
    Regie,
)
from .permissions import RECORD_PAYMENT, REFUND


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
class CounterPaymentView(Permission, Intent, FormView):
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
                    state__in=OPEN_STATES,
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
            buttons=[messages.button(reverse("espace_facturation_receipt", args=[payment.pk]), "Imprimer le reçu")],
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
class CreditNoteView(Permission, Intent, FormView):
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
class RefundView(Permission, Intent, FormView):
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
