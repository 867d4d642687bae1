"""Admin of billing (régisseurs): régies (written through commun.admin_services), invoices, payments, online
payments, the invoicing run; where the site's history links each of them."""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.admin_url_finder import register_admin_url_finder
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup, modeladmin_register

from commun import todo
from commun.admin_display import DisplayAdminMixin
from commun.admin_links import RecordLinkAdminMixin
from commun.admin_services import ReadOnlyPermissionHelper, RecordAdminMixin
from commun.dashboard import ALERTS_HOOK
from commun.listing_exports import ListingExportAdminMixin
from espace_facturation import todo as family_todo
from espace_famille.dossier.family_page import AUDIT_OBJECTS_HOOK, SECTIONS_HOOK, FamilyColumnMixin

from . import admin_debits, admin_documents, admin_exports, admin_journal, admin_views, dashboard, family_page
from .models import (
    CertificateRun,
    ChildcareCertificate,
    FamilyCredit,
    Invoice,
    InvoicingDraft,
    InvoicingRun,
    Mandate,
    OnlinePayment,
    Payment,
    Regie,
    Reminder,
)
from .permissions import CERTIFICATES, DEBIT, RECORD_PAYMENT, VIEW_ACCOUNTING


class RecordsPermissionHelper(ReadOnlyPermissionHelper):
    """Money records are read in the admin, never written there, whoever the user (superusers included):
    invoices come only from invoicing runs and credit notes (numbered without a gap, under the sequence lock),
    their amounts and states only from payments and credit notes, through the services."""


class RecordsAdmin(RecordLinkAdminMixin, DisplayAdminMixin, FamilyColumnMixin, ModelAdmin):
    """Read-only: the site's history links each record to its detail screen."""

    permission_helper_class = RecordsPermissionHelper
    inspect_view_enabled = True


class RegieAdmin(DisplayAdminMixin, RecordAdminMixin, ModelAdmin):
    """A régie's identity, mentions and settings: saved and deleted through record_save / record_delete (the
    permission checked, the audit entry written); a régie that issued invoices is kept."""

    model = Regie
    menu_label = "Régies"
    menu_icon = "site"
    list_display = ("name", "service_name", "payment_backend")
    search_fields = ("name", "service_name")
    panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("name"), FieldPanel("service_name")]), FieldPanel("municipality")],
            heading="Régie",
        ),
        MultiFieldPanel(
            [FieldPanel("address"), FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]), FieldPanel("siret")],
            heading="Coordonnées imprimées sur les factures",
        ),
        MultiFieldPanel(
            [FieldPanel("due_days"), FieldPanel("counter"), FieldPanel("mentions"), FieldPanel("activities")],
            heading="Factures",
        ),
        MultiFieldPanel(
            [FieldPanel("reminder_days"), FieldRowPanel([FieldPanel("signatory_name"), FieldPanel("signatory_title")])],
            heading="Relances, reçus et attestations",
        ),
        MultiFieldPanel(
            [
                FieldPanel("payment_backend"),
                FieldRowPanel([FieldPanel("payfip_client_id"), FieldPanel("payfip_test_mode")]),
            ],
            heading="Paiement en ligne",
        ),
        MultiFieldPanel(
            [
                FieldPanel("account_products"),
                FieldRowPanel([FieldPanel("account_families"), FieldPanel("account_bank")]),
                FieldRowPanel([FieldPanel("account_cash"), FieldPanel("account_cheques")]),
            ],
            heading="Comptabilité (journal comptable)",
        ),
        MultiFieldPanel(
            [
                FieldPanel("creditor_id"),
                FieldRowPanel([FieldPanel("creditor_iban"), FieldPanel("creditor_bic")]),
                FieldRowPanel([FieldPanel("debit_notice_days"), FieldPanel("debit_rejection_fee")]),
            ],
            heading="Prélèvement SEPA",
        ),
    ]


