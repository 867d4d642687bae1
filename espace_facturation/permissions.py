"""What billing grants to the staff groups (applied by espace_famille.comptes.permissions.ensure_staff_groups)."""

# Preview and issue a month's invoices (the invoicing run, and a single family's invoice).
INVOICING = "espace_facturation.add_invoicingrun"
# Record a payment received at the counter.
RECORD_PAYMENT = "espace_facturation.add_payment"
# Issue a credit note («avoir»): invoices are never edited, a credit note is the one invoice staff add.
CREDIT_NOTE = "espace_facturation.add_invoice"
# Give a family back its credit («Rembourser le trop-perçu»).
REFUND = "espace_facturation.refund_familycredit"
# Direct debit: prepare and generate the lots («Prélèvements»), enter the bank's rejections.
DEBIT = "espace_facturation.add_debitbatch"
# Read the mandates and download their PDF.
VIEW_MANDATE = "espace_facturation.view_mandate"
# Read issued invoices, their PDF included (régisseurs and instructors).
VIEW_INVOICE = "espace_facturation.view_invoice"
# The régie's accounts: «Journal comptable» and «État des restes à recouvrer» (régisseurs only).
VIEW_ACCOUNTING = "espace_facturation.view_accounting"

# Read a payment and print its receipt.
VIEW_PAYMENT = "espace_facturation.view_payment"
# Make the year's childcare certificates («Attestations de frais de garde»), and read them.
CERTIFICATES = "espace_facturation.add_certificaterun"
VIEW_CERTIFICATE = "espace_facturation.view_childcarecertificate"
# Read the reminders of unpaid invoices and print their letters.
VIEW_REMINDER = "espace_facturation.view_reminder"

GROUP_PERMISSIONS = {
    "Régisseurs": [
        ("wagtailadmin", "access_admin"),
        *[("espace_facturation", f"{action}_regie") for action in ("view", "change")],
        # Invoices are issued by the run and corrected by credit notes («add»), never edited.
        *[("espace_facturation", f"{action}_invoice") for action in ("view", "add")],
        *[("espace_facturation", f"{action}_payment") for action in ("view", "add")],
        ("espace_facturation", "view_onlinepayment"),
        ("espace_facturation", "view_accounting"),
        *[("espace_facturation", f"{action}_familycredit") for action in ("view", "refund")],
        *[("espace_facturation", f"{action}_invoicingrun") for action in ("view", "add")],
        *[("espace_facturation", f"{action}_certificaterun") for action in ("view", "add")],
        ("espace_facturation", "view_childcarecertificate"),
        ("espace_facturation", "view_reminder"),
        *[("espace_facturation", f"{action}_debitbatch") for action in ("view", "add")],
        ("espace_facturation", "view_mandate"),
        ("espace_famille", "view_family"),
        ("espace_famille", "view_activity"),
        # Activities billed by attendance: the régie reads the marks it bills («Pointages»), never changes them.
        ("espace_famille", "view_attendance"),
    ],
}
