"""Data retention: what the portal stops keeping, and when.

- A family with no activity for `inactive_days` (no request, booked day, invoice, payment, nor login of one of
  its accounts) is anonymised: names, contact details, address, bank and health data, photos, supporting files
  and the values of its requests are erased. Its invoices and payments stay, with their amounts: public
  accounting keeps them ten years.
- An account (not staff) unused for `inactive_days` is deleted.
- Apps add their own steps to STEPS (expired supporting documents, for instance).
- Sent e-mails keep their key (so nothing is sent twice) but lose their contents after `outbox_days`.

Each step takes `dry_run`: it then only says what it would do.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from wagtail.log_actions import log

from espace_facturation.models import Invoice, Payment
from espace_famille.models import (
    AuthorizedContact,
    Booking,
    Child,
    Family,
    Guardian,
    Request,
    Subscription,
    User,
    Vaccination,
)
from notifications.models import OutboxMessage, OutboxStatus

ANONYMOUS = "ANONYME"
PURGED = "(contenu effacé)"


@dataclass
class Report:
    """What one step did (or would do): a line for the command's output, and the objects concerned."""

    label: str
    count: int
    details: list[str]

    def line(self) -> str:
        return f"{self.label} : {self.count}"


@dataclass(frozen=True)
class Step:
    label: str
    run: Callable[..., Report]


def _as_datetime(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, datetime.min.time()))


def family_last_activity() -> dict[int, datetime]:
    """Each family's latest sign of life, in five reads whatever the number of families."""
    latest: dict[int, datetime] = {}
    sources = [
        Family.objects.values_list("pk", "created_at"),
        Request.objects.values("family").annotate(at=Max("created_at")).values_list("family", "at"),
        Booking.objects.values("child__family").annotate(at=Max("day")).values_list("child__family", "at"),
        Invoice.objects.values("family").annotate(at=Max("issued_on")).values_list("family", "at"),
        Payment.objects.values("family").annotate(at=Max("paid_on")).values_list("family", "at"),
        Subscription.objects.values("family").annotate(at=Max("user__last_login")).values_list("family", "at"),
    ]
    for rows in sources:
        for family_id, moment in rows:
            moment = _as_datetime(moment)
            if moment is not None and (family_id not in latest or moment > latest[family_id]):
                latest[family_id] = moment
    return latest


def inactive_families(*, now: datetime, inactive_days: int) -> list[Family]:
    cutoff = now - timedelta(days=inactive_days)
    ids = [family_id for family_id, moment in family_last_activity().items() if moment < cutoff]
    return list(Family.objects.filter(pk__in=ids, anonymised_at__isnull=True).order_by("pk"))


def _erase(field_file) -> None:
    if field_file:
        field_file.delete(save=False)


def family_anonymise(*, family: Family, now: datetime) -> None:
    """Erase the family's personal data, keeping the rows that accounting and statistics need."""
    with transaction.atomic():
        family = Family.objects.select_for_update().get(pk=family.pk)
        if family.anonymised_at:
            return
        for guardian in Guardian.objects.filter(family=family):
            _erase(guardian.photo)
            Guardian.objects.filter(pk=guardian.pk).update(
                civility="",
                family_situation="",
                last_name=ANONYMOUS,
                first_name=ANONYMOUS,
                email="",
                phone="",
                mobile="",
                photo="",
            )
        for child in Child.objects.filter(family=family):
            _erase(child.photo)
            Child.objects.filter(pk=child.pk).update(
                last_name=ANONYMOUS,
                first_name=ANONYMOUS,
                # The year stays, for statistics by age.
                birth_date=child.birth_date.replace(month=1, day=1),
                insurance_company="",
                insurance_number="",
                allergies="",
                diet="",
                photo="",
            )
        Vaccination.objects.filter(child__family=family).delete()
        AuthorizedContact.objects.filter(child__family=family).delete()
        for request in Request.objects.filter(family=family).exclude(justification=""):
            _erase(request.justification)
        Request.objects.filter(family=family).update(changes={}, reason="", subject="", justification="")
        Subscription.objects.filter(family=family).delete()
        family.name = f"{ANONYMOUS} {family.pk}"
        for name in ("allocataire_number", "address_line", "address_complement", "postcode", "city"):
            setattr(family, name, "")
        family.quotient = family.dependants = None
        family.account_holder = family.iban = family.bic = ""
        family.anonymised_at = now
        family.save()
        log(instance=family, action="portail.family.anonymise", data={"reason": "inactivité"})


def anonymise_inactive_families(*, now: datetime, dry_run: bool, inactive_days: int, **_) -> Report:
    families = inactive_families(now=now, inactive_days=inactive_days)
    if not dry_run:
        for family in families:
            family_anonymise(family=family, now=now)
    what = "à anonymiser" if dry_run else "anonymisées"
    return Report(
        f"Familles {what} (aucune activité depuis {inactive_days} jours)",
        len(families),
        [f"{family.name} (n° {family.pk})" for family in families],
    )


def delete_inactive_accounts(*, now: datetime, dry_run: bool, inactive_days: int, **_) -> Report:
    cutoff = now - timedelta(days=inactive_days)
    users = User.objects.filter(is_staff=False, is_superuser=False).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    emails = list(users.order_by("pk").values_list("email", flat=True))
    if not dry_run:
        users.delete()
    what = "à supprimer" if dry_run else "supprimés"
    return Report(f"Comptes citoyens {what} (inutilisés depuis {inactive_days} jours)", len(emails), emails)


def purge_outbox(*, now: datetime, dry_run: bool, outbox_days: int, **_) -> Report:
    done = OutboxMessage.objects.filter(
        status__in=(OutboxStatus.SENT, OutboxStatus.FAILED), created_at__lt=now - timedelta(days=outbox_days)
    ).exclude(subject=PURGED)
    count = done.count()
    if not dry_run:
        done.update(to_email="", subject=PURGED, body_text="", body_html="", last_error="")
    what = "à effacer" if dry_run else "effacés"
    return Report(f"Contenus d'e-mails {what} (envoyés il y a plus de {outbox_days} jours)", count, [])


STEPS: list[Step] = [
    Step("familles", anonymise_inactive_families),
    Step("comptes", delete_inactive_accounts),
    Step("e-mails", purge_outbox),
]


def register_step(step: Step) -> None:
    if all(known.label != step.label for known in STEPS):
        STEPS.insert(len(STEPS) - 1, step)


def run(
    *, dry_run: bool, now: datetime | None = None, inactive_days: int | None = None, outbox_days: int | None = None
):
    options = {
        "now": now or timezone.now(),
        "dry_run": dry_run,
        "inactive_days": inactive_days if inactive_days is not None else settings.RETENTION_INACTIVE_DAYS,
        "outbox_days": outbox_days if outbox_days is not None else settings.RETENTION_OUTBOX_DAYS,
    }
    return [step.run(**options) for step in STEPS]
