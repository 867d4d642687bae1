"""The project package: demo data, retention and security."""

from datetime import datetime, time, timedelta

from django.apps import AppConfig
from django.utils import timezone

RETENTION_HOUR = time(3, 0)


def _next_retention_run() -> datetime:
    from commun.clock import PARIS

    now = timezone.now().astimezone(PARIS)
    at = datetime.combine(now.date(), RETENTION_HOUR, tzinfo=PARIS)
    return at if at > now else at + timedelta(days=1)


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Portail"

    def ready(self):
        from allauth.account.signals import authentication_step_completed
        from allauth.mfa.signals import authenticator_removed
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from notifications import schedules

        from . import admin_scripts, checks, page_cache, security, staff_auth  # noqa: F401 - importing checks registers them

        admin_scripts.install()
        page_cache.connect()

        authentication_step_completed.connect(staff_auth.on_authentication_step, dispatch_uid="portail_2fa_step")
        authenticator_removed.connect(staff_auth.on_authenticator_removed, dispatch_uid="portail_2fa_removed")
        user_logged_out.connect(security.mark_signed_out, dispatch_uid="portail_clear_site_data")
        user_logged_in.connect(security.mark_editor, dispatch_uid="portail_editor")

        schedules.register(
            schedules.PeriodicTask(
                name="Conservation des données (03:00)",
                func="cms.retention.run_scheduled",
                schedule_type="D",
                cron=f"{RETENTION_HOUR.minute} {RETENTION_HOUR.hour} * * *",
                command="retention",
                first_run=_next_retention_run,
            )
        )
