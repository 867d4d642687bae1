"""Documents for families: the yearly childcare certificates («attestation de frais de garde») and their run, and
the reminders of unpaid invoices. A payment's receipt is no table: it is drawn from the payment itself."""

from django.conf import settings
from django.db import models

from commun.fields import MoneyField
from espace_famille.dossier.models import Child, Family

from .billing import ZERO, Invoice, Regie, RunState


class CertificateRun(models.Model):
    """The making of one year's certificates for every régie, in one run, with its progress."""

    year = models.PositiveSmallIntegerField("année")
    state = models.CharField("état", max_length=10, choices=RunState.choices, default=RunState.RUNNING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="lancée par"
    )
    created_at = models.DateTimeField("lancée le", auto_now_add=True)
    # Set by the worker that takes the run: a second worker (or a retried task) finds it taken.
    started_at = models.DateTimeField("commencée le", null=True, blank=True)
    finished_at = models.DateTimeField("terminée le", null=True, blank=True)
    families_total = models.PositiveIntegerField("familles", default=0)
    families_done = models.PositiveIntegerField("familles traitées", default=0)
    created_count = models.PositiveIntegerField("attestations établies", default=0)
    error = models.TextField("erreur", blank=True)

    class Meta:
        verbose_name = "campagne d'attestations"
        verbose_name_plural = "campagnes d'attestations"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Attestations de frais de garde {self.year}"


class ChildcareCertificate(models.Model):
    """A régie's certificate of what a family paid in a year for the childcare of a child under six. Its figures
    are frozen when it is made: the PDF reads the same every time it is downloaded."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="certificates", verbose_name="régie")
    family = models.ForeignKey(
        Family, on_delete=models.PROTECT, related_name="childcare_certificates", verbose_name="famille"
    )
    child = models.ForeignKey(
        Child, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="enfant"
    )
    year = models.PositiveSmallIntegerField("année")
    child_name = models.CharField("enfant", max_length=150)
    child_birth_date = models.DateField("date de naissance")
    amount = MoneyField("sommes payées", max_digits=10, decimal_places=2, default=ZERO)
    # The invoices and what of them counted, as [{"number", "label", "amount"}] (the PDF's detail).
    detail = models.JSONField("détail", default=list, blank=True)
    run = models.ForeignKey(
        CertificateRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name="campagne",
    )
    created_at = models.DateTimeField("établie le", auto_now_add=True)

    class Meta:
        verbose_name = "attestation de frais de garde"
        verbose_name_plural = "attestations de frais de garde"
        ordering = ["-year", "child_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["regie", "child", "year"], name="one_certificate_per_child_regie_year")
        ]
        indexes = [models.Index(fields=["family", "-year"])]

    def __str__(self):
        return f"Attestation {self.year} — {self.child_name}"


class ReminderChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Courrier"


class Reminder(models.Model):
    """A reminder of an unpaid invoice at one level (1 for the régie's first delay…), sent once: by e-mail to the
    family's accounts, or as a letter the régie prints and posts when the family has no account."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders", verbose_name="facture")
    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="reminders", verbose_name="régie")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="reminders", verbose_name="famille")
    level = models.PositiveSmallIntegerField("relance n°")
    delay_days = models.PositiveSmallIntegerField("jours après l'échéance")
    channel = models.CharField("envoi", max_length=10, choices=ReminderChannel.choices)
    # The addresses written to, or the postal address of the letter.
    recipients = models.TextField("destinataires", blank=True)
    amount_due = MoneyField("reste à payer", max_digits=10, decimal_places=2)
    sent_at = models.DateTimeField("envoyée le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "relance"
        verbose_name_plural = "relances"
        ordering = ["-sent_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["invoice", "level"], name="one_reminder_per_invoice_level")]

    def __str__(self):
        return f"Relance n° {self.level} — facture {self.invoice.number}"
