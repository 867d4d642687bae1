"""The municipality's public site: pages authored in Wagtail and site settings."""

from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Site de la collectivité"

    def ready(self):
        from notifications import kinds, signature

        from . import menus, personal_data
        from .models import SiteIdentity

        menus.register_all()
        personal_data.register_all()
        # The site settings sign every email the portal sends.
        signature.provide(lambda: SiteIdentity.current().signature())

        kinds.register(
            kinds.EmailKind(
                slug="contact_form",
                label="Formulaire « Nous contacter »",
                subject="Portail citoyen : nouveau message de {{ expediteur }}",
                body="Un message a été envoyé depuis le formulaire « Nous contacter » :\n\n{{ message }}",
                placeholders={"expediteur": "Adresse e-mail de la personne", "message": "Contenu du formulaire"},
                sample={"expediteur": "jean.durant@example.org", "message": "Objet : Cantine\nBonjour..."},
            )
        )
