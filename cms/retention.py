"""The daily retention job of the project: it runs the registry's periods (commun.retention) with its settings."""

from collections.abc import Callable
from datetime import datetime

from commun import intents, retention


def run(
    *,
    dry_run: bool,
    now: datetime | None = None,
    inactive_days: int | None = None,
    outbox_days: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[retention.Report]:
    """`inactive_days` and `outbox_days` override RETENTION_INACTIVE_DAYS and RETENTION_OUTBOX_DAYS; `progress(1)`
    follows each step."""
    periods = {}
    if inactive_days is not None:
        periods["RETENTION_INACTIVE_DAYS"] = inactive_days
    if outbox_days is not None:
        periods["RETENTION_OUTBOX_DAYS"] = outbox_days
    return retention.run(dry_run=dry_run, now=now, periods=periods, progress=progress)


def run_scheduled() -> None:
    """The django-q2 task scheduled at 03:00 (cms.apps); it also forgets intents no token can still name."""
    run(dry_run=False)
    intents.purge()
