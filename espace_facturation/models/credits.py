"""A family's credit (overpayments, credit notes) and its movements."""

from django.conf import settings
from django.db import models

from commun import formats
from commun.fields import MoneyField
from espace_facturation.models.billing import ZERO, Invoice, Payment, Regie
from espace_famille.dossier.models import Family


class FamilyCredit(models.Model):
    """What a régie owes a family («avoir disponible»): money received beyond what was due. Its balance changes
    only through movements, under a lock on this row; it never goes below zero."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="credits", verbose_name="régie")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="credits", verbose_name="famille")
    balance = MoneyField("avoir disponible", max_digits=10, decimal_places=2, default=ZERO)

    class Meta:
        verbose_name = "trop-perçu"
        verbose_name_plural = "trop-perçus"
        ordering = ["family__name", "regie__name"]
        permissions = [("refund_familycredit", "Rembourser un trop-perçu")]
        constraints = [
            models.UniqueConstraint(fields=["regie", "family"], name="family_credit_unique_per_regie"),
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="family_credit_never_negative"),
        ]

    def __str__(self):
        return f"{self.family} — {self.regie} : {formats.money(self.balance)}"


class CreditMovementKind(models.TextChoices):
    OVERPAYMENT = "overpayment", "Trop-perçu"
    USED = "used", "Avoir utilisé"
    REFUND = "refund", "Remboursement"


class RefundMethod(models.TextChoices):
    TRANSFER = "transfer", "Virement"
    CHEQUE = "cheque", "Chèque"
    CASH = "cash", "Espèces"


class CreditMovement(models.Model):
    """One change of a family's credit, with its origin: the payment (or credit note) that paid too much, the
    invoice it was used on, or the refund (how, reference, who)."""

    credit = models.ForeignKey(FamilyCredit, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField("mouvement", max_length=12, choices=CreditMovementKind.choices)
    # Positive when the family's credit grows, negative when it is used or refunded.
    amount = MoneyField("montant", max_digits=10, decimal_places=2)
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="règlement"
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="facture"
    )
    method = models.CharField("mode de remboursement", max_length=10, choices=RefundMethod.choices, blank=True)
    reference = models.CharField("référence", max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "mouvement d'avoir"
        verbose_name_plural = "mouvements d'avoir"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {formats.money(self.amount)}"
