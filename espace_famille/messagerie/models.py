"""Messages of the service to families: what was written, to whom, and one row per family reached."""

from django.conf import settings
from django.db import models

from espace_famille.dossier.models import Family
from espace_famille.messagerie import rules
from espace_famille.planning.models import Activity, Facility
from notifications.models import OutboxMessage, OutboxSms


class AudienceKind(models.TextChoices):
    FAMILY = rules.FAMILY, "Une famille"
    ACTIVITY = rules.ACTIVITY, "Les familles d'une activité, un jour ou une période"
    FACILITY = rules.FACILITY, "Les familles d'une structure (école, accueil de loisirs…)"


class FamilyMessage(models.Model):
    """A message the service wrote once, to one family or to the families of an activity or a facility."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="auteur"
    )
    audience = models.CharField("destinataires", max_length=10, choices=AudienceKind.choices)
    # What the audience was, as the author chose it; the families reached are the recipients.
    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="famille"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="activité"
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="structure"
    )
    start_date = models.DateField("du", null=True, blank=True)
    end_date = models.DateField("au", null=True, blank=True)
    audience_label = models.CharField("destinataires (description)", max_length=255)
    subject = models.CharField("objet", max_length=150)
    body = models.TextField("texte")
    sms_text = models.TextField("texte du SMS", blank=True)
    by_email = models.BooleanField("par e-mail", default=True)
    by_sms = models.BooleanField("par SMS", default=False)
    created_at = models.DateTimeField("envoyé le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "message aux familles"
        verbose_name_plural = "messages aux familles"
        ordering = ["-created_at", "-pk"]
        permissions = [("send_familymessage", "Peut écrire aux familles")]

    def __str__(self):
        return self.subject

    @property
    def channels(self) -> str:
        return " et ".join(name for name, used in (("e-mail", self.by_email), ("SMS", self.by_sms)) if used)


class FamilyMessageRecipient(models.Model):
    """A family a message reached: the message is in its «Mes messages», sent by the e-mails and SMS linked here."""

    message = models.ForeignKey(
        FamilyMessage, on_delete=models.CASCADE, related_name="recipients", verbose_name="message"
    )
    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="messages_received", verbose_name="famille"
    )
    emails = models.ManyToManyField(OutboxMessage, blank=True, related_name="+", verbose_name="e-mails")
    sms = models.ManyToManyField(OutboxSms, blank=True, related_name="+", verbose_name="SMS")
    read_at = models.DateTimeField("lu le", null=True, blank=True)

    class Meta:
        verbose_name = "famille destinataire"
        verbose_name_plural = "familles destinataires"
        ordering = ["family__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["message", "family"], name="family_message_once_per_family")]

    def __str__(self):
        return f"{self.message} → {self.family}"
