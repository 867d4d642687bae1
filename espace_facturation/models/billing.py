"""Régies, invoice numbering, invoicing runs, invoices and credit notes, billed days, payments and online payments."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from commun import formats
from commun.fields import MoneyField
from espace_famille.dossier.models import Child, Family
from espace_famille.planning.models import Activity, Attendance, Booking

ZERO = Decimal("0.00")


def validate_reminder_days(value: str) -> None:
    from ..rules import reminder_delays

    reminder_delays(value)


class PaymentBackend(models.TextChoices):
    NONE = "", "Pas de paiement en ligne"
    SIMULATOR = "simulator", "Simulateur (démonstration et essais)"
    PAYFIP = "payfip", "PayFiP (DGFiP)"


class Regie(models.Model):
    """A régie: the issuer of invoices («Emetteur»), its service, the mentions its invoices carry
    and its online-payment settings."""

    name = models.CharField(
        "nom (émetteur)", max_length=150, unique=True, help_text="Par exemple « Regie BL Enfance »."
    )
    service_name = models.CharField("service", max_length=150, help_text="Par exemple « Regie NEO Technique ».")
    # Identity printed on the invoice
    municipality = models.CharField("collectivité", max_length=150, blank=True, help_text="« Ville de … ».")
    address = models.TextField("adresse", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("e-mail", blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    counter = models.TextField(
        "paiement au guichet", blank=True, help_text="Adresse et horaires où régler par chèque ou en espèces."
    )
    mentions = models.TextField(
        "mentions de la facture",
        blank=True,
        help_text="Voies et délais de recours de l'avis des sommes à payer, imprimés au pied de chaque facture.",
    )
    due_days = models.PositiveSmallIntegerField("délai de paiement (jours)", default=30)
    activities = models.ManyToManyField(
        Activity, blank=True, related_name="regies", verbose_name="activités facturées par cette régie"
    )
    # Online payment
    payment_backend = models.CharField(
        "paiement en ligne", max_length=20, choices=PaymentBackend.choices, blank=True, default=PaymentBackend.NONE
    )
    payfip_client_id = models.CharField(
        "numéro client PayFiP (numcli)", max_length=6, blank=True, help_text="Six chiffres, donné par la DGFiP."
    )
    payfip_test_mode = models.BooleanField("PayFiP en mode test", default=True)
    # Who signs receipts and childcare certificates
    signatory_name = models.CharField(
        "signataire", max_length=150, blank=True, help_text="Par exemple « Marie DUPONT »."
    )
    signatory_title = models.CharField(
        "qualité du signataire", max_length=150, blank=True, help_text="Par exemple « Régisseuse titulaire »."
    )
    # Reminders of unpaid invoices
    reminder_days = models.CharField(
        "délais de relance (jours après l'échéance)",
        max_length=60,
        blank=True,
        default="15, 30",
        validators=[validate_reminder_days],
        help_text="Nombres de jours séparés par des virgules, par exemple « 15, 30 ». Vide : aucune relance.",
    )
    # Accounting: the accounts of the régie's journal (espace_facturation.journal), in the public accounts' plan.
    account_products = models.CharField(
        "imputation par défaut",
        max_length=20,
        default="7066",
        help_text="Compte de produit des lignes dont l'activité n'a pas d'imputation comptable.",
    )
    account_families = models.CharField(
        "compte des familles", max_length=20, default="4111", help_text="Compte de tiers des redevables."
    )
    account_cash = models.CharField("compte de caisse", max_length=20, default="531", help_text="Espèces.")
    account_cheques = models.CharField(
        "compte des chèques", max_length=20, default="5112", help_text="Chèques à encaisser."
    )
    account_bank = models.CharField(
        "compte de banque",
        max_length=20,
        default="515",
        help_text="Compte au Trésor : paiements en ligne, prélèvements, virements et remboursements.",
    )
    # Direct debit (SEPA SDD CORE)
    creditor_id = models.CharField(
        "identifiant créancier SEPA (ICS)",
        max_length=35,
        blank=True,
        help_text="Par exemple « FR12ZZZ123456 » : sans ICS, la régie ne propose pas le prélèvement.",
    )
    creditor_iban = models.CharField(
        "IBAN du compte de la régie", max_length=34, blank=True, help_text="Le compte crédité par les prélèvements."
    )
    creditor_bic = models.CharField("BIC du compte de la régie", max_length=11, blank=True)
    debit_notice_days = models.PositiveSmallIntegerField(
        "délai de pré-notification (jours)",
        default=14,
        help_text="La famille est prévenue du montant et de la date du prélèvement au moins ce nombre de jours avant.",
    )
    debit_rejection_fee = MoneyField(
        "frais de rejet de prélèvement",
        max_digits=8,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text="Facturés à la famille pour chaque prélèvement rejeté ; 0 : aucun frais.",
    )

    class Meta:
        verbose_name = "régie"
        verbose_name_plural = "régies"
        ordering = ["name"]
        permissions = [("view_accounting", "Consulter le journal comptable et les restes à recouvrer")]

    def __str__(self):
        return self.name

    @property
    def debits(self) -> bool:
        """Whether the régie collects by direct debit (it has its creditor identifier and account)."""
        return bool(self.creditor_id and self.creditor_iban)

    @property
    def pays_online(self) -> bool:
        if self.payment_backend == PaymentBackend.SIMULATOR:
            return settings.PAYMENT_SIMULATOR
        return bool(self.payment_backend)


class InvoiceSequence(models.Model):
    """The last number given by a régie in a year: numbers are taken under a lock on this row, gap-free."""

    regie = models.ForeignKey(Regie, on_delete=models.CASCADE, related_name="sequences")
    year = models.PositiveSmallIntegerField("année")
    last_number = models.PositiveIntegerField("dernier numéro", default=0)

    class Meta:
        verbose_name = "numérotation"
        constraints = [models.UniqueConstraint(fields=["regie", "year"], name="invoice_sequence_unique")]

    def __str__(self):
        return f"{self.regie} {self.year} : {self.last_number}"


class RunState(models.TextChoices):
    RUNNING = "running", "En cours"
    DONE = "done", "Terminée"
    FAILED = "failed", "En échec"


class InvoicingRun(models.Model):
    """The invoicing of one month for one régie, with its progress."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="runs", verbose_name="régie")
    month = models.DateField("mois facturé", help_text="Le premier jour du mois.")
    # The draft the run issues; one run per draft (starting it again finds this run).
    draft = models.OneToOneField(
        "espace_facturation.InvoicingDraft",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="run",
        verbose_name="aperçu",
    )
    issued_on = models.DateField("date des factures")
    state = models.CharField("état", max_length=10, choices=RunState.choices, default=RunState.RUNNING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="lancée par"
    )
    created_at = models.DateTimeField("lancée le", auto_now_add=True)
    # Set by the worker that takes the run: a second worker (or a retried task) finds it taken.
    started_at = models.DateTimeField("commencée le", null=True, blank=True)
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)
    families_total = models.PositiveIntegerField("familles à facturer", default=0)
    families_done = models.PositiveIntegerField("familles traitées", default=0)
    invoice_count = models.PositiveIntegerField("factures émises", default=0)
    total_amount = MoneyField("montant total", max_digits=12, decimal_places=2, default=ZERO)
    error = models.TextField("erreur", blank=True)

    class Meta:
        verbose_name = "facturation"
        verbose_name_plural = "facturations"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.regie} — {formats.month_year(self.month)}"


