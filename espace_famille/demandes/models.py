"""Requests («Mes demandes»): every change a family asks for, its lines (one per day for bookings) and history."""

from django.conf import settings
from django.db import models

from commun import formats
from espace_famille.dossier.models import Child, Family, Guardian, private_storage


def justification_path(instance, filename):
    return f"justificatifs/{instance.family_id}/{filename}"


class RequestKind(models.TextChoices):
    # Family file
    GUARDIAN_CHANGE = "guardian", "Modification du responsable"
    ADDRESS_CHANGE = "address", "Modification de l'adresse principale"
    FISCAL_CHANGE = "fiscal", "Modification des informations fiscales"
    BANK_CHANGE = "bank", "Modification des coordonnées bancaires"
    CHILD_CHANGE = "child", "Modification de l'enfant"
    CHILD_ADD = "child_add", "Ajout d'un enfant"
    # Planning (one line per day)
    BOOKING = "booking", "Ajout de réservation"
    ABSENCE = "absence", "Absence"
    CANCELLATION = "cancellation", "Annulation de réservation"
    # Other spaces
    DOCUMENT = "document", "Pièce justificative"
    CRECHE = "creche", "Pré-inscription en crèche"


FAMILY_FILE_KINDS = (
    RequestKind.GUARDIAN_CHANGE,
    RequestKind.ADDRESS_CHANGE,
    RequestKind.FISCAL_CHANGE,
    RequestKind.BANK_CHANGE,
    RequestKind.CHILD_CHANGE,
    RequestKind.CHILD_ADD,
)


class RequestState(models.TextChoices):
    PENDING = "pending", "En cours d'instruction"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"
    PARTIAL = "partial", "Partiellement acceptée"
    # A crèche application the service keeps for a place to free up.
    WAITING = "waiting", "Sur liste d'attente"
    WITHDRAWN = "withdrawn", "Retirée par la famille"


class Request(models.Model):
    """A family's request. Family-file changes hold their proposed values in `changes`:
    {"field": {"before": <value when asked>, "after": <value asked>}} (JSON-ready values),
    so the screen shows them beside the current ones and accepting can detect a file changed since."""

    # Out of Wagtail's reference index (its «Utilisation» of snippets): a request points only at the family, child,
    # activity and account it concerns, never at content. Indexing it cost a task and its queries on every save,
    # inside the activity's lock when a family books (bench/rush.py).
    wagtail_reference_index_ignore = True

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="requests", verbose_name="famille")
    kind = models.CharField("type demande", max_length=20, choices=RequestKind.choices)
    state = models.CharField(
        "état", max_length=10, choices=RequestState.choices, default=RequestState.PENDING, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="requests",
        verbose_name="demandeur",
    )
    guardian = models.ForeignKey(
        Guardian, on_delete=models.CASCADE, null=True, blank=True, related_name="requests", verbose_name="responsable"
    )
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, null=True, blank=True, related_name="requests", verbose_name="enfant"
    )
    activity = models.ForeignKey(
        "espace_famille.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name="activité",
    )
    subject = models.CharField("concerne", max_length=200, blank=True)
    start_date = models.DateField("date de début", null=True, blank=True)
    end_date = models.DateField("date de fin", null=True, blank=True)
    reason = models.CharField("raison", max_length=300, blank=True)
    changes = models.JSONField("valeurs demandées", default=dict, blank=True)
    # An absence declared late is not billed when a justification (medical certificate) comes with it.
    justification = models.FileField("justificatif", upload_to=justification_path, storage=private_storage, blank=True)
    created_at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField("traitée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="traitée par",
    )
    # The family has read every message posted before this instant.
    family_seen_at = models.DateTimeField("lue par la famille le", null=True, blank=True)

    class Meta:
        app_label = "espace_famille"
        verbose_name = "demande"
        verbose_name_plural = "demandes"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["family", "-created_at"]), models.Index(fields=["kind", "state"])]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.subject}" if self.subject else self.get_kind_display()

    @property
    def is_pending(self) -> bool:
        return self.state == RequestState.PENDING


class LineState(models.TextChoices):
    PENDING = "pending", "En cours d'instruction"
    ACCEPTED = "accepted", "Accepté"
    REFUSED = "refused", "Refusé"
    WITHDRAWN = "withdrawn", "Retiré par la famille"


class RequestLine(models.Model):
    """One day of a booking, absence or cancellation request, decided on its own."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="lines", verbose_name="demande")
    day = models.DateField("jour")
    booking = models.ForeignKey(
        "espace_famille.Booking",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name="réservation",
    )
    state = models.CharField("état", max_length=10, choices=LineState.choices, default=LineState.PENDING)
    decided_at = models.DateTimeField("traitée le", null=True, blank=True)

    class Meta:
        app_label = "espace_famille"
        verbose_name = "ligne de demande"
        verbose_name_plural = "lignes de demande"
        ordering = ["day", "pk"]
        indexes = [models.Index(fields=["request", "state"])]

    def __str__(self):
        return f"{formats.date_numeric(self.day)} — {self.get_state_display()}"


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", "Demande enregistrée"
    ACCEPTED = "accepted", "Demande acceptée"
    REFUSED = "refused", "Demande refusée"
    PARTIAL = "partial", "Demande partiellement acceptée"
    WAITING = "waiting", "Demande mise sur liste d'attente"
    UPDATED = "updated", "Demande complétée par la famille"
    WITHDRAWN = "withdrawn", "Demande retirée par la famille"
    MESSAGE = "message", "Message du service"


class RequestEvent(models.Model):
    """An entry of «Historique de la demande»; those visible to the family count as messages until read."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events", verbose_name="demande")
    kind = models.CharField("événement", max_length=10, choices=EventKind.choices)
    created_at = models.DateTimeField("date", auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField("message", blank=True)
    visible_to_family = models.BooleanField("visible par la famille", default=True)

    class Meta:
        app_label = "espace_famille"
        verbose_name = "événement de demande"
        verbose_name_plural = "historique des demandes"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.get_kind_display()


class DecisionNotice(models.Model):
    """One decided day (or one decided family-file request), written with the decision itself.

    `digest_key` names the slot whose email told the family («2019-01-15T13:00+01:00»); empty until then,
    so a slot that did not run leaves its decisions to the next one."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="+", verbose_name="famille")
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="notices", verbose_name="demande")
    line = models.ForeignKey(
        RequestLine, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="jour"
    )
    decided_at = models.DateTimeField("traitée le")
    state = models.CharField("statut", max_length=40)
    message = models.TextField("message du service", blank=True)
    digest_key = models.CharField("accusé de traitement", max_length=40, null=True, blank=True, db_index=True)

    class Meta:
        app_label = "espace_famille"
        verbose_name = "décision à annoncer"
        verbose_name_plural = "décisions à annoncer"
        ordering = ["decided_at", "pk"]
        indexes = [
            models.Index(
                fields=["family", "decided_at"],
                condition=models.Q(digest_key__isnull=True),
                name="notice_undigested",
            )
        ]

    def __str__(self):
        return f"{self.request} — {self.state}"
