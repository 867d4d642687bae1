"""django-q2 callables of supporting documents."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from commun.clock import PARIS
from espace_famille.justificatifs import services
from notifications.schedules import PeriodicTask

REMINDER_HOUR = time(9, 0)


def send_expiry_reminders() -> str:
    sent = services.expiry_reminders_send(days_before=settings.DOCUMENT_REMINDER_DAYS)
    return f"{sent} rappel(s) de pièce justificative"


def _first_run() -> datetime:
    now = timezone.now().astimezone(PARIS)
    at = datetime.combine(now.date(), REMINDER_HOUR, tzinfo=PARIS)
    return at if at > now else at + timedelta(days=1)


SCHEDULES = [
    PeriodicTask(
        name="Rappels des pièces justificatives (09:00)",
        func="espace_famille.justificatifs.tasks.send_expiry_reminders",
        schedule_type="D",
        cron=f"{REMINDER_HOUR.minute} {REMINDER_HOUR.hour} * * *",
        command="send_expiry_reminders",
        first_run=_first_run,
    )
]
