"""The family file («dossier famille»): families, guardians, children, their health data, contacts and photos."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models.functions import Upper

from espace_famille.dossier import rules


class Civility(models.TextChoices):
    MR = "M.", "M."
    MRS = "Mme", "Mme"


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
    # Set by the retention command: the file keeps no personal data any more (invoices keep their amounts).
    anonymised_at = models.DateTimeField("anonymisée le", null=True, blank=True, editable=False)
    # «Informations fiscales»
    quotient = models.PositiveIntegerField("quotient familial", null=True, blank=True)
    allocataire_number = models.CharField("N° allocataire", max_length=20, blank=True)
    dependants = models.PositiveSmallIntegerField("nombre d'enfants à charge", null=True, blank=True)
    # «Adresse» (the main address of the family)
    address_line = models.CharField("adresse", max_length=200, blank=True)
    address_complement = models.CharField("complément d'adresse", max_length=200, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("commune", max_length=100, blank=True)
    # Bank data for direct debit
    account_holder = models.CharField("titulaire du compte", max_length=150, blank=True)
    iban = models.CharField("IBAN", max_length=34, blank=True)
    bic = models.CharField("BIC", max_length=11, blank=True)
    # «Mode de paiement» of the billing space: with a mandate, the régies that debit collect the invoices.
    direct_debit = models.BooleanField("prélèvement automatique", default=False)

    class Meta:
        app_label = "espace_famille"
        verbose_name = "famille"
        verbose_name_plural = "familles"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(Upper("subscriber_code"), name="family_subscriber_code_ci_unique"),
        ]
        # The admin shows IBANs masked; whoever holds this reads one in full through «Afficher l'IBAN», audited.
        permissions = [("view_full_iban", "Afficher l'IBAN complet d'une famille")]

    def __str__(self):
        return f"Famille {self.name}"


def photo_path(instance, filename):
    # The name says nothing about the person; the view that serves it checks the family.
    return f"photos/{instance.family_id}/{instance._meta.model_name}-{instance.pk}-{filename}"


def private_storage():
    return storages["private"]


class FamilySituation(models.TextChoices):
    MARRIED = "marie", "Marié(e)"
    PACS = "pacse", "Pacsé(e)"
    COHABITING = "concubin", "Vie maritale"
    SINGLE = "celibataire", "Célibataire"
    SEPARATED = "separe", "Séparé(e)"
    DIVORCED = "divorce", "Divorcé(e)"
    WIDOWED = "veuf", "Veuf / veuve"


class Quality(models.TextChoices):
    FATHER = "pere", "Père"
    MOTHER = "mere", "Mère"
    STEP_FATHER = "beau-pere", "Beau-père"
    STEP_MOTHER = "belle-mere", "Belle-mère"
    GUARDIAN = "tuteur", "Tuteur / tutrice"
    OTHER = "autre", "Autre"


class Guardian(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="guardians", verbose_name="famille")
    civility = models.CharField("civilité", max_length=3, choices=Civility.choices, blank=True)
    family_situation = models.CharField(
        "situation familiale", max_length=12, choices=FamilySituation.choices, blank=True
    )
    last_name = models.CharField("nom", max_length=150)
    first_name = models.CharField("prénom", max_length=150)
    quality = models.CharField("qualité", max_length=12, choices=Quality.choices, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    mobile = models.CharField("téléphone portable", max_length=30, blank=True)
    accepts_email = models.BooleanField("accepte de recevoir des emails", default=True)
    accepts_sms = models.BooleanField("accepte de recevoir des SMS", default=False)
    photo = models.ImageField("photo", upload_to=photo_path, storage=private_storage, blank=True)
    position = models.PositiveSmallIntegerField("rang", default=1)

    class Meta:
        app_label = "espace_famille"
        verbose_name = "responsable"
        verbose_name_plural = "responsables"
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.first_name} {self.last_name.upper()}"


class Sex(models.TextChoices):
    BOY = "M", "Garçon"
    GIRL = "F", "Fille"


class Diet(models.TextChoices):
    # A closed list of practices, none named after a religion.
    NONE = "", "Aucune"
    NO_PORK = "sans-porc", "Sans porc"
    NO_MEAT = "sans-viande", "Sans viande"
    VEGETARIAN = "vegetarien", "Végétarien"
    NO_GLUTEN = "sans-gluten", "Sans gluten"
    PAI = "pai", "Panier repas (PAI)"


class Child(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="children", verbose_name="famille")
    last_name = models.CharField("nom", max_length=150)
    first_name = models.CharField("prénom", max_length=150)
    birth_date = models.DateField("date de naissance")
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices)
    insurance_company = models.CharField("compagnie d'assurance", max_length=150, blank=True)
    insurance_number = models.CharField("N° de la compagnie", max_length=50, blank=True)
    glasses = models.BooleanField("port de lunettes", default=False)
    dental_appliance = models.BooleanField("port d'un appareil dentaire", default=False)
    hearing_aid = models.BooleanField("port d'un appareil auditif", default=False)
    allows_sport = models.BooleanField("J'autorise mon enfant à pratiquer du sport", default=False)
    allows_photo = models.BooleanField("J'autorise mon enfant à être pris en photo", default=False)
    allows_leave_alone = models.BooleanField("J'autorise mon enfant à partir seul", default=False)
    allows_outings = models.BooleanField("J'autorise mon enfant à participer aux sorties scolaires", default=False)
    allows_hospitalisation = models.BooleanField(
        "J'autorise mon enfant à être hospitalisé en cas de besoin", default=False
    )
    diet = models.CharField("pratiques alimentaires", max_length=12, choices=Diet.choices, blank=True)
    allergies = models.TextField("allergies", blank=True)
    photo = models.ImageField("photo", upload_to=photo_path, storage=private_storage, blank=True)

    class Meta:
        app_label = "espace_famille"
        verbose_name = "enfant"
        verbose_name_plural = "enfants"
        ordering = ["birth_date", "first_name", "pk"]

    def __str__(self):
        return f"{self.first_name} {self.last_name.upper()}"


class Vaccination(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="vaccinations", verbose_name="enfant")
    name = models.CharField("vaccin", max_length=100)
    date = models.DateField("date de vaccination")
    booster_date = models.DateField("date de rappel", null=True, blank=True)

    class Meta:
        app_label = "espace_famille"
        verbose_name = "vaccin"
        verbose_name_plural = "vaccins"
        ordering = ["date", "pk"]

    def __str__(self):
        return self.name


class Relationship(models.TextChoices):
    GRANDPARENT = "grand-parent", "Grand-parent"
    UNCLE_AUNT = "oncle-tante", "Oncle / Tante"
    SIBLING = "frere-soeur", "Frère / Sœur"
    NEIGHBOUR = "voisin", "Voisin / voisine"
    FRIEND = "ami", "Ami(e) de la famille"
    CHILDMINDER = "assistante", "Assistant(e) maternel(le)"
    OTHER = "autre", "Autre"


class AuthorizedContact(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="contacts", verbose_name="enfant")
    full_name = models.CharField("nom complet", max_length=150)
    mobile = models.CharField("mobile", max_length=30, blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    relationship = models.CharField("lien de parenté", max_length=15, choices=Relationship.choices)
    emergency_call = models.BooleanField("appelé en cas d'urgence", default=False)
    can_pick_up = models.BooleanField("autorisé à récupérer l'enfant", default=False)

    class Meta:
        app_label = "espace_famille"
        verbose_name = "adulte habilité"
        verbose_name_plural = "adultes habilités"
        ordering = ["full_name", "pk"]

    def __str__(self):
        return self.full_name


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
    # Secret of the private calendar feed (iCalendar) of the family's booked days; renewed on demand.
    calendar_token = models.CharField("jeton du calendrier", max_length=64, unique=True, null=True, blank=True)

    class Meta:
        app_label = "espace_famille"
        verbose_name = "abonnement"
        verbose_name_plural = "abonnements"
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "family"], name="subscription_user_family_unique")]

    def __str__(self):
        return f"{self.user} → {self.family}"
