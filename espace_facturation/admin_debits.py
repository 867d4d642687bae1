"""Régisseurs' screens of direct debit (Facturation › Prélèvements): the lots, a lot's preview and generation (its
pain.008 file to download), the rejections entered by hand or read from the bank's pain.002 return; a mandate's PDF.
Each form confirms one action on one object (commun.intents): submitted twice, it is carried out once."""

from datetime import date

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from wagtail.admin import messages

from commun import formats
from commun.downloads import content_disposition
from espace_famille.dossier.permissions import VIEW_FULL_IBAN

from . import debit_returns, debits, sepa_xml
from .admin_views import Intent, Permission
from .models import DebitBatch, DebitState, DebitTransaction, Mandate, Regie, RejectionReason
from .permissions import DEBIT, VIEW_MANDATE
from .views import mandate_pdf_response

MAX_RETURN_BYTES = 5 * 1024 * 1024


class ChooseForm(forms.Form):
    regie = forms.ModelChoiceField(
        label="Régie", queryset=Regie.objects.exclude(creditor_id=""), empty_label="Choisissez une régie"
    )
    collection_date = forms.DateField(
        label="Date de prélèvement",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Vide : la prochaine date qui a des factures à prélever.",
        error_messages={"invalid": "Saisissez une date, par exemple 15/01/2027."},
    )


@method_decorator(never_cache, name="dispatch")
class DebitBatchesView(Permission, FormView):
    """«Prélèvements»: the lots made, and the choice of a régie and a date to preview the next one."""

    permission = DEBIT
    template_name = "espace_facturation/admin/debit_batches.html"
    form_class = ChooseForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if "regie" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_bound:
            return self.render_to_response(self.get_context_data(form=form))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        regie = form.cleaned_data["regie"]
        when = form.cleaned_data["collection_date"] or debits.next_collection_date(regie=regie)
        if when is None:
            form.add_error("collection_date", "Aucune facture à prélever à venir pour cette régie.")
            return self.render_to_response(self.get_context_data(form=form), status=400)
        return redirect("espace_facturation_debit_preview", regie=regie.pk, day=when.isoformat())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            page_title="Prélèvements",
            batches=DebitBatch.objects.select_related("regie", "created_by")[:20],
        )
        return context


@method_decorator(never_cache, name="dispatch")
class DebitPreviewView(Permission, Intent, FormView):
    """A lot's «Aperçu» (families, amounts, total), then «Générer le fichier»: the lot made once."""

    permission = DEBIT
    action = "billing.debit_generate"
    template_name = "espace_facturation/admin/debit_preview.html"
    form_class = forms.Form

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.regie = get_object_or_404(Regie, pk=kwargs["regie"])
        try:
            self.day = date.fromisoformat(kwargs["day"])
        except ValueError:
            raise Http404 from None

    def subject(self) -> str:
        return f"{self.regie.pk}:{self.day.isoformat()}"

    def batch(self) -> DebitBatch | None:
        return DebitBatch.objects.filter(regie=self.regie, collection_date=self.day).first()

    def done_url(self) -> str:
        batch = self.batch()
        return reverse("espace_facturation_debit_batch", args=[batch.pk]) if batch else self.request.path

    def form_valid(self, form):
        return self.carry_out(
            form,
            lambda: debits.batch_generate(regie=self.regie, collection_date=self.day, by=self.request.user),
            lambda batch: redirect("espace_facturation_debit_batch", pk=batch.pk),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.batch()
        preview = None if batch else debits.batch_preview(regie=self.regie, collection_date=self.day)
        context.update(
            regie=self.regie,
            day=self.day,
            batch=batch,
            preview=preview,
            past=self.day < timezone.localdate(),
            page_title=f"Prélèvement du {formats.date_numeric(self.day)}",
        )
        return context


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label="Motif du rejet (code de la banque)",
        choices=[("", "Choisir…"), *RejectionReason.choices],
        error_messages={"required": "Choisissez le motif du rejet donné par la banque."},
    )


