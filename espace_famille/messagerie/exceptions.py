"""Domain errors of the messages to families, each with its French message."""

from django.core.exceptions import ValidationError


class MessageInvalid(ValidationError):
    """The message cannot be sent as written (no channel, an SMS too long, nobody to send it to)."""
