"""django-q2 callables of direct debit: the daily pre-notices, and the lots whose date passed settled."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from commun.clock import PARIS
from notifications.schedules import PeriodicTask

NOTICE_HOUR = time(7, 0)
SETTLE_HOUR = time(7, 30)


def send_debit_notices() -> str:
    from . import debits

    return f"{len(debits.debit_notices_send())} pré-notification(s) de prélèvement"


def settle_debit_batches() -> str:
    from . import debits

    return f"{debits.batches_settle()} prélèvement(s) réglé(s)"


def _daily_at(hour: time):
    def first_run() -> datetime:
        now = timezone.now().astimezone(PARIS)
        at = datetime.combine(now.date(), hour, tzinfo=PARIS)
        return at if at > now else at + timedelta(days=1)

    return first_run


SCHEDULES = [
    PeriodicTask(
        name="Prélèvements : pré-notifications (07:00)",
        func="espace_facturation.debit_tasks.send_debit_notices",
        schedule_type="D",
        cron=f"{NOTICE_HOUR.minute} {NOTICE_HOUR.hour} * * *",
        command="debit_notices",
        first_run=_daily_at(NOTICE_HOUR),
    ),
    PeriodicTask(
        name="Prélèvements : lots échus réglés (07:30)",
        func="espace_facturation.debit_tasks.settle_debit_batches",
        schedule_type="D",
        cron=f"{SETTLE_HOUR.minute} {SETTLE_HOUR.hour} * * *",
        command="debit_settle",
        first_run=_daily_at(SETTLE_HOUR),
    ),
]