class ReturnForm(forms.Form):
    file = forms.FileField(
        label="Fichier de retour de la banque (pain.002 ou camt.054)",
        error_messages={"required": "Choisissez le fichier de retour reçu de la banque."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_RETURN_BYTES:
            raise forms.ValidationError("Ce fichier est trop gros pour un retour de prélèvement (5 Mo au plus).")
        return upload.read()


@method_decorator(never_cache, name="dispatch")
class DebitBatchView(Permission, Intent, FormView):
    """A lot: its file (download, what it says re-read), its debits and their state; the bank's return to import."""

    permission = DEBIT
    action = "billing.debit_return"
    template_name = "espace_facturation/admin/debit_batch.html"
    form_class = ReturnForm
    error_field = "file"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.batch = get_object_or_404(DebitBatch.objects.select_related("regie", "created_by"), pk=kwargs["pk"])

    def subject(self) -> str:
        return str(self.batch.pk)

    def done_url(self) -> str:
        return self.request.path

    def form_valid(self, form):
        return self.carry_out(
            form,
            lambda: debit_returns.debit_return_import(content=form.cleaned_data["file"], by=self.request.user),
            self.imported,
        )

    def imported(self, outcome):
        said = f"{len(outcome.rejected)} rejet(s) enregistré(s)."
        if outcome.already:
            said += f" Déjà traités : {', '.join(outcome.already)}."
        if outcome.unknown:
            said += f" Références inconnues : {', '.join(outcome.unknown)}."
        messages.success(self.request, said)
        return redirect(self.request.path)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            batch=self.batch,
            summary=sepa_xml.read_pain008(self.batch.xml) if self.batch.xml else None,
            transactions=self.batch.transactions.select_related("invoice", "invoice__family", "mandate"),
            rejected=DebitState.REJECTED,
            page_title=str(self.batch),
        )
        return context


@method_decorator(never_cache, name="dispatch")
class DebitRejectView(Permission, Intent, FormView):
    """«Saisir un rejet»: the bank's reason code for one debit; the invoice goes back «À payer»."""

    permission = DEBIT
    action = "billing.debit_reject"
    template_name = "espace_facturation/admin/debit_reject.html"
    form_class = RejectForm
    error_field = "reason"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.tx = get_object_or_404(
            DebitTransaction.objects.select_related("batch__regie", "invoice__family", "payment"), pk=kwargs["pk"]
        )

    def subject(self) -> str:
        return str(self.tx.pk)

    def done_url(self) -> str:
        return reverse("espace_facturation_debit_batch", args=[self.tx.batch_id])

    def form_valid(self, form):
        def then(tx):
            messages.success(self.request, f"Rejet du prélèvement de la facture {tx.invoice.number} enregistré.")
            return redirect(self.done_url())

        return self.carry_out(
            form,
            lambda: debit_returns.debit_reject(
                transaction_id=self.tx.pk, reason=form.cleaned_data["reason"], by=self.request.user
            ),
            then,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(tx=self.tx, page_title=f"Rejet du prélèvement de la facture {self.tx.invoice.number}")
        return context


@never_cache
def batch_xml(request, pk):
    """The lot's pain.008 file, as generated (and checked against the schema)."""
    if not request.user.has_perm(DEBIT):
        raise PermissionDenied
    batch = get_object_or_404(DebitBatch.objects.select_related("regie"), pk=pk)
    response = HttpResponse(batch.xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = content_disposition(
        f"prelevement-{batch.regie.pk}-{batch.collection_date:%Y-%m-%d}.xml"
    )
    return response


@never_cache
def mandate_pdf(request, pk):
    """A mandate's PDF for staff who read mandates; its IBAN in full only for whoever may read IBANs in full."""
    if not request.user.has_perm(VIEW_MANDATE):
        raise PermissionDenied
    mandate = get_object_or_404(Mandate.objects.select_related("regie", "family"), pk=pk)
    return mandate_pdf_response(mandate, full_iban=request.user.has_perm(VIEW_FULL_IBAN))


def admin_urls() -> list:
    return [
        path("facturation/prelevements/", DebitBatchesView.as_view(), name="espace_facturation_debits"),
        path(
            "facturation/prelevements/apercu/<int:regie>/<str:day>/",
            DebitPreviewView.as_view(),
            name="espace_facturation_debit_preview",
        ),
        path("facturation/prelevements/<int:pk>/", DebitBatchView.as_view(), name="espace_facturation_debit_batch"),
        path("facturation/prelevements/<int:pk>/pain008.xml", batch_xml, name="espace_facturation_debit_xml"),
        path(
            "facturation/prelevements/rejet/<int:pk>/",
            DebitRejectView.as_view(),
            name="espace_facturation_debit_reject",
        ),
        path("facturation/mandats/<int:pk>/pdf/", mandate_pdf, name="espace_facturation_mandate_pdf"),
    ]
