"""Activities and the planning: facilities, activities with their week, the calendar, enrolments, bookings."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from commun import formats
from commun.fields import MoneyField
from espace_famille.dossier.models import Child


class SchoolZone(models.TextChoices):
    A = "A", "Zone A"
    B = "B", "Zone B"
    C = "C", "Zone C"


@register_setting(icon="date")
class CalendarSettings(BaseSiteSetting):
    """The municipality's calendar: its school zone gives the school holidays (from the Ministry's data)."""

    school_zone = models.CharField(
        "zone de vacances scolaires", max_length=1, choices=SchoolZone.choices, default=SchoolZone.B
    )

    class Meta:
        app_label = "espace_famille"
        verbose_name = "calendrier"


class FacilityKind(models.TextChoices):
    SCHOOL = "school", "École"
    LEISURE = "leisure", "Accueil de loisirs"
    CRECHE = "creche", "Crèche"
    OTHER = "other", "Autre"


class Facility(models.Model):
    """A structure («Ecole Lux», an accueil de loisirs, a crèche)."""

    name = models.CharField("nom", max_length=150, unique=True)
    kind = models.CharField("type", max_length=10, choices=FacilityKind.choices, default=FacilityKind.SCHOOL)
    address = models.TextField("adresse", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)

    class Meta:
        app_label = "espace_famille"
        verbose_name = "structure"
        verbose_name_plural = "structures"
        ordering = ["name"]

    def __str__(self):
        return self.name


class HolidayRule(models.TextChoices):
    SCHOOL_TIME = "school", "Hors vacances scolaires (périscolaire)"
    HOLIDAYS = "holidays", "Pendant les vacances scolaires seulement"
    ALWAYS = "always", "Toute l'année"


class DeadlineKind(models.TextChoices):
    DAYS_BEFORE = "days", "N jours avant, à l'heure dite (1 = la veille)"
    WORKING_DAYS = "working", "N jours ouvrés avant, à l'heure dite"


class BillingBasis(models.TextChoices):
    """What an invoicing run bills for an activity: the days booked, or the days attendance says were used."""

    BOOKINGS = "bookings", "Facturation : réservations"
    ATTENDANCE = "attendance", "Facturation : présences"


class Activity(models.Model):
    """An activity («1/Péri MATIN») of a facility, with its week, capacity, deadlines and prices."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="activities", verbose_name="structure"
    )
    code = models.CharField("code", max_length=20, unique=True)
    label = models.CharField("libellé", max_length=100)
    holiday_rule = models.CharField(
        "calendrier", max_length=10, choices=HolidayRule.choices, default=HolidayRule.SCHOOL_TIME
    )
    capacity = models.PositiveIntegerField(
        "capacité par jour", null=True, blank=True, help_text="Laisser vide pour une capacité illimitée."
    )
    booking_deadline_kind = models.CharField(
        "délai de réservation", max_length=10, choices=DeadlineKind.choices, default=DeadlineKind.DAYS_BEFORE
    )
    booking_deadline_days = models.PositiveSmallIntegerField(
        "jours avant (réservation)", default=1, validators=[MaxValueValidator(60)]
    )
    booking_deadline_time = models.TimeField("heure limite (réservation)", default="12:00")
    cancel_deadline_kind = models.CharField(
        "délai d'annulation", max_length=10, choices=DeadlineKind.choices, default=DeadlineKind.DAYS_BEFORE
    )
    cancel_deadline_days = models.PositiveSmallIntegerField(
        "jours avant (absence)", default=1, validators=[MaxValueValidator(60)]
    )
    cancel_deadline_time = models.TimeField("heure limite (absence)", default="12:00")
    late_absence_billed = models.BooleanField(
        "absence tardive facturée",
        default=True,
        help_text="Une absence déclarée après le délai, sans justificatif, est acceptée comme «Absence facturée».",
    )
    auto_accept = models.BooleanField(
        "acceptation automatique",
        default=False,
        help_text="Les demandes qui respectent toutes les règles sont acceptées sans instruction.",
    )
    price = MoneyField("prix par jour", max_digits=7, decimal_places=2, default=0)
    billing_basis = models.CharField(
        "base de facturation",
        max_length=12,
        choices=BillingBasis.choices,
        default=BillingBasis.BOOKINGS,
        help_text=(
            "Présences : les jours pointés sur la feuille de présence sont facturés (présent, présent sans "
            "réservation, absent non justifié) à la place des jours réservés ; un jour non pointé reste facturé "
            "selon sa réservation."
        ),
    )
    # Where the régie's accounts book what this activity earns (its journal, espace_facturation.journal).
    accounting_code = models.CharField(
        "imputation comptable",
        max_length=20,
        blank=True,
        help_text="Compte de produit de l'activité, par exemple « 7066 ». Vide : l'imputation par défaut de la régie.",
    )
    active = models.BooleanField("active", default=True)
    # The yearly «attestation de frais de garde» (childcare of children under six): which activities count.
    childcare_certificate = models.BooleanField(
        "ouvre droit à l'attestation de frais de garde",
        default=False,
        help_text="Crèche, garderie, accueil de loisirs : les sommes payées figurent sur l'attestation annuelle.",
    )
    certificate_excludes_meals = models.BooleanField(
        "exclure les repas",
        default=False,
        help_text="Le repas est facturé dans le prix du jour : sa part n'ouvre pas droit au crédit d'impôt.",
    )
    meal_price = MoneyField(
        "part repas par jour",
        max_digits=7,
        decimal_places=2,
        default=0,
        help_text="Retirée de chaque jour facturé sur l'attestation quand « exclure les repas » est coché.",
    )

    class Meta:
        app_label = "espace_famille"
        verbose_name = "activité"
        verbose_name_plural = "activités"
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """«1/Péri MATIN»: the code and the label as the guide shows them."""
        return f"{self.code}/{self.label}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "lundi"
    TUESDAY = 1, "mardi"
    WEDNESDAY = 2, "mercredi"
    THURSDAY = 3, "jeudi"
    FRIDAY = 4, "vendredi"
    SATURDAY = 5, "samedi"
    SUNDAY = 6, "dimanche"


