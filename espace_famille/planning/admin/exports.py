"""The exports of the planning's admin listings (the queue of booking requests, the bookings, the attendance marks),
registered in commun.listing_exports. A day sheet's health data (allergies, diet) stays on the sheet: no export holds
it."""

from commun.listing_exports import Column, ListingExport, register
from espace_famille.demandes.models import Request
from espace_famille.planning.models import Attendance, Booking

BOOKING_REQUESTS = register(
    ListingExport(
        name="demandes-reservations",
        title="Demandes de réservation et d'absence",
        model=Request,
        columns=(
            Column("Famille", "family.name"),
            Column("Enfant", "child"),
            Column("Type demande", "get_kind_display"),
            Column("Activité", "activity.name"),
            Column("Structure", "activity.facility.name"),
            Column("Du", "start_date"),
            Column("Au", "end_date"),
            Column("Nombre de jours", "days_count"),
            Column("Demandée le", "created_at"),
            Column("État", "get_state_display"),
            Column("Traitée le", "decided_at"),
        ),
    )
)

# The first columns of a row about one child's day in one activity (a booking, an attendance mark).
CHILD_DAY = (
    Column("Jour", "day"),
    Column("Enfant", "child"),
    Column("Famille", "child.family.name"),
    Column("Activité", "activity.name"),
    Column("Structure", "activity.facility.name"),
)

BOOKINGS = register(
    ListingExport(
        name="reservations",
        title="Réservations",
        model=Booking,
        columns=(
            *CHILD_DAY,
            Column("État", "get_state_display"),
            Column("Absence justifiée", "justified"),
            Column("Demandé le", "queued_at"),
        ),
    )
)

ATTENDANCES = register(
    ListingExport(
        name="pointages",
        title="Pointages",
        model=Attendance,
        columns=(
            *CHILD_DAY,
            Column("Pointage", "get_status_display"),
            Column("Remarque", "note"),
            Column("Pointé par", "marked_by"),
            Column("Pointé le", "marked_at"),
        ),
    )
)
