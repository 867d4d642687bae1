"""The attendance register (the day sheet): marking children present or absent, «Tous présents», removing a child
added by mistake.

Each write checks the permission, locks the day's bookings and marks of the children it touches, refuses a day
already invoiced (rules.attendance_problem) and is idempotent: the same mark twice changes nothing and writes no
second audit entry, so a form sent twice does what it did once. Bookings are left as they are: attendance says what
happened, the booking what was asked."""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from commun import audit
from espace_famille.dossier.models import Child
from espace_famille.planning import rules
from espace_famille.planning.calendar import Calendar
from espace_famille.planning.exceptions import AttendanceNotAllowed
from espace_famille.planning.invoiced import invoiced_days
from espace_famille.planning.models import Activity, Attendance, AttendanceStatus, Enrolment
from espace_famille.planning.writes import locked_bookings

MARK_ATTENDANCE = "espace_famille.mark_attendance"
MARK_ACTION = "portail.attendance.mark"
CLEAR_ACTION = "portail.attendance.clear"
NOTE_LENGTH = 200


@dataclass(frozen=True)
class Mark:
    """What the staff mark for one child: a status (AttendanceStatus) and an optional note."""

    child_id: int
    status: str
    note: str = ""


@dataclass
class MarkResult:
    marked: int = 0  # marks written (new or changed)
    unchanged: int = 0  # marks asked that were already so
    locked: int = 0  # children «Tous présents» left alone: their day is invoiced
    removed: bool = False  # a child's mark was removed


def _check(by: AbstractUser | None) -> None:
    if by is None or not by.has_perm(MARK_ATTENDANCE):
        raise PermissionDenied("Vous n'avez pas la permission de pointer les présences.")


@dataclass
class _Day:
    """One activity's day, read under the locks: the children's bookings and marks, the calendar, the invoices."""

    activity: Activity
    day: date
    today: date
    states: dict[int, str]
    marks: dict[int, Attendance]
    runs: bool = True
    closed: str | None = None

    @classmethod
    def lock(cls, *, activity: Activity, day: date, child_ids, now: datetime) -> "_Day":
        activity = Activity.objects.prefetch_related("slots").get(pk=activity.pk)
        child_ids = sorted(set(child_ids))
        states = {
            booking.child_id: booking.state
            for booking in locked_bookings().filter(activity=activity, day=day, child_id__in=child_ids)
        }
        marks = {
            mark.child_id: mark
            for mark in Attendance.objects.select_for_update(of=("self",))
            .filter(activity=activity, day=day, child_id__in=child_ids)
            .order_by("pk")
        }
        return cls(activity=activity, day=day, today=timezone.localdate(now), states=states, marks=marks)

    def read_calendar(self) -> None:
        self.runs = any(slot.weekday == self.day.weekday() for slot in self.activity.slots.all())
        self.closed = Calendar.load(self.day, self.day).closed(self.activity, self.day)

    def problem(self, *, invoiced: bool = False) -> str | None:
        """Why this day's marks cannot change at all (invoiced, to come, closed...), in French; None when they can.
        The calendar counts only once read (read_calendar)."""
        return rules.attendance_problem(
            status=None,
            booking_state=None,
            enrolled=True,
            day=self.day,
            today=self.today,
            invoiced=invoiced,
            closed=self.closed,
            runs=self.runs,
        )

    def invoiced(self, child_ids) -> set[int]:
        return {
            child_id
            for child_id, _ in invoiced_days(activity_id=self.activity.pk, days=[self.day], child_ids=child_ids)
        }

    def enrolled(self, child_ids) -> set[int]:
        return set(
            Enrolment.objects.filter(
                activity=self.activity, child_id__in=child_ids, start_date__lte=self.day, end_date__gte=self.day
            ).values_list("child_id", flat=True)
        )


def _write(day: _Day, marks: list[Mark], *, by, now: datetime) -> int:
    """Create or change these marks (each already checked) and write one audit entry for each."""
    new, changed, entries = [], [], []
    for mark in marks:
        row = day.marks.get(mark.child_id)
        before = row.status if row else ""
        if row is None:
            row = Attendance(child_id=mark.child_id, activity=day.activity, day=day.day)
            new.append(row)
        else:
            changed.append(row)
        row.status, row.note, row.marked_by, row.marked_at = mark.status, mark.note, by, now
        entries.append((row, before))
    Attendance.objects.bulk_create(new)
    Attendance.objects.bulk_update(changed, ["status", "note", "marked_by", "marked_at"])
    audit.entries_write(
        [
            (row, MARK_ACTION, {"day": row.day.isoformat(), "from": before, "to": row.status, "note": row.note})
            for row, before in entries
        ],
        by=by,
    )
    return len(entries)


def _clean(marks) -> dict[int, Mark]:
    cleaned = {}
    for mark in marks:
        if mark.status not in AttendanceStatus.values:
            raise AttendanceNotAllowed(
                "Choisissez « Présent », « Absent justifié », « Absent non justifié » ou « Présent sans réservation »."
            )
        cleaned[int(mark.child_id)] = Mark(int(mark.child_id), mark.status, (mark.note or "").strip()[:NOTE_LENGTH])
    return cleaned


