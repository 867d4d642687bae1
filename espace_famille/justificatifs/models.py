"""Document types the service asks for, and the documents families provide (one per upload, kept as history)."""

import secrets

from django.conf import settings
from django.db import models

from espace_famille.demandes.models import Request
from espace_famille.dossier.models import Child, Family, private_storage
from espace_famille.planning.models import Activity


class Validity(models.TextChoices):
    SEMESTER = "semester", "Semestriel"
    YEAR = "year", "Annuel"
    DATE = "date", "Jusqu'à une date"


class DocumentType(models.Model):
    name = models.CharField("nom du document", max_length=150)
    per_child = models.BooleanField("pour chaque enfant", default=False, help_text="Sinon : un pour la famille.")
    validity = models.CharField("validité", max_length=10, choices=Validity.choices, default=Validity.YEAR)
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True, help_text="Pour « Jusqu'à une date ».")
    mandatory = models.BooleanField("obligatoire", default=False)
    activities = models.ManyToManyField(
        Activity, blank=True, related_name="document_types", verbose_name="activités qui le demandent"
    )
    needed_for = models.CharField(
        "demandes qui le demandent", max_length=200, blank=True, help_text="Par exemple « Pré-inscription en crèche »."
    )
    active = models.BooleanField("demandé", default=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "type de pièce justificative"
        verbose_name_plural = "types de pièces justificatives"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class DocumentState(models.TextChoices):
    PENDING = "pending", "En attente de validation"
    VALIDATED = "validated", "Validé"
    REFUSED = "refused", "Refusé"


def document_path(instance, filename):
    # A random name: nothing of what the family called the file reaches the disk.
    return f"pieces/{instance.family_id}/{secrets.token_hex(16)}{instance.extension}"


class Document(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="documents", verbose_name="famille")
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, null=True, blank=True, related_name="documents", verbose_name="enfant"
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="documents", verbose_name="type"
    )
    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="document", verbose_name="demande")
    file = models.FileField("fichier", upload_to=document_path, storage=private_storage)
    original_name = models.CharField("nom du fichier", max_length=120)
    content_type = models.CharField("type de fichier", max_length=40)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField("taille")
    state = models.CharField(
        "état", max_length=10, choices=DocumentState.choices, default=DocumentState.PENDING, db_index=True
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField("traité le", null=True, blank=True)
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True)

    class Meta:
        verbose_name = "pièce justificative"
        verbose_name_plural = "pièces justificatives"
        ordering = ["-uploaded_at", "-pk"]
        indexes = [
            models.Index(fields=["family", "document_type", "child"]),
            # The dashboard's documents about to expire.
            models.Index(fields=["state", "valid_until"], name="document_state_valid_until"),
        ]

    def __str__(self):
        who = f" — {self.child.first_name}" if self.child_id else ""
        return f"{self.document_type.name}{who}"