class SlotPeriod(models.TextChoices):
    ALL = "all", "toute l'année (selon le calendrier de l'activité)"
    SCHOOL = "school", "en période scolaire seulement"
    HOLIDAYS = "holidays", "pendant les vacances scolaires seulement"


class ActivitySlot(models.Model):
    """A weekday the activity runs, with its hours («07:35 - 08:20»).

    An accueil de loisirs runs on Wednesdays all year but on Mondays only in the holidays: `period` says so."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="slots", verbose_name="activité")
    weekday = models.PositiveSmallIntegerField("jour", choices=Weekday.choices)
    period = models.CharField("période", max_length=10, choices=SlotPeriod.choices, default=SlotPeriod.ALL)
    start_time = models.TimeField("début")
    end_time = models.TimeField("fin")

    class Meta:
        app_label = "espace_famille"
        verbose_name = "jour d'ouverture"
        verbose_name_plural = "jours d'ouverture"
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "weekday"], name="slot_one_per_weekday"),
            models.CheckConstraint(condition=models.Q(end_time__gt=models.F("start_time")), name="slot_ends_after"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} ({self.start_time:%H.%M} - {self.end_time:%H.%M})"


class ActivityPrice(models.Model):
    """A price by band of quotient familial; the activity's own price applies when no band matches."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="prices", verbose_name="activité")
    quotient_max = models.PositiveIntegerField(
        "quotient familial jusqu'à", null=True, blank=True, help_text="Vide : au-delà de toutes les tranches."
    )
    amount = MoneyField("prix par jour", max_digits=7, decimal_places=2)

    class Meta:
        app_label = "espace_famille"
        verbose_name = "tarif"
        verbose_name_plural = "tarifs"
        ordering = [models.F("quotient_max").asc(nulls_last=True)]

    def __str__(self):
        return formats.money(self.amount)


class Closure(models.Model):
    """Days the service closes, beyond public and school holidays: for all activities, a facility or one activity."""

    label = models.CharField("motif", max_length=150)
    start_date = models.DateField("du")
    end_date = models.DateField("au")
    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, null=True, blank=True, related_name="closures", verbose_name="structure"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="closures", verbose_name="activité"
    )

    class Meta:
        app_label = "espace_famille"
        verbose_name = "fermeture"
        verbose_name_plural = "fermetures"
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="closure_ends_after")
        ]

    def __str__(self):
        return f"{self.label} ({formats.date_numeric(self.start_date)} – {formats.date_numeric(self.end_date)})"


