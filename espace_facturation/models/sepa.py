"""Direct debit (SEPA SDD CORE): mandates and their amendments, pre-notices, lots of debits and their transactions."""

from django.conf import settings
from django.db import models

from commun.fields import MoneyField
from espace_famille.dossier.models import Family

from .billing import Invoice, Regie


class SequenceType(models.TextChoices):
    FIRST = "FRST", "Premier prélèvement (FRST)"
    RECURRING = "RCUR", "Prélèvement récurrent (RCUR)"


class Mandate(models.Model):
    """The family's authorisation for a régie to debit its account: one per family and régie, identified by its
    unique mandate reference (RUM). A new account amends it (MandateAmendment) and starts a new FRST sequence."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="mandates", verbose_name="régie")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="mandates", verbose_name="famille")
    reference = models.CharField("référence unique du mandat (RUM)", max_length=35, unique=True)
    signed_on = models.DateField("date de signature")
    account_holder = models.CharField("titulaire du compte", max_length=150)
    iban = models.CharField("IBAN", max_length=34)
    bic = models.CharField("BIC", max_length=11)
    sequence = models.CharField(
        "prochaine séquence", max_length=4, choices=SequenceType.choices, default=SequenceType.FIRST
    )
    active = models.BooleanField("actif", default=True)
    revoked_on = models.DateField("révoqué le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "mandat de prélèvement"
        verbose_name_plural = "mandats de prélèvement"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["regie", "family"], name="mandate_one_per_family_and_regie")]

    def __str__(self):
        return self.reference


class MandateAmendment(models.Model):
    """A change of the mandate's account (the family's new IBAN): the next debit is a FRST again."""

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="amendments", verbose_name="mandat")
    # Masked: the amendment says which account it replaced without keeping another full IBAN.
    old_iban = models.CharField("ancien IBAN", max_length=60)
    new_iban = models.CharField("nouvel IBAN", max_length=60)
    amended_on = models.DateField("date de l'amendement")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "amendement de mandat"
        verbose_name_plural = "amendements de mandat"
        ordering = ["-amended_on", "-pk"]

    def __str__(self):
        return f"{self.mandate} : {self.old_iban} → {self.new_iban}"


class DebitNotice(models.Model):
    """The pre-notification of an invoice's debit (amount and date), sent once: the debit happens on `debit_on`."""

    invoice = models.OneToOneField(Invoice, on_delete=models.CASCADE, related_name="debit_notice")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="notices")
    amount = MoneyField("montant annoncé", max_digits=10, decimal_places=2)
    debit_on = models.DateField("date de prélèvement", db_index=True)
    sent_on = models.DateField("pré-notification envoyée le")

    class Meta:
        verbose_name = "pré-notification de prélèvement"
        verbose_name_plural = "pré-notifications de prélèvement"

    def __str__(self):
        return f"{self.invoice} → {self.debit_on:%d/%m/%Y}"


class BatchState(models.TextChoices):
    SENT = "sent", "Fichier généré"
    SETTLED = "settled", "Réglé"


class DebitBatch(models.Model):
    """«Lot de prélèvement»: a régie's debits of one collection date, exported once as a pain.008 file."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="debit_batches", verbose_name="régie")
    collection_date = models.DateField("date de prélèvement")
    message_id = models.CharField("identifiant du message", max_length=35, unique=True)
    state = models.CharField("état", max_length=10, choices=BatchState.choices, default=BatchState.SENT)
    count = models.PositiveIntegerField("prélèvements", default=0)
    total = MoneyField("montant total", max_digits=12, decimal_places=2, default=0)
    xml = models.TextField("fichier pain.008", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="généré par",
    )
    created_at = models.DateTimeField("généré le", auto_now_add=True)
    settled_at = models.DateTimeField("réglé le", null=True, blank=True)

    class Meta:
        verbose_name = "lot de prélèvement"
        verbose_name_plural = "lots de prélèvement"
        ordering = ["-collection_date", "-pk"]
        # A generation submitted twice, or two régisseurs at once, make one lot.
        constraints = [models.UniqueConstraint(fields=["regie", "collection_date"], name="debit_batch_one_per_date")]

    def __str__(self):
        return f"{self.regie} — prélèvement du {self.collection_date:%d/%m/%Y}"


class DebitState(models.TextChoices):
    PENDING = "pending", "En cours de prélèvement"
    SETTLED = "settled", "Prélevé"
    REJECTED = "rejected", "Rejeté"


class RejectionReason(models.TextChoices):
    """The ISO 20022 reason codes a bank gives for a rejected debit, with their French labels."""

    AC01 = "AC01", "AC01 — Coordonnées bancaires incorrectes"
    AC04 = "AC04", "AC04 — Compte clôturé"
    AC06 = "AC06", "AC06 — Compte bloqué"
    AG01 = "AG01", "AG01 — Opération interdite sur ce compte"
    AM04 = "AM04", "AM04 — Provision insuffisante"
    AM05 = "AM05", "AM05 — Opération en double"
    BE05 = "BE05", "BE05 — Créancier inconnu"
    FF01 = "FF01", "FF01 — Format de fichier invalide"
    MD01 = "MD01", "MD01 — Pas de mandat valide"
    MD02 = "MD02", "MD02 — Mandat incomplet ou incorrect"
    MD06 = "MD06", "MD06 — Remboursement demandé par le débiteur"
    MD07 = "MD07", "MD07 — Débiteur décédé"
    MS02 = "MS02", "MS02 — Refus du débiteur"
    MS03 = "MS03", "MS03 — Raison non communiquée"
    RC01 = "RC01", "RC01 — BIC incorrect"
    RR04 = "RR04", "RR04 — Raison réglementaire"
    SL01 = "SL01", "SL01 — Service spécifique de la banque du débiteur"


class DebitTransaction(models.Model):
    """One invoice debited in a lot, with what became of it."""

    batch = models.ForeignKey(DebitBatch, on_delete=models.CASCADE, related_name="transactions", verbose_name="lot")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="debits", verbose_name="facture")
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="debits", verbose_name="mandat")
    end_to_end_id = models.CharField("référence de bout en bout", max_length=35, unique=True)
    amount = MoneyField("montant", max_digits=10, decimal_places=2)
    sequence = models.CharField("séquence", max_length=4, choices=SequenceType.choices)
    state = models.CharField("état", max_length=10, choices=DebitState.choices, default=DebitState.PENDING)
    reason = models.CharField("motif du rejet", max_length=4, choices=RejectionReason.choices, blank=True)
    rejected_on = models.DateField("rejeté le", null=True, blank=True)
    fee_invoice = models.OneToOneField(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="frais de rejet"
    )
    payment = models.OneToOneField(
        "espace_facturation.Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="debit"
    )

    class Meta:
        verbose_name = "prélèvement"
        verbose_name_plural = "prélèvements"
        ordering = ["batch", "pk"]
        constraints = [
            # An invoice is in flight in one lot at a time.
            models.UniqueConstraint(
                fields=["invoice"], condition=models.Q(state="pending"), name="one_debit_in_flight_per_invoice"
            )
        ]

    def __str__(self):
        return self.end_to_end_id
