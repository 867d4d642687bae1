"""Email templates edited in Wagtail, and the outbox every email and SMS goes through."""

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.models import PreviewableMixin

from . import kinds, rendering


class PlaceholdersPanel(HelpPanel):
    """Lists, beside the editor, the placeholders the template's kind offers."""

    def __init__(self, **kwargs):
        kwargs.setdefault("template", "notifications/admin/placeholders_panel.html")
        super().__init__(**kwargs)

    class BoundPanel(HelpPanel.BoundPanel):
        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            kind_slug = getattr(self.instance, "kind", "")
            context["kinds"] = [k for k in kinds.all_kinds() if not kind_slug or k.slug == kind_slug]
            return context


class EmailTemplate(PreviewableMixin, models.Model):
    kind = models.CharField("type d'e-mail", max_length=50, unique=True, choices=kinds.choices)
    subject = models.CharField("objet", max_length=200)
    body = models.TextField(
        "texte",
        help_text="Paragraphes séparés par une ligne vide. Les variables s'écrivent {{ nom_complet }}.",
    )
    button_label = models.CharField("libellé du bouton", max_length=80, blank=True)
    zone = models.TextField(
        "zone paramétrable",
        blank=True,
        help_text=(
            "Texte commun à tous les e-mails de ce type, que l'instructeur peut compléter en traitant une demande."
        ),
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    panels = [
        FieldPanel("kind"),
        FieldPanel("subject"),
        FieldPanel("body"),
        FieldPanel("button_label"),
        FieldPanel("zone"),
        PlaceholdersPanel(heading="Variables disponibles"),
    ]

    class Meta:
        verbose_name = "modèle d'e-mail"
        verbose_name_plural = "modèles d'e-mails"
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display() or self.kind

    def clean(self):
        try:
            kind = kinds.get(self.kind)
        except KeyError:
            return
        errors = {}
        for name in ("subject", "body", "zone"):
            unknown = rendering.unknown_placeholders(getattr(self, name), kind.all_placeholders)
            if unknown:
                errors[name] = "Variable inconnue : " + ", ".join(f"{{{{ {u} }}}}" for u in unknown)
        if errors:
            raise ValidationError(errors)

    def get_preview_template(self, request, mode_name):
        return "notifications/admin/preview.html"

    def serve_preview(self, request, mode_name):
        # An e-mail carries its styles inline (mail clients read no style sheet): its preview allows inline styles,
        # never scripts.
        response = super().serve_preview(request, mode_name)
        response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        kind = kinds.get(self.kind)
        context["email"] = rendering.render(kind=kind, context=kind.sample_context, template=self)
        return context


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "En échec"


class OutboxRow(models.Model):
    """What every outbox row holds, whatever its channel: a unique key (it is sent once), its state and attempts."""

    key = models.CharField("clé", max_length=200, unique=True)
    kind = models.CharField("type", max_length=50)
    status = models.CharField("état", max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.TextField("dernière erreur", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        abstract = True


class OutboxMessage(OutboxRow):
    to_email = models.EmailField("destinataire")
    from_email = models.CharField("expéditeur", max_length=254)
    subject = models.CharField("objet", max_length=255)
    body_text = models.TextField("texte")
    body_html = models.TextField("HTML")

    class Meta:
        verbose_name = "e-mail sortant"
        verbose_name_plural = "boîte d'envoi"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_created")]

    def __str__(self):
        return f"{self.subject} → {self.to_email}"


class OutboxSms(OutboxRow):
    """An SMS, written with its cause like an e-mail and sent by the workers through the provider of SMS_URL."""

    to_phone = models.CharField("destinataire", max_length=20, help_text="Numéro au format international (E.164).")
    sender = models.CharField("expéditeur", max_length=15)
    text = models.TextField("texte")
    provider_reference = models.CharField("référence du fournisseur", max_length=100, blank=True)

    class Meta:
        verbose_name = "SMS sortant"
        verbose_name_plural = "SMS envoyés"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_sms_status_created")]

    def __str__(self):
        return f"SMS → {self.to_phone}"
