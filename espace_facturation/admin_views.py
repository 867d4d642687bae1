"""Régisseurs' screens in the Wagtail admin: the invoicing run (its preview stored as a draft, issue, progress),
where the site's history links a run and a preview; the counter's screens (payments, credit notes, refunds) are in
admin_counter.py, on the same bases. Each form confirms one action on one object (commun.intents): submitted twice,
it is carried out once."""

from datetime import date

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
from commun.admin_links import ScreenURLFinder

from . import selectors, services
from .exceptions import BillingError
from .models import (
    Invoice,
    InvoicingDraft,
    InvoicingRun,
    Regie,
    RunState,
)
from .permissions import CREDIT_NOTE, INVOICING, VIEW_INVOICE
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


class Permission:
    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class Intent:
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
class InvoicingRunView(Permission, FormView):
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
class InvoicingDraftView(Permission, Intent, FormView):
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
class InvoicingRunProgressView(Permission, TemplateView):
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


class RunURLFinder(ScreenURLFinder):
    """A run in the site's history: its progress and its invoices."""

    permission = RUN

    def url(self, instance) -> str:
        return reverse("espace_facturation_run", args=[instance.pk])


class DraftURLFinder(ScreenURLFinder):
    """A preview in the site's history: the preview, family by family (and its run, once issued)."""

    permission = RUN

    def url(self, instance) -> str:
        return reverse("espace_facturation_draft", args=[instance.pk])


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
    from .admin_counter import CounterPaymentView, CreditNoteView, RefundView

    return [
        path("facturation/factures/<int:pk>/pdf/", invoice_pdf, name="espace_facturation_invoice_pdf"),
        path("facturation/mois/", InvoicingRunView.as_view(), name="espace_facturation_run_new"),
        path("facturation/mois/apercu/<int:pk>/", InvoicingDraftView.as_view(), name="espace_facturation_draft"),
        path("facturation/mois/<int:pk>/", InvoicingRunProgressView.as_view(), name="espace_facturation_run"),
        path("facturation/reglement/", CounterPaymentView.as_view(), name="espace_facturation_payment"),
        path("facturation/factures/<int:pk>/avoir/", CreditNoteView.as_view(), name="espace_facturation_credit_note"),
        path("facturation/trop-percus/<int:pk>/rembourser/", RefundView.as_view(), name="espace_facturation_refund"),
    ]
