"""The family space application."""

from django.apps import AppConfig


class EspaceFamilleConfig(AppConfig):
    name = "espace_famille"
    verbose_name = "Espace famille"

    def ready(self):
        from notifications import kinds

        from . import emails, receivers, subscriptions  # noqa: F401
        from .forms import SubscriberCodeForm
        from .models import SubscriptionMethod
        from .selectors import family_by_subscriber_code

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
        for kind in emails.KINDS:
            kinds.register(kind)
        from notifications import schedules

        from .tasks import SCHEDULES

        for task in SCHEDULES:
            schedules.register(task)

        from . import personal_data

        personal_data.register_all()
