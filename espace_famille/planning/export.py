"""The planning in «Télécharger mes données»: the children's enrolments, the state of each day asked for and the
attendance the service marked."""

from xml.sax.saxutils import escape

from commun.data_export import Builder, json_value, when
from espace_famille.dossier.models import Family
from espace_famille.planning.models import Attendance, AttendanceStatus, Booking, BookingState, Enrolment, Weekday


def collect_planning(family: Family) -> dict:
    """The children's enrolments, the state of each day asked for and the attendance the service marked."""
    enrolments = Enrolment.objects.filter(child__family=family).select_related("child", "activity")
    bookings = (
        Booking.objects.filter(child__family=family)
        .exclude(state=BookingState.NOT_BOOKED)
        .select_related("child", "activity")
        .order_by("day", "child", "activity__code")
    )
    marks = (
        Attendance.objects.filter(child__family=family)
        .select_related("child", "activity")
        .order_by("day", "child", "activity__code")
    )
    return {
        "attendance": [
            {
                "child": str(mark.child),
                "activity": mark.activity.name,
                "day": json_value(mark.day),
                "status": mark.status,
                "note": mark.note,
            }
            for mark in marks
        ],
        "enrolments": [
            {
                "child": str(enrolment.child),
                "activity": enrolment.activity.name,
                "start_date": json_value(enrolment.start_date),
                "end_date": json_value(enrolment.end_date),
                "weekdays": enrolment.weekdays,
            }
            for enrolment in enrolments
        ],
        "days": [
            {
                "child": str(booking.child),
                "activity": booking.activity.name,
                "day": json_value(booking.day),
                "state": booking.state,
                "justified": booking.justified,
            }
            for booking in bookings
        ],
    }


def render_planning(doc: Builder, planning: dict):
    doc.para("Inscriptions et réservations", "h2")
    doc.para("Inscriptions", "h3")
    weekdays = dict(Weekday.choices)
    rows = [
        [
            escape(row["child"]),
            escape(row["activity"]),
            f"du {when(row['start_date'])} au {when(row['end_date'])}",
            escape(", ".join(str(weekdays.get(day, day)) for day in row["weekdays"])),
        ]
        for row in planning["enrolments"]
    ]
    doc.listing(["Enfant", "Activité", "Période", "Jours"], rows, (3.5, 4.5, 5, 4), empty="Aucune inscription.")
    doc.para("Jours réservés ou demandés", "h3")
    states = dict(BookingState.choices)
    rows = [
        [
            when(row["day"]),
            escape(row["child"]),
            escape(row["activity"]),
            escape(str(states.get(row["state"], row["state"]))) + (" (justifiée)" if row["justified"] else ""),
        ]
        for row in planning["days"]
    ]
    doc.listing(["Jour", "Enfant", "Activité", "État"], rows, (3, 4, 5, 5), empty="Aucune réservation.")
    doc.para("Présences pointées par le service", "h3")
    statuses = dict(AttendanceStatus.choices)
    rows = [
        [
            when(row["day"]),
            escape(row["child"]),
            escape(row["activity"]),
            escape(str(statuses.get(row["status"], row["status"])))
            + (f" — {escape(row['note'])}" if row["note"] else ""),
        ]
        for row in planning.get("attendance", [])
    ]
    doc.listing(["Jour", "Enfant", "Activité", "Pointage"], rows, (3, 4, 5, 5), empty="Aucune présence pointée.")
