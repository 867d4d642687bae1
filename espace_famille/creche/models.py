"""Models of the creche application: a family's draft and its submitted, frozen application."""

from datetime import date

from django.db import models

from commun.elision import de
from espace_famille.demandes.models import Request
from espace_famille.dossier.models import Family
from espace_famille.planning.models import Facility


class CrecheDraft(models.Model):
    """The wizard's answers kept between steps and sessions: one row per family."""

    family = models.OneToOneField(Family, on_delete=models.CASCADE, related_name="creche_draft", verbose_name="famille")
    data = models.JSONField("saisie", default=dict, blank=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    class Meta:
        verbose_name = "brouillon de pré-inscription"
        verbose_name_plural = "brouillons de pré-inscription"

    def __str__(self) -> str:
        return f"Brouillon {self.family}"


class CrecheApplication(models.Model):
    """A submitted pre-registration: the frozen answers beside its Request."""

    request = models.OneToOneField(
        Request, on_delete=models.CASCADE, related_name="creche_application", verbose_name="demande"
    )
    data = models.JSONField("saisie", default=dict)
    child_first_name = models.CharField("prénom de l'enfant", max_length=150)
    first_choice = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+", verbose_name="choix 1")
    choices = models.ManyToManyField(Facility, related_name="creche_applications", verbose_name="établissements")
    entry_date = models.DateField("date d'entrée souhaitée", db_index=True)

    class Meta:
        verbose_name = "pré-inscription en crèche"
        verbose_name_plural = "pré-inscriptions en crèche"
        permissions = [("decide_crecheapplication", "Peut décider des pré-inscriptions en crèche")]

    def __str__(self) -> str:
        return f"Pré-inscription {de(self.child_first_name)} — {self.first_choice}"

    @property
    def child_birth_date(self) -> date | None:
        """The child's (expected) birth date, kept as the draft's JSON wrote it."""
        try:
            return date.fromisoformat(self.data.get("child_birth_date") or "")
        except ValueError:
            return None
