"""The personal data of billing in the registry: invoices and payments, kept ten years for public accounting;
invoicing drafts, the régie's working copies, kept a few months."""

from django.db.models import Q

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
    CertificateRun,
    ChildcareCertificate,
    CreditMovement,
    DebitBatch,
    DebitNotice,
    DebitTransaction,
    FamilyCredit,
    Invoice,
    InvoiceLine,
    InvoicingDraft,
    InvoicingDraftDay,
    InvoicingDraftFamily,
    InvoicingDraftLine,
    InvoicingRun,
    Mandate,
    MandateAmendment,
    OnlinePayment,
    OnlinePaymentShare,
    Payment,
    PaymentAllocation,
    Regie,
    Reminder,
)

# Public accounting keeps invoices and payments ten years (leap days included); then the rows keep their amounts
# and lose what names a person.
LEGAL_DAYS = 3653
LEGAL = "après {days} jours, durée de la comptabilité publique"
# A draft has served once its month is invoiced (or was left for a newer one): what it issued lives on in the invoices.
DRAFT_DAYS = 92
DRAFT = "aperçu calculé il y a plus de {days} jours"
# A debited family may dispute an unauthorised debit for 13 months (SEPA rulebook): the mandate's bank details and
# the bank file stay that long after the last use, then lose the account.
DISPUTE_DAYS = 400
DISPUTE = "après {days} jours, délai de contestation d'un prélèvement (13 mois)"


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
    # The family's documents: a certificate repeats what its payments (in the export) settled, and the family
    # downloads it from «Mes attestations»; a reminder is an e-mail of the outbox or a letter of the régie.
    register(
        PersonalData(
            ChildcareCertificate,
            family="family",
            activity="created_at",
            rules=(After(LEGAL_DAYS, "created_at", Anonymise({"child_name": ANONYMOUS, "detail": []}), LEGAL),),
            export=None,
        ),
        PersonalData(
            Reminder,
            family="family",
            activity="sent_at",
            rules=(After(LEGAL_DAYS, "sent_at", Anonymise({"recipients": ""}), LEGAL),),
            export=None,
        ),
    )
    register(
        # The mandate's PDF is in the billing space; the family's export leaves it out (the IBAN shows masked there).
        PersonalData(
            Mandate,
            family="family",
            activity="signed_on",
            rules=(
                After(
                    DISPUTE_DAYS,
                    "revoked_on",
                    Anonymise({"account_holder": ANONYMOUS, "iban": "", "bic": ""}),
                    DISPUTE,
                    where=Q(active=False),
                ),
            ),
            export=None,
        ),
        PersonalData(
            MandateAmendment,
            family="mandate__family",
            rules=(After(DISPUTE_DAYS, "amended_on", Anonymise({"old_iban": "", "new_iban": ""}), DISPUTE),),
            export=None,
        ),
        # The pain.008 file names every debited account holder with the IBAN.
        PersonalData(
            DebitBatch, rules=(After(DISPUTE_DAYS, "collection_date", Anonymise({"xml": ""}), DISPUTE),), export=None
        ),
    )
    exempt(DebitNotice, reason="an amount and a date between a registered invoice and a registered mandate")
    exempt(
        DebitTransaction,
        reason="a debit's amount, sequence and rejection code between a registered invoice and mandate",
    )
    exempt(CertificateRun, reason="a year and its counts; names only the staff member who started the run")
    exempt(Regie, reason="the issuer's public contact details (address, phone, e-mail), not a person's")
    exempt(InvoicingRun, reason="names only the staff member who started the run, for the service's audit")
    exempt(InvoicingDraft, reason="a régie's month and totals; names only the staff member who computed it")
    exempt(InvoicingDraftDay, reason="links a registered draft line to a registered booked day; holds nothing else")
    exempt(BilledDay, reason="links a registered booked day to a registered invoice line; holds nothing else")
    exempt(PaymentAllocation, reason="an amount between a registered payment and a registered invoice")
    exempt(
        OnlinePaymentShare,
        reason="the amount a registered online payment allots to a registered invoice, and whether it is in flight",
    )
