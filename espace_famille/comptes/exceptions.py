"""Domain errors of the family space, each carrying a French message for the person."""

from django.core.exceptions import ValidationError


class SubscriptionNotFound(ValidationError):
    def __init__(
        self, message="Aucun dossier famille ne correspond aux informations saisies. Vérifiez-les et réessayez."
    ):
        super().__init__(message, code="subscription_not_found")


class SubscriptionThrottled(ValidationError):
    def __init__(self):
        super().__init__(
            "Trop de tentatives infructueuses. Par sécurité, réessayez dans une heure ou contactez le service.",
            code="subscription_throttled",
        )


class FranceConnectRefused(ValidationError):
    """The FranceConnect identity cannot be linked to this account, or the account cannot be opened: already
    linked elsewhere, an address not confirmed, a second factor the password alone must not bypass."""

    def __init__(self, message):
        super().__init__(message, code="franceconnect_refused")