class PastDueFilter(admin.SimpleListFilter):
    """«Échéance dépassée»: invoices still to pay after their due date (the dashboard's alert opens it)."""

    title = "échéance"
    parameter_name = dashboard.PAST_DUE

    def lookups(self, request, model_admin):
        return [("oui", "Dépassée, non réglée")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(pk__in=dashboard.unpaid_past_due(timezone.localdate()).values("pk"))
        return queryset


class InvoiceAdmin(ListingExportAdminMixin, RecordsAdmin):
    model = Invoice
    listing_export = admin_exports.INVOICES
    menu_label = "Factures"
    menu_icon = "doc-full"
    list_display = (
        "number",
        "nature",
        "family_column",
        "regie",
        "issued_on",
        "due_on",
        "amount",
        "amount_paid",
        "state",
        "pdf",
        "credit",
    )
    list_filter = ("regie", "nature", "state", PastDueFilter)
    search_fields = ("number", "family__name", "emission_code")
    # Issued invoices never change: régisseurs look at them and correct them with a credit note.
    inspect_view_fields = (
        "number",
        "nature",
        "family",
        "regie",
        "issued_on",
        "due_on",
        "period_start",
        "period_end",
        "amount",
        "amount_paid",
        "state",
        "corrects",
        "emission_code",
        "personal_code",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family", "regie")

    def pdf(self, invoice):
        return format_html(
            '<a href="{}">PDF<span class="visually-hidden"> de la {}</span></a>',
            reverse("espace_facturation_invoice_pdf", args=[invoice.pk]),
            str(invoice).lower(),
        )

    pdf.short_description = "PDF"

    def credit(self, invoice):
        if invoice.nature != "invoice":
            return ""
        return format_html(
            '<a class="button button-small button-secondary" href="{}">Émettre un avoir</a>',
            reverse("espace_facturation_credit_note", args=[invoice.pk]),
        )

    credit.short_description = "Avoir"


class PaymentAdmin(ListingExportAdminMixin, RecordsAdmin):
    model = Payment
    listing_export = admin_exports.PAYMENTS
    menu_label = "Règlements"
    menu_icon = "tick"
    list_display = ("operation_number", "paid_on", "kind", "reference", "family_column", "regie", "amount", "receipt")
    list_filter = ("regie", "kind")
    search_fields = ("operation_number", "reference", "family__name")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family", "regie")

    def receipt(self, payment):
        return format_html(
            '<a href="{}">Reçu<span class="visually-hidden"> de l\'opération {}</span></a>',
            reverse("espace_facturation_receipt", args=[payment.pk]),
            payment.operation_number,
        )

    receipt.short_description = "Reçu"


class OnlinePaymentAdmin(RecordsAdmin):
    model = OnlinePayment
    menu_label = "Paiements en ligne"
    menu_icon = "form"
    list_display = ("order_id", "created_at", "invoice", "amount", "backend", "state", "transaction_id")
    list_filter = ("state", "backend")
    search_fields = ("order_id", "transaction_id", "shares__invoice__number")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice")


class InvoicingRunAdmin(RecordsAdmin):
    model = InvoicingRun
    menu_label = "Facturations"
    menu_icon = "list-ul"
    list_display = (
        "regie",
        "month",
        "state",
        "families_done",
        "families_total",
        "invoice_count",
        "total_amount",
        "created_at",
    )
    list_filter = ("regie", "state")

    def register_admin_url_finders(self):
        register_admin_url_finder(InvoicingRun, admin_views.RunURLFinder)


class FamilyCreditAdmin(RecordsAdmin):
    """«Trop-perçus»: what each régie owes families; the balance moves only through payments, invoices and
    «Rembourser le trop-perçu»."""

    model = FamilyCredit
    menu_label = "Trop-perçus"
    menu_icon = "tick-inverse"
    list_display = ("family_column", "regie", "balance", "refund")
    list_filter = ("regie",)
    search_fields = ("family__name", "family__subscriber_code")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family", "regie")

    def refund(self, credit):
        if not credit.balance:
            return ""
        return format_html(
            '<a class="button button-small button-secondary" href="{}">Rembourser le trop-perçu</a>',
            reverse("espace_facturation_refund", args=[credit.pk]),
        )

    refund.short_description = "Remboursement"


class ReminderAdmin(ListingExportAdminMixin, RecordsAdmin):
    """«Relances»: each reminder sent, when, how and to whom; a letter to print for families without an account."""

    model = Reminder
    listing_export = admin_exports.REMINDERS
    menu_label = "Relances"
    menu_icon = "warning"
    list_display = ("sent_at", "invoice", "family_column", "regie", "level", "channel", "amount_due", "letter")
    list_filter = ("regie", "level", "channel")
    search_fields = ("invoice__number", "family__name")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family", "regie", "invoice")

    def letter(self, reminder):
        return format_html(
            '<a href="{}">Courrier<span class="visually-hidden"> de la relance n° {} de la facture {}</span></a>',
            reverse("espace_facturation_reminder_letter", args=[reminder.pk]),
            reminder.level,
            reminder.invoice.number,
        )

    letter.short_description = "Courrier (PDF)"


class CertificateAdmin(ListingExportAdminMixin, RecordsAdmin):
    """The childcare certificates made, by year: the family downloads them from «Mes attestations»."""

    model = ChildcareCertificate
    listing_export = admin_exports.CERTIFICATES
    menu_label = "Attestations de garde"
    menu_icon = "doc-full-inverse"
    list_display = ("year", "child_name", "family_column", "regie", "amount", "pdf")
    list_filter = ("year", "regie")
    search_fields = ("child_name", "family__name")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family", "regie")

    def pdf(self, certificate):
        return format_html(
            '<a href="{}">PDF<span class="visually-hidden"> de l\'attestation {} de {}</span></a>',
            reverse("espace_facturation_certificate_pdf", args=[certificate.pk]),
            certificate.year,
            certificate.child_name,
        )

    pdf.short_description = "PDF"


class MandateAdmin(RecordsAdmin):
    """«Mandats»: made and amended from the families' accepted bank details, never edited here."""

    model = Mandate
    menu_label = "Mandats"
    menu_icon = "form"
    list_display = ("reference", "family_column", "regie", "signed_on", "sequence", "active", "pdf")
    list_filter = ("regie", "active")
    search_fields = ("reference", "family__name")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family", "regie")

    def pdf(self, mandate):
        return format_html(
            '<a href="{}">PDF<span class="visually-hidden"> du mandat {}</span></a>',
            reverse("espace_facturation_mandate_pdf", args=[mandate.pk]),
            mandate.reference,
        )

    pdf.short_description = "PDF"


@modeladmin_register
class BillingGroup(ModelAdminGroup):
    menu_label = "Facturation"
    menu_icon = "doc-full"
    menu_order = 210
    items = (
        RegieAdmin,
        InvoiceAdmin,
        PaymentAdmin,
        OnlinePaymentAdmin,
        FamilyCreditAdmin,
        InvoicingRunAdmin,
        ReminderAdmin,
        CertificateAdmin,
        MandateAdmin,
    )

    def get_submenu_items(self):
        items = super().get_submenu_items()
        extra = [
            admin_views.PermissionMenuItem(
                "Facturation du mois",
                reverse("espace_facturation_run_new"),
                name="facturation-du-mois",
                icon_name="doc-full",
                order=1,
                permission=admin_views.RUN,
            ),
            admin_views.PermissionMenuItem(
                "Enregistrer un règlement",
                reverse("espace_facturation_payment"),
                name="enregistrer-un-reglement",
                icon_name="tick",
                order=2,
                permission=RECORD_PAYMENT,
            ),
            admin_views.PermissionMenuItem(
                "Journal comptable",
                reverse("espace_facturation_journal"),
                name="journal-comptable",
                icon_name="list-ul",
                order=3,
                permission=VIEW_ACCOUNTING,
            ),
            admin_views.PermissionMenuItem(
                "État des restes à recouvrer",
                reverse("espace_facturation_arrears"),
                name="restes-a-recouvrer",
                icon_name="warning",
                order=4,
                permission=VIEW_ACCOUNTING,
            ),
            admin_views.PermissionMenuItem(
                "Prélèvements",
                reverse("espace_facturation_debits"),
                name="prelevements",
                icon_name="tick",
                order=5,
                permission=DEBIT,
            ),
            admin_views.PermissionMenuItem(
                "Établir les attestations",
                reverse("espace_facturation_certificates"),
                name="etablir-les-attestations",
                icon_name="doc-full-inverse",
                order=6,
                permission=CERTIFICATES,
            ),
        ]
        return [*extra, *items]


hooks.register("register_admin_urls", admin_views.admin_urls)
hooks.register("register_admin_urls", admin_journal.admin_urls)
hooks.register("register_admin_urls", admin_documents.admin_urls)
register_admin_url_finder(CertificateRun, admin_documents.CertificateRunURLFinder)
hooks.register("register_admin_urls", admin_debits.admin_urls)
register_admin_url_finder(InvoicingDraft, admin_views.DraftURLFinder)


@hooks.register("register_log_actions")
def register_billing_log_actions(actions):
    for action, label in (
        ("portail.invoice.issue", "Facture émise"),
        ("portail.invoice.credit", "Avoir émis"),
        ("portail.invoicing.preview", "Aperçu de facturation calculé"),
        ("portail.invoicing.start", "Facturation lancée"),
        ("portail.invoicing.done", "Facturation terminée"),
        ("portail.payment.record", "Règlement enregistré"),
        ("portail.payment.cancel", "Règlement annulé"),
        ("portail.online_payment.start", "Paiement en ligne commencé"),
        ("portail.online_payment.paid", "Paiement en ligne accepté"),
        ("portail.online_payment.refused", "Paiement en ligne refusé"),
        ("portail.online_payment.abandoned", "Paiement en ligne abandonné"),
        ("portail.online_payment.amount_mismatch", "Paiement en ligne : montant différent"),
        ("portail.online_payment.expired", "Paiement en ligne expiré"),
        ("portail.credit.overpayment", "Trop-perçu mis en avoir"),
        ("portail.credit.used", "Avoir déduit d'une facture"),
        ("portail.credit.refund", "Trop-perçu remboursé"),
        ("portail.invoice.reminder", "Relance de facture envoyée"),
        ("portail.certificate.issue", "Attestation de frais de garde établie"),
        ("portail.certificates.start", "Attestations de frais de garde lancées"),
        ("portail.certificates.done", "Attestations de frais de garde terminées"),
        ("portail.mandate.create", "Mandat de prélèvement créé"),
        ("portail.mandate.amend", "Mandat de prélèvement amendé (nouveau compte)"),
        ("portail.mandate.revoke", "Mandat de prélèvement révoqué"),
        ("portail.debit.notice", "Prélèvement pré-notifié"),
        ("portail.debit.batch", "Lot de prélèvement généré"),
        ("portail.debit.settle", "Lot de prélèvement réglé"),
        ("portail.debit.reject", "Prélèvement rejeté"),
    ):
        actions.register_action(action, label, label)


hooks.register(ALERTS_HOOK, dashboard.alerts)
hooks.register(SECTIONS_HOOK, family_page.section)
hooks.register(AUDIT_OBJECTS_HOOK, family_page.audit_objects)

# «À faire» (commun.todo)
hooks.register(todo.TODO_HOOK, family_todo.family_todo)
