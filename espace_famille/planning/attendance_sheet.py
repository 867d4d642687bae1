"""The day sheet's read («Feuille de présence»): one activity's day as the attendance register shows it — the
children expected and those already marked, with their health flags, who may pick them up, their mark and whether
their day is invoiced (locked) — the waiting list, pending requests, absences and the children who may be added.
A fixed number of queries whatever the number of children."""

from datetime import date

from django.db.models import Prefetch, Q

from commun import formats
from espace_famille.dossier.models import AuthorizedContact, Child
from espace_famille.planning import rules
from espace_famille.planning.calendar import Calendar
from espace_famille.planning.invoiced import invoiced_days
from espace_famille.planning.models import Activity, Attendance, AttendanceStatus, Booking, BookingState, Enrolment

MARK_LABELS = dict(AttendanceStatus.choices)


def _children(activity: Activity, day: date) -> list[Child]:
    """The children with a booking or a mark that day, each with `day_booking`, `day_mark` and `pickers`."""
    booked = Booking.objects.filter(activity=activity, day=day).values("child_id")
    marked = Attendance.objects.filter(activity=activity, day=day).values("child_id")
    return list(
        Child.objects.filter(Q(pk__in=booked) | Q(pk__in=marked))
        .select_related("family")
        .prefetch_related(
            Prefetch("bookings", queryset=Booking.objects.filter(activity=activity, day=day), to_attr="day_bookings"),
            Prefetch(
                "attendances",
                queryset=Attendance.objects.filter(activity=activity, day=day).select_related("marked_by"),
                to_attr="day_marks",
            ),
            Prefetch(
                "contacts",
                queryset=AuthorizedContact.objects.filter(can_pick_up=True).order_by("full_name", "pk"),
                to_attr="pickers",
            ),
        )
        .order_by("last_name", "first_name", "pk")
    )


def _row(child: Child, *, invoiced: bool) -> dict:
    booking = child.day_bookings[0] if child.day_bookings else None
    mark = child.day_marks[0] if child.day_marks else None
    state = booking.state if booking else None
    status = mark.status if mark else None
    return {
        "child": child,
        "child_id": child.pk,
        "booking": booking,
        "name": str(child),
        "family": child.family,
        "allergies": child.allergies,
        "diet": child.get_diet_display() if child.diet else "",
        "leaves_alone": child.allows_leave_alone,
        "pickers": [
            {
                "name": contact.full_name,
                "phone": contact.mobile or contact.phone,
                "relationship": contact.get_relationship_display(),
            }
            for contact in child.pickers
        ],
        "state": booking.get_state_display() if booking else BookingState.NOT_BOOKED.label,
        "queued_at": formats.datetime_numeric(booking.queued_at) if booking else "—",
        "expected": state in rules.HOLDS_A_PLACE,
        "absence_note": booking.get_state_display() if state in rules.HOLDS_A_PLACE - {rules.BOOKED} else "",
        "mark": status,
        "mark_label": MARK_LABELS.get(status, ""),
        "note": mark.note if mark else "",
        "marked": (
            f"{mark.marked_by.display_name if mark.marked_by else 'un agent'}, le "
            f"{formats.datetime_numeric(mark.marked_at)}"
            if mark
            else ""
        ),
        "choices": [
            (value, MARK_LABELS[value]) for value in rules.attendance_marks(booking_state=state, current=status)
        ],
        "invoiced": invoiced,
        # A child added without a booking may be taken off the register (a mistake); an expected child stays on it.
        "removable": mark is not None and state not in rules.HOLDS_A_PLACE and not invoiced,
    }


def _addable(activity: Activity, day: date, present: set[int]) -> list[tuple[int, str]]:
    """The children enrolled in the activity that day who are not on the register: «présent sans réservation»."""
    enrolled = (
        Enrolment.objects.filter(activity=activity, start_date__lte=day, end_date__gte=day)
        .exclude(child_id__in=present)
        .select_related("child__family")
        .order_by("child__last_name", "child__first_name", "child_id")
    )
    found = {}
    for enrolment in enrolled:
        child = enrolment.child
        found.setdefault(child.pk, f"{child} ({child.family.name})")
    return list(found.items())


def day_sheet(activity: Activity, day: date, *, today: date) -> dict:
    """Everything the sheet shows. `activity` comes with its slots prefetched."""
    children = _children(activity, day)
    invoiced = {
        child_id
        for child_id, _ in invoiced_days(activity_id=activity.pk, days=[day], child_ids=[c.pk for c in children])
    }
    register, waiting, pending, absences = [], [], [], []
    for child in children:
        row = _row(child, invoiced=child.pk in invoiced)
        state = row["booking"].state if row["booking"] else None
        if row["expected"] or row["mark"]:
            register.append(row)
        if state == BookingState.WAITING:
            waiting.append(row)
        elif state == BookingState.PENDING:
            pending.append(row)
        elif state in (BookingState.ABSENT, BookingState.ABSENCE_BILLED):
            row["billed"] = state == BookingState.ABSENCE_BILLED
            absences.append(row)
    by_request_order = lambda row: (row["booking"].queued_at, row["booking"].pk)  # noqa: E731
    waiting.sort(key=by_request_order)
    pending.sort(key=by_request_order)
    slot = next((slot for slot in activity.slots.all() if slot.weekday == day.weekday()), None)
    closed = Calendar.load(day, day).closed(activity, day)
    day_problem = rules.attendance_problem(
        status=None,
        booking_state=None,
        enrolled=True,
        day=day,
        today=today,
        invoiced=False,
        closed=closed,
        runs=slot is not None,
    )
    counts = {value: 0 for value in AttendanceStatus.values}
    for row in register:
        if row["mark"]:
            counts[row["mark"]] += 1
    return {
        "activity": activity,
        "day": day,
        "day_label": formats.weekday_date(day),
        "hours": formats.time_range(slot.start_time, slot.end_time) if slot else "",
        "runs": slot is not None,
        "closed": closed,
        "capacity": activity.capacity,
        "register": register,
        "expected": [row for row in register if row["expected"]],
        "marked": sum(counts.values()),
        "summary": f"{sum(counts.values())} {'pointés' if sum(counts.values()) > 1 else 'pointé'} sur {len(register)}",
        "counts": [(MARK_LABELS[value], count) for value, count in counts.items()],
        "markable": day_problem is None,
        "future": day > today,
        "addable": _addable(activity, day, {row["child_id"] for row in register}) if day_problem is None else [],
        "waiting": waiting,
        "pending": pending,
        "absences": absences,
    }
