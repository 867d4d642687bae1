"""System checks that refuse a production server set up like a demo, or an install whose tasks nobody would run:
Django stops at `check`, `migrate` and `runserver` with the error's French explanation."""

from django.conf import settings
from django.core.checks import Error, register

SIMULATOR_ENABLED = "portail.E001"
ALTCHA_SECRET_MISSING = "portail.E002"
TASKS_RUNNER_UNKNOWN = "portail.E003"


@register()
def production_settings(app_configs=None, **kwargs) -> list[Error]:
    if not getattr(settings, "PRODUCTION", False):
        return []
    errors = []
    if settings.PAYMENT_SIMULATOR:
        errors.append(
            Error(
                "Le simulateur de paiement est activé : n'importe quel parent pourrait marquer ses factures payées.",
                hint="Retirez PAYMENT_SIMULATOR de l'environnement de production.",
                id=SIMULATOR_ENABLED,
            )
        )
    if not settings.ALTCHA_HMAC_SECRET or settings.ALTCHA_HMAC_SECRET == settings.SECRET_KEY:
        errors.append(
            Error(
                "Le captcha (ALTCHA) n'a pas de secret propre : ses défis signés avec la clé du site la "
                "rendraient plus facile à attaquer.",
                hint="Donnez à ALTCHA_HMAC_SECRET une valeur aléatoire distincte de SECRET_KEY.",
                id=ALTCHA_SECRET_MISSING,
            )
        )
    return errors


@register()
def tasks_runner(app_configs=None, **kwargs) -> list[Error]:
    from commun import tasks

    if tasks.runner() in tasks.RUNNERS:
        return []
    return [
        Error(
            f"PORTAIL_TASKS vaut « {tasks.runner()} » : les tâches ne seraient lancées par personne.",
            hint="PORTAIL_TASKS=cluster (django-q2, par défaut) ou PORTAIL_TASKS=cron (la crontab que "
            "« manage.py register_schedules » affiche).",
            id=TASKS_RUNNER_UNKNOWN,
        )
    ]
