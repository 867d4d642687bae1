"""Comptes: citizen accounts, subscriptions to families (code abonné), FranceConnect, second factor."""

from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "espace_famille.comptes"
    label = "comptes"
    verbose_name = "Comptes"

    def ready(self):
        from commun.menus import MenuItem, register
        from espace_famille.comptes import personal_data, receivers, subscriptions  # noqa: F401
        from espace_famille.comptes.forms import SubscriberCodeForm
        from espace_famille.dossier.models import SubscriptionMethod
        from espace_famille.dossier.selectors import family_by_subscriber_code

        register(
            MenuItem(
                section="principal",
                key="mon_espace",
                label="Mon espace citoyen",
                url_name="espace_famille:mon_espace",
                order=10,
            )
        )
        register(
            MenuItem(
                section="principal",
                key="espace_famille",
                label="Espace famille",
                url_name="espace_famille:home",
                order=20,
            )
        )

        subscriptions.register(
            subscriptions.SubscriptionWay(
                slug=SubscriptionMethod.CODE,
                title="Avec votre code abonné",
                help_text="Code transmis par votre collectivité",
                form_class=SubscriberCodeForm,
                find_family=lambda data: family_by_subscriber_code(code=data["code"]),
                position=20,
            )
        )
        personal_data.register_all()
