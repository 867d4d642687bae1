"""Tables of the shared layer: the intents already carried out."""

from django.db import models

from . import formats


class UsedIntent(models.Model):
    """An intent carried out: its nonce can never be consumed again.

    Written in the transaction of the action it confirms, so an action rolled back leaves its intent unused.
    No person is named here: the nonce is random and the action a code name."""

    nonce = models.CharField(max_length=32, primary_key=True)
    action = models.CharField(max_length=100)
    used_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "intention exécutée"
        verbose_name_plural = "intentions exécutées"

    def __str__(self):
        return f"{self.action} ({formats.datetime_numeric(self.used_at)})"
