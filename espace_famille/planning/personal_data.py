"""The planning in the personal-data registry: enrolments, booked days, their history and attendance."""

from commun.personal_data import Anonymise, PersonalData, Section, WithFamily, exempt, register
from espace_famille.planning import export
from espace_famille.planning.models import Activity, Attendance, Booking, BookingHistory, Enrolment, Facility


def register_all() -> None:
    register(
        # Enrolments and booked days stay for billing and attendance statistics: the child is anonymised.
        PersonalData(
            Enrolment,
            family="child__family",
            rules=(),
            export=Section(
                "planning",
                export.collect_planning,
                export.render_planning,
                "les inscriptions des enfants aux activités et l'état de chaque jour réservé ou demandé",
            ),
        ),
        PersonalData(Booking, family="child__family", activity="day", rules=(), export="planning"),
        # Attendance is kept with the days for billing and statistics; the staff's free note goes with the family.
        PersonalData(
            Attendance,
            family="child__family",
            activity="day",
            rules=(WithFamily(Anonymise({"note": ""})),),
            export="planning",
        ),
        # The audit trail of a day, for the service; the family reads its days and its requests' history.
        PersonalData(
            BookingHistory, family="booking__child__family", rules=(WithFamily(Anonymise({"reason": ""})),), export=None
        ),
    )
    exempt(Facility, reason="Établissement : coordonnées publiques d'un lieu d'accueil, pas d'une personne.")
    exempt(Activity, reason="Activité : donnée de référence du service.")
