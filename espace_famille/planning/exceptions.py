"""Domain errors of the family space, each carrying a French message for the person."""

from django.core.exceptions import ValidationError


class BookingNotAllowed(ValidationError):
    """A booking, absence or cancellation that cannot be asked at all (not the family's child, activity closed)."""

    def __init__(self, message="Cette demande n'est pas possible."):
        super().__init__(message, code="booking_not_allowed")


class AttendanceNotAllowed(ValidationError):
    """A mark of the day sheet that cannot be set: a day invoiced, to come or closed, a child without a place."""

    def __init__(self, message="Ce pointage n'est pas possible."):
        super().__init__(message, code="attendance_not_allowed")
