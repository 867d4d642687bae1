"""Decisions waiting for the processing digest («Accusé de traitement») of 13:00 or 18:00."""

from django.db import models

from .family import Family
from .requests import Request, RequestLine


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
