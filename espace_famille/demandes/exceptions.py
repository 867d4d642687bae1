"""Domain errors of the family space, each carrying a French message for the person."""

from django.core.exceptions import ValidationError


class InvalidTransition(ValidationError):
    def __init__(self, message="Cette demande a déjà été traitée."):
        super().__init__(message, code="invalid_transition")


class StaleRequest(ValidationError):
    """The file changed since the family asked: the instructor must look at fresh values before accepting."""

    def __init__(self, fields: list[str]):
        self.fields = fields
        super().__init__(
            "Le dossier a été modifié depuis cette demande. Vérifiez les valeurs actuelles avant d'accepter.",
            code="stale_request",
        )


class AlreadyWithdrawn(InvalidTransition):
    def __init__(self):
        super().__init__("Cette demande a déjà été retirée.")


class NotWithdrawable(InvalidTransition):
    """The request is no longer pending, or its kind cannot be withdrawn (`kind=True`)."""

    def __init__(self, *, kind: bool = False):
        if kind:
            super().__init__("Une demande de ce type ne peut pas être retirée.")
        else:
            super().__init__("Cette demande a déjà été traitée : elle ne peut plus être retirée.")
