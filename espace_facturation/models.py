"""Régies and invoices (the part the subscription by invoice needs; billing extends them)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from espace_famille.models import Family


class Regie(models.Model):
    name = models.CharField(
        "nom (émetteur)", max_length=150, unique=True, help_text="Par exemple « Regie BL Enfance »."
    )
    service_name = models.CharField("service", max_length=150, help_text="Par exemple « Regie NEO Technique ».")

    class Meta:
        verbose_name = "régie"
        verbose_name_plural = "régies"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Invoice(models.Model):
    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="invoices", verbose_name="régie")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="invoices", verbose_name="famille")
    number = models.CharField("référence", max_length=30, help_text="Numéro de la facture, par exemple « 2018-2544 ».")
    issued_on = models.DateField("date")
    due_on = models.DateField("échéance")
    amount = models.DecimalField(
        "montant", max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.00"))]
    )
    emission_code = models.CharField("code émission", max_length=30, help_text="Imprimé en pied de page de la facture.")
    personal_code = models.CharField("code personnel", max_length=30, help_text="Code personnel du destinataire.")

    class Meta:
        verbose_name = "facture"
        verbose_name_plural = "factures"
        ordering = ["-issued_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["regie", "number"], name="invoice_number_unique_per_regie")]

    def __str__(self):
        return f"Facture {self.number}"