def attendance_mark(
    *, activity: Activity, day: date, marks, by: AbstractUser, now: datetime | None = None
) -> MarkResult:
    """Mark children of one activity's day (a Mark each): all of them, or none with the French reasons why.

    A mark already so (status and note) is left alone. A mark that changes is checked first: a child who holds a
    place is present or absent, one who does not is «présent sans réservation» (and enrolled in the activity); a
    day invoiced, to come or closed cannot change."""
    _check(by)
    marks = _clean(marks)
    result = MarkResult()
    if not marks:
        return result
    now = now or timezone.now()
    with transaction.atomic():
        day_rows = _Day.lock(activity=activity, day=day, child_ids=marks, now=now)
        todo = []
        for mark in marks.values():
            row = day_rows.marks.get(mark.child_id)
            if row is not None and (row.status, row.note) == (mark.status, mark.note):
                result.unchanged += 1
            else:
                todo.append(mark)
        if not todo:
            return result
        ids = [mark.child_id for mark in todo]
        names = {child.pk: str(child) for child in Child.objects.filter(pk__in=ids)}
        if len(names) != len(ids):
            raise AttendanceNotAllowed("Un des enfants pointés n'existe plus : rechargez la feuille de présence.")
        day_rows.read_calendar()
        invoiced, enrolled = day_rows.invoiced(ids), day_rows.enrolled(ids)
        problems = []
        for mark in todo:
            problem = rules.attendance_problem(
                status=mark.status,
                booking_state=day_rows.states.get(mark.child_id),
                enrolled=mark.child_id in enrolled,
                day=day,
                today=day_rows.today,
                invoiced=mark.child_id in invoiced,
                closed=day_rows.closed,
                runs=day_rows.runs,
            )
            if problem:
                problems.append(f"{names[mark.child_id]} : {problem}.")
        if problems:
            raise AttendanceNotAllowed(problems)
        result.marked = _write(day_rows, todo, by=by, now=now)
    return result


def attendance_mark_all_present(
    *, activity: Activity, day: date, by: AbstractUser, now: datetime | None = None
) -> MarkResult:
    """«Tous présents»: every child expected that day (rules.PRESUMED_PRESENT) and not marked yet is marked present.
    Children already marked keep their mark; a child whose day is invoiced is left alone (counted as locked)."""
    _check(by)
    now = now or timezone.now()
    with transaction.atomic():
        expected = list(
            locked_bookings()
            .filter(activity=activity, day=day, state__in=rules.PRESUMED_PRESENT)
            .values_list("child_id", flat=True)
        )
        day_rows = _Day.lock(activity=activity, day=day, child_ids=expected, now=now)
        todo = [child_id for child_id in expected if child_id not in day_rows.marks]
        result = MarkResult(unchanged=len(expected) - len(todo))
        if not todo:
            return result
        day_rows.read_calendar()
        if problem := day_rows.problem():
            raise AttendanceNotAllowed(f"Pointage impossible : {problem}.")
        invoiced = day_rows.invoiced(todo)
        result.locked = len(invoiced)
        marks = [Mark(child_id, rules.PRESENT) for child_id in todo if child_id not in invoiced]
        result.marked = _write(day_rows, marks, by=by, now=now)
    return result


def attendance_clear(
    *, activity: Activity, day: date, child_id: int, by: AbstractUser, now: datetime | None = None
) -> bool:
    """Remove a child's mark (a child added by mistake): False when there was none, as after a second click."""
    _check(by)
    now = now or timezone.now()
    with transaction.atomic():
        day_rows = _Day.lock(activity=activity, day=day, child_ids=[child_id], now=now)
        row = day_rows.marks.get(child_id)
        if row is None:
            return False
        problem = day_rows.problem(invoiced=bool(day_rows.invoiced([child_id])))
        name = str(row.child)
        if problem:
            raise AttendanceNotAllowed(f"{name} : {problem}.")
        entry = (row, CLEAR_ACTION, {"day": day.isoformat(), "from": row.status, "note": row.note})
        audit.entries_write([entry], by=by)
        try:
            row.delete()
        except ProtectedError:
            message = f"{name} : ce pointage figure sur une facture, il ne peut pas être retiré."
            raise AttendanceNotAllowed(message) from None
    return True


def attendance_register_save(
    *,
    activity: Activity,
    day: date,
    marks,
    by: AbstractUser,
    all_present: bool = False,
    remove: int | None = None,
    now: datetime | None = None,
) -> MarkResult:
    """What one sending of the day sheet asks, in one transaction: the marks chosen, then «Tous présents» for the
    children still unmarked, then the removal of a child added by mistake. All of it or nothing."""
    _check(by)
    with transaction.atomic():
        result = attendance_mark(activity=activity, day=day, marks=marks, by=by, now=now)
        if all_present:
            present = attendance_mark_all_present(activity=activity, day=day, by=by, now=now)
            result.marked, result.locked = result.marked + present.marked, present.locked
        if remove is not None:
            result.removed = attendance_clear(activity=activity, day=day, child_id=remove, by=by, now=now)
    return result
