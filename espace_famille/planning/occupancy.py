"""The dashboard's reading of the planning: for each active activity and each day of a period, the places held,
the capacity, the waiting list and the requests pending; today's children expected. A fixed number of queries
whatever the number of activities, children and days."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode

from commun import formats
from espace_famille.planning import rules
from espace_famille.planning.calendar import OUT_OF_HOLIDAYS, Calendar
from espace_famille.planning.models import Activity, Booking, BookingState

WEEKS = 4
ABSENCES = (BookingState.ABSENCE_PENDING, BookingState.ABSENT, BookingState.ABSENCE_BILLED)
EXPECTED = (BookingState.BOOKED, BookingState.ABSENCE_REFUSED)


@dataclass
class Cell:
    day: date
    runs: bool = False
    closed: str = ""
    holding: int = 0
    expected: int = 0
    absences: int = 0
    waiting: int = 0
    pending: int = 0
    capacity: int | None = None
    url: str = ""

    @cached_property
    def level(self) -> str:
        return rules.occupancy_level(holding=self.holding, capacity=self.capacity, waiting=self.waiting)

    @cached_property
    def label(self) -> str:
        """What the cell reads: «12/20», «12» without a capacity, «+3» children waiting."""
        text = f"{self.holding}/{self.capacity}" if self.capacity is not None else str(self.holding)
        return f"{text} +{self.waiting}" if self.waiting else text

    @cached_property
    def description(self) -> str:
        """The cell in words, for screen readers and the tooltip."""
        places = f"{self.holding} place{'s' if self.holding > 1 else ''} prise{'s' if self.holding > 1 else ''}" + (
            f" sur {self.capacity}" if self.capacity is not None else ""
        )
        parts = [formats.weekday_date(self.day), places]
        if self.waiting:
            parts.append(f"{self.waiting} en liste d'attente")
        if self.pending:
            parts.append(f"{self.pending} demande{'s' if self.pending > 1 else ''} en attente")
        if self.level == rules.FULL:
            parts.append("complet")
        elif self.level == rules.NEARLY_FULL:
            parts.append("presque complet")
        return ", ".join(parts)


@dataclass
class ActivityRow:
    activity: Activity
    cells: list[Cell] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.activity.name


@dataclass
class Occupancy:
    start: date
    end: date
    days: list[date]
    rows: list[ActivityRow]

    def today(self, day: date) -> list[tuple[ActivityRow, Cell]]:
        """The activities running on `day`, each with its cell of that day."""
        if day not in self.days:
            return []
        index = self.days.index(day)
        return [(row, row.cells[index]) for row in self.rows if row.cells[index].runs]

    @property
    def day_headings(self) -> list[tuple[date, str]]:
        return [(day, formats.day_month(day)) for day in self.days]


def _shown(cell: Cell) -> bool:
    return cell.runs or bool(cell.closed)


def sheet_url(activity_id: int, day: date, *, base: str | None = None) -> str:
    """The day sheet of an activity's day; a caller writing many of them resolves `base` once."""
    base = base or reverse("espace_famille_day_sheet")
    return f"{base}?{urlencode({'activity': activity_id, 'day': day.isoformat()})}"


def occupancy(*, start: date, weeks: int = WEEKS) -> Occupancy:
    """Every active activity × every day from `start` for `weeks` weeks on which at least one activity runs."""
    end = start + timedelta(weeks=weeks) - timedelta(days=1)
    activities = list(
        Activity.objects.filter(active=True)
        .select_related("facility")
        .prefetch_related("slots")
        .order_by("facility__name", "code")
    )
    calendar = Calendar.load(start, end)
    counts = Counter()
    rows = (
        Booking.objects.filter(activity__in=[activity.pk for activity in activities], day__range=(start, end))
        .values_list("activity_id", "day", "state")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for activity_id, day, state, count in rows:
        counts[activity_id, day, state] += count
    all_days = list(rules.days_between(start, end))
    sheet = reverse("espace_famille_day_sheet")
    table = []
    for activity in activities:
        weekdays = {slot.weekday for slot in activity.slots.all()}
        row = ActivityRow(activity)
        for day in all_days:
            cell = Cell(day=day, capacity=activity.capacity)
            if day.weekday() in weekdays:
                reason = calendar.closed(activity, day)
                cell.runs = not reason
                # A public holiday or a closure is shown; an activity of the school time does not run in the
                # holidays (nor a holiday one in school time): that day is simply empty.
                if reason and reason not in (OUT_OF_HOLIDAYS, calendar.school_holiday(day)):
                    cell.closed = reason
            if cell.runs:
                key = activity.pk, day
                cell.holding = sum(counts[(*key, state)] for state in rules.HOLDS_A_PLACE)
                cell.expected = sum(counts[(*key, state)] for state in EXPECTED)
                cell.absences = sum(counts[(*key, state)] for state in ABSENCES)
                cell.waiting = counts[(*key, BookingState.WAITING)]
                cell.pending = counts[(*key, BookingState.PENDING)]
                cell.url = sheet_url(activity.pk, day, base=sheet)
            row.cells.append(cell)
        table.append(row)
    # Only the days on which some activity runs or is closed: no column of weekends where nothing ever runs.
    shown = [
        index
        for index, _ in enumerate(all_days)
        if any(row.cells[index].runs or row.cells[index].closed for row in table)
    ]
    for row in table:
        row.cells = [row.cells[index] for index in shown]
    return Occupancy(start=start, end=end, days=[all_days[index] for index in shown], rows=table)
