"""django-q2 callables of billing: thin wrappers around its services, and its periodic tasks."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from commun import formats
from commun.clock import PARIS
from notifications.schedules import PeriodicTask

from . import certificates, reminders
from .models import CertificateRun, InvoicingRun
from .services import invoicing_run_execute as execute

REMINDERS_AT = time(8, 30)
CERTIFICATES_AT = time(6, 0)
# The certificates of the past year are made on this day of January.
CERTIFICATES_DAY = 5


def invoicing_run_execute(run_id: int) -> str:
    run = execute(run=InvoicingRun.objects.select_related("regie", "created_by").get(pk=run_id))
    return f"{run}: {run.invoice_count} facture(s), {formats.money(run.total_amount)}"


def certificate_run_execute(run_id: int) -> str:
    run = certificates.certificate_run_execute(run=CertificateRun.objects.select_related("created_by").get(pk=run_id))
    return f"{run} : {run.created_count} attestation(s)"


def send_reminders() -> str:
    return f"{len(reminders.reminders_send())} relance(s) de facture"


def certificates_of_last_year() -> str:
    """January's schedule: the past year's certificates, made as no person (the schedule) and run at once."""
    year = timezone.localdate().year - 1
    run = certificates.certificate_run_start(year=year, by=None, queue=False)
    return certificate_run_execute(run.pk)


def _next_reminders_run() -> datetime:
    now = timezone.now().astimezone(PARIS)
    at = datetime.combine(now.date(), REMINDERS_AT, tzinfo=PARIS)
    return at if at > now else at + timedelta(days=1)


def _next_january() -> datetime:
    now = timezone.now().astimezone(PARIS)
    at = datetime(now.year, 1, CERTIFICATES_DAY, CERTIFICATES_AT.hour, CERTIFICATES_AT.minute, tzinfo=PARIS)
    return at if at > now else at.replace(year=now.year + 1)


SCHEDULES = [
    PeriodicTask(
        name="Relances des factures impayées (08:30)",
        func="espace_facturation.tasks.send_reminders",
        schedule_type="D",
        cron=f"{REMINDERS_AT.minute} {REMINDERS_AT.hour} * * *",
        command="relances",
        first_run=_next_reminders_run,
    ),
    PeriodicTask(
        name="Attestations de frais de garde de l'année passée (janvier)",
        func="espace_facturation.tasks.certificates_of_last_year",
        schedule_type="Y",
        cron=f"{CERTIFICATES_AT.minute} {CERTIFICATES_AT.hour} {CERTIFICATES_DAY} 1 *",
        command="attestations_frais_de_garde",
        first_run=_next_january,
    ),
]
