"""Errors of supporting documents, with the French message shown beside the field."""


class InvalidDocument(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
