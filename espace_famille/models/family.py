"""The family file («dossier famille»): families, guardians, children and subscriptions."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper

from .. import rules
from .accounts import Civility


class Family(models.Model):
    name = models.CharField("nom de la famille", max_length=150)
    subscriber_code = models.CharField(
        "code abonné",
        max_length=32,
        unique=True,
        default=rules.generate_subscriber_code,
        help_text="Code secret transmis à la famille pour relier son compte citoyen à son dossier.",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "famille"
        verbose_name_plural = "familles"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(Upper("subscriber_code"), name="family_subscriber_code_ci_unique"),
        ]

    def __str__(self):
        return f"Famille {self.name}"


class Guardian(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="guardians", verbose_name="famille")
    civility = models.CharField("civilité", max_length=3, choices=Civility.choices, blank=True)
    last_name = models.CharField("nom", max_length=150)
    first_name = models.CharField("prénom", max_length=150)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    mobile = models.CharField("téléphone portable", max_length=30, blank=True)
    position = models.PositiveSmallIntegerField("rang", default=1)

    class Meta:
        verbose_name = "responsable"
        verbose_name_plural = "responsables"
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.first_name} {self.last_name.upper()}"


class Sex(models.TextChoices):
    BOY = "M", "Garçon"
    GIRL = "F", "Fille"


class Child(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="children", verbose_name="famille")
    last_name = models.CharField("nom", max_length=150)
    first_name = models.CharField("prénom", max_length=150)
    birth_date = models.DateField("date de naissance")
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices)

    class Meta:
        verbose_name = "enfant"
        verbose_name_plural = "enfants"
        ordering = ["birth_date", "first_name", "pk"]

    def __str__(self):
        return f"{self.first_name} {self.last_name.upper()}"


class SubscriptionMethod(models.TextChoices):
    CODE = "code", "Code abonné"
    INVOICE = "invoice", "Références d'une facture"
    SIGNUP = "signup", "Code abonné saisi à l'inscription"
    STAFF = "staff", "Ajouté par le service"


class Subscription(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions", verbose_name="compte"
    )
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="subscriptions", verbose_name="famille")
    method = models.CharField("moyen", max_length=10, choices=SubscriptionMethod.choices)
    created_at = models.DateTimeField("date", auto_now_add=True)

    class Meta:
        verbose_name = "abonnement"
        verbose_name_plural = "abonnements"
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "family"], name="subscription_user_family_unique")]

    def __str__(self):
        return f"{self.user} → {self.family}"