class Enrolment(models.Model):
    """A child enrolled in an activity for a period, on some weekdays (0 = Monday)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="enrolments", verbose_name="enfant")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="enrolments", verbose_name="activité")
    start_date = models.DateField("du")
    end_date = models.DateField("au")
    weekdays = models.JSONField("jours", default=list, help_text="Jours de la semaine, 0 = lundi.")

    class Meta:
        app_label = "espace_famille"
        verbose_name = "inscription"
        verbose_name_plural = "inscriptions"
        ordering = ["child", "activity__code", "start_date"]
        indexes = [models.Index(fields=["child", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="enrolment_ends_after"
            )
        ]

    def __str__(self):
        return f"{self.child} — {self.activity} ({formats.period(self.start_date, self.end_date)})"


class BookingState(models.TextChoices):
    """The legend of the planning. «Non réservé» has no row."""

    NOT_BOOKED = "none", "Non réservé"
    PENDING = "pending", "Réservation en attente"
    BOOKED = "booked", "Réservé"
    REFUSED = "refused", "Réservation refusée"
    CANCELLED = "cancelled", "Réservation annulée"
    WAITING = "waiting", "En liste d'attente"
    ABSENCE_PENDING = "abs_pending", "Absence en attente"
    ABSENCE_REFUSED = "abs_refused", "Absence refusée"
    ABSENCE_BILLED = "abs_billed", "Absence facturée"
    ABSENT = "absent", "Absence"


class Booking(models.Model):
    """The state of one day of one child in one activity. `queued_at` orders the waiting list."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="bookings", verbose_name="enfant")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="bookings", verbose_name="activité")
    day = models.DateField("jour")
    state = models.CharField("état", max_length=12, choices=BookingState.choices)
    queued_at = models.DateTimeField("demandé le")
    justified = models.BooleanField("justifiée", default=False)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        app_label = "espace_famille"
        verbose_name = "réservation"
        verbose_name_plural = "réservations"
        ordering = ["day", "activity__code"]
        constraints = [models.UniqueConstraint(fields=["child", "activity", "day"], name="booking_one_per_day")]
        indexes = [
            models.Index(fields=["activity", "day", "state"]),
            models.Index(fields=["child", "day"]),
        ]

    def __str__(self):
        return f"{self.child} — {self.activity} — {formats.date_numeric(self.day)} : {self.get_state_display()}"


class BookingHistory(models.Model):
    """The audit trail of a day: who moved it from which state to which, when and why."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="history", verbose_name="réservation")
    from_state = models.CharField("de", max_length=12, choices=BookingState.choices)
    to_state = models.CharField("à", max_length=12, choices=BookingState.choices)
    at = models.DateTimeField("le", auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par"
    )
    request = models.ForeignKey(
        "espace_famille.Request", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField("motif", max_length=200, blank=True)

    class Meta:
        app_label = "espace_famille"
        verbose_name = "historique de réservation"
        verbose_name_plural = "historique des réservations"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


class AttendanceStatus(models.TextChoices):
    """What the staff mark for a child on the day sheet (the attendance register)."""

    PRESENT = "present", "Présent"
    ABSENT_JUSTIFIED = "justified", "Absent justifié"
    ABSENT_UNJUSTIFIED = "unjustified", "Absent non justifié"
    PRESENT_UNBOOKED = "unbooked", "Présent sans réservation"


class Attendance(models.Model):
    """Whether a child came one day to one activity, as the staff marked it on the day sheet.

    The booking of the same day (if any) keeps its own state: attendance says what happened, the booking what was
    asked. An activity billed by attendance bills from these rows (see rules.day_billing)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="attendances", verbose_name="enfant")
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="attendances", verbose_name="activité"
    )
    day = models.DateField("jour")
    status = models.CharField("pointage", max_length=12, choices=AttendanceStatus.choices)
    note = models.CharField("remarque", max_length=200, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="pointé par",
    )
    marked_at = models.DateTimeField("pointé le")

    class Meta:
        app_label = "espace_famille"
        verbose_name = "présence"
        verbose_name_plural = "présences"
        ordering = ["day", "activity__code", "child__last_name", "child__first_name"]
        constraints = [models.UniqueConstraint(fields=["child", "activity", "day"], name="attendance_one_per_day")]
        indexes = [models.Index(fields=["activity", "day"])]
        permissions = [("mark_attendance", "Pointer les présences sur la feuille de présence")]

    def __str__(self):
        return f"{self.child} — {self.activity} — {formats.date_numeric(self.day)} : {self.get_status_display()}"
