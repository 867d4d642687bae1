"""Régisseurs' screens for the families' documents, in the Wagtail admin: a payment's receipt printed at the
counter, «Attestations de frais de garde» (the year's run and its progress), a certificate's PDF and a reminder's
letter. The run's form confirms one action (commun.intents): submitted twice, it starts one run."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from commun.admin_links import ScreenURLFinder

from . import certificates, documents_pdf
from .admin_views import Intent, Permission
from .documents_views import certificate_response, pdf_response, receipt_response
from .models import CertificateRun, ChildcareCertificate, Payment, Reminder, RunState
from .permissions import CERTIFICATES, VIEW_CERTIFICATE, VIEW_PAYMENT, VIEW_REMINDER


def _year_choices():
    this_year = timezone.localdate().year
    return [(year, str(year)) for year in range(this_year, this_year - 6, -1)]


class CertificateRunForm(forms.Form):
    year = forms.TypedChoiceField(label="Année des paiements", coerce=int, choices=_year_choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1


@method_decorator(never_cache, name="dispatch")
class CertificateRunView(Permission, Intent, FormView):
    """«Attestations de frais de garde»: choose the year, «Établir les attestations» queues the run for a worker;
    the page lists the last runs."""

    permission = CERTIFICATES
    action = "billing.certificates_run"
    error_field = "year"
    template_name = "espace_facturation/admin/certificates.html"
    form_class = CertificateRunForm

    def subject(self) -> str:
        return "certificates"

    def done_url(self) -> str:
        run = CertificateRun.objects.filter(created_by=self.request.user).first()
        return reverse("espace_facturation_certificate_run", args=[run.pk]) if run else self.request.path

    def form_valid(self, form):
        return self.carry_out(
            form,
            lambda: certificates.certificate_run_start(year=form.cleaned_data["year"], by=self.request.user),
            lambda run: redirect("espace_facturation_certificate_run", pk=run.pk),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            page_title="Attestations de frais de garde",
            runs=CertificateRun.objects.select_related("created_by")[:10],
        )
        return context


@method_decorator(never_cache, name="dispatch")
class CertificateRunProgressView(Permission, TemplateView):
    """A run's progress; the page refreshes itself (no script) until the run is over."""

    permission = CERTIFICATES
    template_name = "espace_facturation/admin/certificate_run.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = get_object_or_404(CertificateRun.objects.select_related("created_by"), pk=kwargs["pk"])
        percent = round(100 * run.families_done / run.families_total) if run.families_total else 100
        context.update(
            run=run,
            percent=percent,
            running=run.state == RunState.RUNNING,
            waiting=run.state == RunState.RUNNING and run.started_at is None,
            page_title=f"Attestations de frais de garde {run.year}",
        )
        return context


class CertificateRunURLFinder(ScreenURLFinder):
    """A run in the site's history: its progress."""

    permission = CERTIFICATES

    def url(self, instance) -> str:
        return reverse("espace_facturation_certificate_run", args=[instance.pk])


def _staff(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


@never_cache
def payment_receipt(request, pk):
    """A payment's receipt, printed at the counter for the family, whatever the family."""
    _staff(request, VIEW_PAYMENT)
    return receipt_response(get_object_or_404(Payment.objects.select_related("regie", "family"), pk=pk))


@never_cache
def certificate_pdf(request, pk):
    _staff(request, VIEW_CERTIFICATE)
    return certificate_response(
        get_object_or_404(ChildcareCertificate.objects.select_related("regie", "family"), pk=pk)
    )


@never_cache
def reminder_letter(request, pk):
    """The letter of a reminder, to print and post (families without an account), or to read again."""
    _staff(request, VIEW_REMINDER)
    reminder = get_object_or_404(Reminder.objects.select_related("regie", "family", "invoice"), pk=pk)
    return pdf_response(
        documents_pdf.render_reminder_letter(reminder), f"relance-{reminder.level}-{reminder.invoice.number}.pdf"
    )


def admin_urls() -> list:
    return [
        path("facturation/reglements/<int:pk>/recu/", payment_receipt, name="espace_facturation_receipt"),
        path("facturation/attestations/", CertificateRunView.as_view(), name="espace_facturation_certificates"),
        path(
            "facturation/attestations/campagne/<int:pk>/",
            CertificateRunProgressView.as_view(),
            name="espace_facturation_certificate_run",
        ),
        path("facturation/attestations/<int:pk>/pdf/", certificate_pdf, name="espace_facturation_certificate_pdf"),
        path("facturation/relances/<int:pk>/courrier/", reminder_letter, name="espace_facturation_reminder_letter"),
    ]