class InvoiceNature(models.TextChoices):
    INVOICE = "invoice", "Facture"
    CREDIT_NOTE = "credit", "Avoir"


class InvoiceState(models.TextChoices):
    TO_PAY = "to_pay", "À payer"
    PARTIAL = "partial", "Partiellement payée"
    PAID = "paid", "Payée"
    CANCELLED = "cancelled", "Annulée"
    # In a direct-debit lot sent to the bank: a payment in flight (no online payment, no reminder) until the debit
    # date passes (paid) or the bank rejects it (back to pay).
    DEBITING = "debiting", "En cours de prélèvement"


# What is left to pay on: reminders, direct debits, «À faire», the counter and the dashboard read these states.
OPEN_STATES = (InvoiceState.TO_PAY, InvoiceState.PARTIAL)


class Invoice(models.Model):
    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="invoices", verbose_name="régie")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="invoices", verbose_name="famille")
    nature = models.CharField("nature", max_length=10, choices=InvoiceNature.choices, default=InvoiceNature.INVOICE)
    number = models.CharField("référence", max_length=30, help_text="Numéro de la facture, par exemple « 2018-2544 ».")
    issued_on = models.DateField("date")
    due_on = models.DateField("échéance")
    period_start = models.DateField("période du", null=True, blank=True)
    period_end = models.DateField("période au", null=True, blank=True)
    amount = MoneyField("montant", max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))])
    # What payments (and credit notes) settled of it; maintained by the services under a lock.
    amount_paid = MoneyField("déjà réglé", max_digits=10, decimal_places=2, default=ZERO)
    state = models.CharField(
        "état", max_length=10, choices=InvoiceState.choices, default=InvoiceState.TO_PAY, db_index=True
    )
    emission_code = models.CharField("code émission", max_length=30, help_text="Imprimé en pied de page de la facture.")
    personal_code = models.CharField("code personnel", max_length=30, help_text="Code personnel du destinataire.")
    # A credit note corrects this invoice.
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name="facture corrigée",
    )
    run = models.ForeignKey(
        InvoicingRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name="facturation",
    )
    created_at = models.DateTimeField("émise le", auto_now_add=True)

    class Meta:
        verbose_name = "facture"
        verbose_name_plural = "factures"
        ordering = ["-issued_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["regie", "number"], name="invoice_number_unique_per_regie")]
        indexes = [models.Index(fields=["family", "-issued_on"])]

    def __str__(self):
        return f"{self.get_nature_display()} {self.number}"

    @property
    def debit_in_progress(self) -> bool:
        """In a direct-debit lot sent to the bank: reminders and online payment leave it alone."""
        return self.state == InvoiceState.DEBITING

    @property
    def left_to_pay(self) -> Decimal:
        if self.nature != InvoiceNature.INVOICE or self.state == InvoiceState.CANCELLED:
            return ZERO
        return max(self.amount - self.amount_paid, ZERO)


class InvoiceLine(models.Model):
    """One line: a child's days of an activity over the period, at one unit price."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name="facture")
    child = models.ForeignKey(
        Child, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="enfant"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="activité"
    )
    # Frozen text: the invoice reads the same whatever happens to the child or the activity later.
    child_name = models.CharField("enfant", max_length=150, blank=True)
    label = models.CharField("libellé", max_length=200)
    period_start = models.DateField("du", null=True, blank=True)
    period_end = models.DateField("au", null=True, blank=True)
    quantity = models.DecimalField("quantité", max_digits=8, decimal_places=2)
    unit_price = MoneyField("prix unitaire", max_digits=10, decimal_places=2)
    amount = MoneyField("montant", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "ligne de facture"
        verbose_name_plural = "lignes de facture"
        ordering = ["pk"]

    def __str__(self):
        return self.label


class BilledDay(models.Model):
    """A day of the planning billed by a line: its booking, its attendance mark, or both (an activity billed by
    attendance). Each is billed at most once (the unique keys make a second run, or two runs racing, bill nothing
    twice). `state` is the booking's state or the mark that billed the day."""

    booking = models.OneToOneField(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="billed", verbose_name="jour"
    )
    attendance = models.OneToOneField(
        Attendance, on_delete=models.PROTECT, null=True, blank=True, related_name="billed", verbose_name="présence"
    )
    line = models.ForeignKey(InvoiceLine, on_delete=models.CASCADE, related_name="days", verbose_name="ligne")
    state = models.CharField("état facturé", max_length=12)

    class Meta:
        verbose_name = "jour facturé"
        verbose_name_plural = "jours facturés"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(booking__isnull=False) | models.Q(attendance__isnull=False),
                name="billed_day_has_a_booking_or_attendance",
            )
        ]

    def __str__(self):
        return f"{self.booking_id or self.attendance_id} → {self.line_id}"


