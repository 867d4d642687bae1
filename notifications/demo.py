"""The demo's e-mail templates: one per kind of e-mail the apps registered, with its default text. Safe to run
twice: a template already there keeps what the service wrote in it."""

from notifications import kinds
from notifications.models import EmailTemplate


def load():
    for kind in kinds.all_kinds():
        EmailTemplate.objects.get_or_create(
            kind=kind.slug,
            defaults={"subject": kind.subject, "body": kind.body, "button_label": kind.button_label, "zone": kind.zone},
        )
