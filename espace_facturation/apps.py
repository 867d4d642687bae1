"""The billing space application."""

from django.apps import AppConfig


class EspaceFacturationConfig(AppConfig):
    name = "espace_facturation"
    verbose_name = "Espace facturation"

    def ready(self):
        from commun.menus import MenuItem, register
        from espace_famille.comptes import subscriptions
        from espace_famille.dossier.models import SubscriptionMethod
        from notifications import kinds

        from . import emails
        from .forms import InvoiceSubscriptionForm
        from .selectors import family_by_invoice_references

        register(
            MenuItem(
                section="principal",
                key="espace_facturation",
                label="Espace facturation",
                url_name="espace_facturation:home",
                order=30,
            )
        )
        blocks = [
            ("invoices", "Mes Factures", "Vos factures, à télécharger et à payer en ligne."),
            ("operations", "Mes Opérations", "Factures et règlements, et ce qui reste à payer."),
            ("payments", "Mes Règlements", "Les règlements que vous avez effectués, et leurs reçus."),
            ("certificates", "Mes attestations", "Vos attestations de frais de garde, pour la déclaration de revenus."),
        ]
        for order, (key, label, description) in enumerate(blocks, start=1):
            register(
                MenuItem(
                    section="espace_facturation",
                    key=key,
                    label=label,
                    url_name=f"espace_facturation:{key}",
                    order=order * 10,
                    description=description,
                )
            )

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
        from . import debit_emails, debit_tasks
        from .mandates import mandates_follow_family

        for kind in debit_emails.KINDS:
            kinds.register(kind)
        from espace_famille.dossier.signals import bank_details_changed

        # An accepted choice of «prélèvement» (or a new IBAN) makes or amends the family's mandates.
        bank_details_changed.connect(mandates_follow_family, dispatch_uid="espace_facturation_mandates")
        from . import personal_data

        personal_data.register_all()

        from espace_famille.planning import invoiced

        from .selectors import invoiced_days

        # The day sheet locks the attendance of a day an invoice bills.
        invoiced.register(invoiced_days)

        from notifications import schedules

        from . import tasks

        for task in tasks.SCHEDULES:
            schedules.register(task)
        # «Établir les attestations» queues the run for a worker; without the cluster, cron runs what was started.
        schedules.register_cron_only(
            schedules.CronJob(
                name="Attestations de frais de garde lancées depuis l'administration",
                cron="*/5 * * * *",
                command="attestations_frais_de_garde --pending",
            )
        )
        for task in debit_tasks.SCHEDULES:
            schedules.register(task)

        # The admin's «Émettre» queues the run for a worker; without the cluster, cron runs what was started.
        schedules.register_cron_only(
            schedules.CronJob(
                name="Facturations lancées depuis l'administration",
                cron="*/5 * * * *",
                command="invoicing_run --pending",
            )
        )
