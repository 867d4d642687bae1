"""The personal data of billing in the registry: invoices and payments, kept ten years for public accounting;
invoicing drafts, the régie's working copies, kept a few months."""

from commun.personal_data import (
    ANONYMOUS,
    After,
    Anonymise,
    Delete,
    PersonalData,
    Section,
    WithFamily,
    exempt,
    register,
)

from . import export
from .models import (
    BilledDay,
    CreditMovement,
    FamilyCredit,
    Invoice,
    InvoiceLine,
    InvoicingDraft,
    InvoicingDraftDay,
    InvoicingDraftFamily,
    InvoicingDraftLine,
    InvoicingRun,
    OnlinePayment,
    Payment,
    PaymentAllocation,
    Regie,
)

# Public accounting keeps invoices and payments ten years (leap days included); then the rows keep their amounts
# and lose what names a person.
LEGAL_DAYS = 3653
LEGAL = "après {days} jours, durée de la comptabilité publique"
# A draft has served once its month is invoiced (or was left for a newer one): what it issued lives on in the invoices.
DRAFT_DAYS = 92
DRAFT = "aperçu calculé il y a plus de {days} jours"


def register_all() -> None:
    register(
        PersonalData(
            Invoice,
            family="family",
            activity="issued_on",
            rules=(After(LEGAL_DAYS, "issued_on", Anonymise({"personal_code": ""}), LEGAL),),
            export=Section(
                "invoices",
                export.collect_invoices,
                export.render_invoices,
                "les factures et leurs lignes",
            ),
        ),
        PersonalData(
            InvoiceLine,
            family="invoice__family",
            rules=(After(LEGAL_DAYS, "invoice__issued_on", Anonymise({"child_name": ANONYMOUS}), LEGAL),),
            export="invoices",
        ),
        PersonalData(
            Payment,
            family="family",
            activity="paid_on",
            rules=(After(LEGAL_DAYS, "paid_on", Anonymise({"reference": ""}), LEGAL),),
            export=Section(
                "payments",
                export.collect_payments,
                export.render_payments,
                "les règlements et les factures qu'ils ont réglées",
            ),
        ),
        PersonalData(
            OnlinePayment,
            family="invoice__family",
            rules=(After(LEGAL_DAYS, "created_at", Anonymise({"email": "", "responses": []}), LEGAL),),
            export=Section(
                "online_payments",
                export.collect_online_payments,
                export.render_online_payments,
                "les paiements en ligne commencés, avec l'e-mail du payeur",
            ),
        ),
        # The credit is money the régie owes the family: kept as long as the accounts it came from.
        PersonalData(
            FamilyCredit,
            family="family",
            rules=(),
            export=Section(
                "credits",
                export.collect_credits,
                export.render_credits,
                "les trop-perçus gardés en avoir, utilisés ou remboursés",
            ),
        ),
        PersonalData(
            CreditMovement,
            family="credit__family",
            activity="created_at",
            rules=(After(LEGAL_DAYS, "created_at", Anonymise({"reference": ""}), LEGAL),),
            export="credits",
        ),
    )
    # The drafts are left out of the family's export: what they issued is there as invoices.
    register(
        PersonalData(
            InvoicingDraftFamily,
            family="family",
            rules=(After(DRAFT_DAYS, "draft__created_at", Delete(root="draft"), DRAFT), WithFamily(Delete())),
            export=None,
        ),
        # Deleted with their family's row (the database cascades).
        PersonalData(InvoicingDraftLine, family="draft_family__family", rules=(), export=None),
    )
    exempt(Regie, reason="the issuer's public contact details (address, phone, e-mail), not a person's")
    exempt(InvoicingRun, reason="names only the staff member who started the run, for the service's audit")
    exempt(InvoicingDraft, reason="a régie's month and totals; names only the staff member who computed it")
    exempt(InvoicingDraftDay, reason="links a registered draft line to a registered booked day; holds nothing else")
    exempt(BilledDay, reason="links a registered booked day to a registered invoice line; holds nothing else")
    exempt(PaymentAllocation, reason="an amount between a registered payment and a registered invoice")
