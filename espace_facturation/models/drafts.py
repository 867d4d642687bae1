"""Invoicing drafts: the stored preview of a month, which issuing turns into invoices exactly."""

from django.conf import settings
from django.db import models

from commun.fields import MoneyField
from espace_facturation.models.billing import ZERO, Regie
from espace_famille.dossier.models import Child, Family
from espace_famille.planning.models import Activity, Attendance, Booking


class InvoicingDraft(models.Model):
    """The stored preview of a month's invoicing for a régie: issuing turns exactly it into invoices, computing nothing
    again; a booking or a price changed since makes it out of date (its families hold their lines' fingerprint)."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="drafts", verbose_name="régie")
    month = models.DateField("mois facturé", help_text="Le premier jour du mois.")
    whole_month = models.BooleanField("toutes les familles", default=True, help_text="Sinon, celles demandées.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="calculé par"
    )
    created_at = models.DateTimeField("calculé le", auto_now_add=True)
    # The fingerprints of its families together: a preview asked again with nothing changed shows this draft again.
    fingerprint = models.CharField("empreinte", max_length=64, db_index=True)
    family_count = models.PositiveIntegerField("familles", default=0)
    day_count = models.PositiveIntegerField("jours", default=0)
    total = MoneyField("montant total", max_digits=12, decimal_places=2, default=ZERO)

    class Meta:
        verbose_name = "aperçu de facturation"
        verbose_name_plural = "aperçus de facturation"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Aperçu {self.regie} — {self.month:%m/%Y}"


class InvoicingDraftFamily(models.Model):
    """One family's invoice-to-be in a draft, then the invoice issued from it (issued again: that invoice)."""

    draft = models.ForeignKey(InvoicingDraft, on_delete=models.CASCADE, related_name="families", verbose_name="aperçu")
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="+", verbose_name="famille")
    total = MoneyField("montant", max_digits=10, decimal_places=2)
    fingerprint = models.CharField("empreinte", max_length=64)
    invoice = models.OneToOneField(
        "Invoice", on_delete=models.PROTECT, null=True, related_name="+", verbose_name="facture"
    )

    class Meta:
        verbose_name = "famille d'un aperçu de facturation"
        verbose_name_plural = "familles d'un aperçu de facturation"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["draft", "family"], name="draft_family_unique")]

    def __str__(self):
        return f"{self.draft} : {self.family_id}"


class InvoicingDraftLine(models.Model):
    """A line of a family's invoice-to-be, as its invoice line will read: a child's days of an activity."""

    draft_family = models.ForeignKey(InvoicingDraftFamily, on_delete=models.CASCADE, related_name="lines")
    child = models.ForeignKey(Child, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="enfant")
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="activité"
    )
    child_name = models.CharField("enfant", max_length=150, blank=True)
    label = models.CharField("libellé", max_length=200)
    period_start = models.DateField("du")
    period_end = models.DateField("au")
    quantity = models.DecimalField("quantité", max_digits=8, decimal_places=2)
    unit_price = MoneyField("prix unitaire", max_digits=10, decimal_places=2)
    amount = MoneyField("montant", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "ligne d'un aperçu de facturation"
        verbose_name_plural = "lignes d'un aperçu de facturation"
        ordering = ["pk"]

    def __str__(self):
        return self.label


class InvoicingDraftDay(models.Model):
    """A planning day a draft line bills (its booking, its attendance mark, or both), in the state it had when the
    draft was made."""

    line = models.ForeignKey(InvoicingDraftLine, on_delete=models.CASCADE, related_name="days", verbose_name="ligne")
    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="jour"
    )
    attendance = models.ForeignKey(
        Attendance, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="présence"
    )
    day = models.DateField("date")
    state = models.CharField("état facturé", max_length=12)

    class Meta:
        verbose_name = "jour d'un aperçu de facturation"
        verbose_name_plural = "jours d'un aperçu de facturation"
        ordering = ["day", "pk"]

    def __str__(self):
        return f"{self.booking_id or self.attendance_id} → {self.line_id}"
