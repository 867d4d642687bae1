"""django-q2 callables of the family space: thin wrappers around its services."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from commun.clock import PARIS
from espace_famille.demandes import digests
from notifications.schedules import PeriodicTask


def send_digests(scheduled_for: str | None = None) -> str:
    """The processing digest of the slot just ended; django-q2 passes the time it was scheduled for."""
    intended = datetime.fromisoformat(scheduled_for) if scheduled_for else None
    result = digests.digests_send_due(scheduled_for=intended)
    return f"{result.slot} : {result.emails} e-mail(s), {result.families} famille(s), {result.decisions} décision(s)"


def _next(hour: time):
    def first_run() -> datetime:
        now = timezone.now().astimezone(PARIS)
        at = datetime.combine(now.date(), hour, tzinfo=PARIS)
        return at if at > now else datetime.combine(now.date() + timedelta(days=1), hour, tzinfo=PARIS)

    return first_run


# Daily at 13:00 and 18:00, Paris time: django-q2 keeps a daily schedule's local hour across the clock changes
# (a cron schedule would need croniter, which the project does not install).
SCHEDULES = [
    PeriodicTask(
        name=f"Accusés de traitement de {hour:%H}:00",
        func="espace_famille.demandes.tasks.send_digests",
        schedule_type="D",
        cron=f"{hour.minute} {hour.hour} * * *",
        command=f"send_digests --slot {hour:%H}h",
        options={"intended_date_kwarg": "scheduled_for"},
        first_run=_next(hour),
    )
    for hour in digests.SLOT_HOURS
]
