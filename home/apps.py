"""The municipality's public site: pages authored in Wagtail and site settings."""

from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Site de la collectivité"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page, PageViewRestriction, Site, get_page_models
        from wagtail.signals import post_page_move

        from notifications import kinds, signature

        from . import menus, personal_data
        from .models import SiteIdentity, signature_forget, view_restrictions_forget

        menus.register_all()
        personal_data.register_all()
        # The site settings sign every email the portal sends.
        signature.provide(SiteIdentity.current_signature)
        # Any page saved (a draft too, an alias created), moved or deleted, any restriction: the tree's restrictions
        # again. Each page class sends its own signals: every one is connected, and only they.
        for model in (PageViewRestriction, Page, *get_page_models()):
            label = model._meta.label
            post_save.connect(view_restrictions_forget, sender=model, dispatch_uid=f"view_restrictions_saved_{label}")
            post_delete.connect(
                view_restrictions_forget, sender=model, dispatch_uid=f"view_restrictions_deleted_{label}"
            )
        post_page_move.connect(view_restrictions_forget, dispatch_uid="view_restrictions_moved")
        for model in (SiteIdentity, Site):
            post_save.connect(signature_forget, sender=model, dispatch_uid=f"signature_saved_{model._meta.label}")
            post_delete.connect(signature_forget, sender=model, dispatch_uid=f"signature_deleted_{model._meta.label}")

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
