"""The billing space application."""

from django.apps import AppConfig


class EspaceFacturationConfig(AppConfig):
    name = "espace_facturation"
    verbose_name = "Espace facturation"

    def ready(self):
        from espace_famille.comptes import subscriptions
        from espace_famille.dossier.models import SubscriptionMethod
        from notifications import kinds

        from . import emails
        from .forms import InvoiceSubscriptionForm
        from .selectors import family_by_invoice_references

        subscriptions.register(
            subscriptions.SubscriptionWay(
                slug=SubscriptionMethod.INVOICE,
                title="Avec une de vos factures",
                help_text="Références situées dans une de vos factures émises par votre collectivité",
                form_class=InvoiceSubscriptionForm,
                find_family=lambda data: family_by_invoice_references(**data),
                position=10,
            )
        )
        for kind in emails.KINDS:
            kinds.register(kind)
        from . import personal_data

        personal_data.register_all()
