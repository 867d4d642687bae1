"""Messagerie: the service's messages to families (one family, an activity's, a facility's), by e-mail and SMS,
found again in «Mon espace citoyen» / «Mes messages»."""

from django.apps import AppConfig


class MessagerieConfig(AppConfig):
    name = "espace_famille.messagerie"
    label = "messagerie"
    verbose_name = "Messages aux familles"

    def ready(self):
        from espace_famille.messagerie import emails, menus, personal_data
        from notifications import kinds

        for kind in emails.KINDS:
            kinds.register(kind)
        menus.register_all()
        personal_data.register_all()