class PaymentKind(models.TextChoices):
    CHEQUE = "cheque", "Chèque"
    ONLINE = "online", "Règlement en ligne"
    CASH = "cash", "Espèces"
    DIRECT_DEBIT = "debit", "Prélèvement"


class Payment(models.Model):
    """A payment received by a régie, allocated to one or more invoices."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="payments", verbose_name="régie")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="payments", verbose_name="famille")
    kind = models.CharField("type de règlement", max_length=10, choices=PaymentKind.choices)
    operation_number = models.CharField("N° opération", max_length=30, unique=True)
    # Cheque number, or the bank's transaction id for an online payment.
    reference = models.CharField("référence", max_length=60, blank=True)
    paid_on = models.DateField("date")
    amount = MoneyField("montant", max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistré par",
    )
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)
    # A payment the bank took back (a direct debit rejected after its lot was settled) is kept for the accounts, its
    # allocations undone: the journal reverses it on this day (payments.payment_cancel).
    cancelled_on = models.DateField("annulé le", null=True, blank=True)
    cancel_reason = models.CharField("motif de l'annulation", max_length=200, blank=True)

    class Meta:
        verbose_name = "règlement"
        verbose_name_plural = "règlements"
        ordering = ["-paid_on", "-pk"]
        indexes = [models.Index(fields=["family", "-paid_on"])]

    def __str__(self):
        return f"{self.operation_number} — {formats.money(self.amount)}"


class PaymentAllocation(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = MoneyField("montant", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "affectation"
        verbose_name_plural = "affectations"
        constraints = [models.UniqueConstraint(fields=["payment", "invoice"], name="allocation_unique")]

    def __str__(self):
        return f"{self.payment} → {self.invoice}"


class OnlinePaymentState(models.TextChoices):
    STARTED = "started", "Commencé"
    PAID = "paid", "Payé"
    REFUSED = "refused", "Refusé"
    ABANDONED = "abandoned", "Abandonné"
    # Closed by us without the bank's decision (its page timed out, or it never answered the start): a late
    # confirmation of the bank is still recorded.
    EXPIRED = "expired", "Expiré"


class OnlinePayment(models.Model):
    """A payment started from «Payer en ligne», of one invoice or of several of one régie (one transaction with the
    bank, its shares below); it becomes a Payment only on the bank's confirmation."""

    # The oldest invoice of the payment: its régie and family are the payment's.
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="online_payments", verbose_name="facture"
    )
    backend = models.CharField("service de paiement", max_length=20, choices=PaymentBackend.choices)
    # Our reference sent to the bank (refdet / idOp exchange), unique.
    order_id = models.CharField("référence de la transaction", max_length=64, unique=True)
    # The bank's own identifier (PayFiP idOp, then its transaction number).
    transaction_id = models.CharField("transaction", max_length=64, blank=True)
    # Where the bank's page for this payment is: a second «Payer en ligne» while it is open goes back there.
    bank_url = models.URLField("page de paiement", max_length=500, blank=True)
    amount = MoneyField("montant", max_digits=10, decimal_places=2)
    email = models.EmailField("e-mail du payeur", blank=True)
    state = models.CharField(
        "état", max_length=10, choices=OnlinePaymentState.choices, default=OnlinePaymentState.STARTED
    )
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="online", verbose_name="règlement"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("commencé le", auto_now_add=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    # The bank's answers, as received (audit).
    responses = models.JSONField("réponses du service de paiement", default=list, blank=True)

    class Meta:
        verbose_name = "paiement en ligne"
        verbose_name_plural = "paiements en ligne"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One payment in flight per invoice: two tabs, or two clicks, cannot have the bank charge it twice.
            models.UniqueConstraint(
                fields=["invoice"],
                condition=models.Q(state=OnlinePaymentState.STARTED),
                name="one_online_payment_in_flight_per_invoice",
            )
        ]

    def __str__(self):
        return f"{self.order_id} ({self.get_state_display()})"


class OnlinePaymentShare(models.Model):
    """What an online payment pays of one of its invoices: what was left on it when the payment started."""

    online_payment = models.ForeignKey(
        OnlinePayment, on_delete=models.CASCADE, related_name="shares", verbose_name="paiement en ligne"
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="online_shares", verbose_name="facture")
    amount = MoneyField("montant", max_digits=10, decimal_places=2)
    # The payment is in flight (OnlinePaymentState.STARTED): kept here, with the payment's state, for the index below.
    in_flight = models.BooleanField("en cours", default=True)

    class Meta:
        verbose_name = "facture d'un paiement en ligne"
        verbose_name_plural = "factures d'un paiement en ligne"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["online_payment", "invoice"], name="online_share_unique"),
            # An invoice is in at most one payment in flight, alone or in a group.
            models.UniqueConstraint(
                fields=["invoice"], condition=models.Q(in_flight=True), name="one_online_share_in_flight_per_invoice"
            ),
        ]

    def __str__(self):
        return f"{self.online_payment} → {self.invoice}"
