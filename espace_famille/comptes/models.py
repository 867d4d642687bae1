"""Accounts: the citizen account (a custom user whose login is the email), its FranceConnect link, and its
subscriptions to families."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models

from commun.elision import de
from espace_famille.dossier.models import Civility


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField("e-mail (identifiant)", unique=True)
    civility = models.CharField("civilité", max_length=3, choices=Civility.choices, blank=True)
    # A code typed at registration is applied once the email is confirmed, never before.
    pending_subscriber_code = models.CharField(max_length=32, blank=True, editable=False)
    subscriber_code_failed = models.BooleanField(default=False, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()

    class Meta:
        app_label = "espace_famille"
        verbose_name = "compte citoyen"
        verbose_name_plural = "comptes citoyens"

    def __str__(self):
        return self.display_name or self.email

    @property
    def display_name(self) -> str:
        """«M. Jean DURANT», as the guide greets people; empty while the account has no name (a civility alone
        greets nobody: «Bonjour M.,»)."""
        if not (self.first_name or self.last_name):
            return ""
        parts = [self.civility, self.first_name, self.last_name.upper()]
        return " ".join(part for part in parts if part)


class FranceConnectIdentity(models.Model):
    """A citizen account's FranceConnect identity: the `sub` FranceConnect gives this portal for the person."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="franceconnect")
    sub = models.CharField("identifiant FranceConnect", max_length=255, unique=True)
    linked_at = models.DateTimeField("lié le", auto_now_add=True)
    last_login_at = models.DateTimeField("dernière connexion", null=True, blank=True)

    class Meta:
        app_label = "espace_famille"
        verbose_name = "identité FranceConnect"
        verbose_name_plural = "identités FranceConnect"

    def __str__(self):
        return f"FranceConnect {de(self.user)}"
