"""Errors of supporting documents, with the French message shown beside the field."""

from django.core.exceptions import ValidationError


class InvalidDocument(ValidationError):
    def __init__(self, message: str):
        super().__init__(message, code="invalid_document")
        self.message = message
