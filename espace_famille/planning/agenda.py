"""«Agenda»: a period of the planning told day by day for a phone — the days that hold something to see or do, each
child's entries under the day, and apart, folded, the days gone by and the days where nothing can be done."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from commun import formats

PAST = "Passé"
NOTHING_TO_DO = "Rien à réserver"
# The agenda's period: a week, Monday to Sunday, like «Semaine (7 jours)».
DAYS = 7


@dataclass
class Group:
    """One child's entries of a day."""

    child: object
    entries: list = field(default_factory=list)


@dataclass
class AgendaDay:
    day: date
    heading: str
    groups: list[Group]
    note: str = ""  # why the day is folded: «Passé», «Noël», «Fermé (Journée pédagogique)», «Rien à réserver»


@dataclass
class Agenda:
    days: list[AgendaDay]  # the days to see or do, in order
    folded: list[AgendaDay]  # the past and closed days, in order


def bounds(day: date) -> tuple[date, date]:
    """The week of `day`, Monday to Sunday."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=DAYS - 1)


def _matters(entry) -> bool:
    """Whether an entry is something to see (a state other than «Non réservé») or to do (a click is offered)."""
    return bool(entry.action) or entry.state != "none"


def _groups(entries, children) -> list[Group]:
    by_child = {child.pk: Group(child=child) for child in children}
    for entry in entries:
        by_child[entry.child.pk].entries.append(entry)
    return [group for group in by_child.values() if group.entries]


def _closed_note(grid_day) -> str:
    if grid_day.holiday:
        return grid_day.holiday
    reasons = {entry.reason for entry in grid_day.entries if entry.reason}
    return reasons.pop() if len(reasons) == 1 else NOTHING_TO_DO


def agenda(grid, *, today: date) -> Agenda:
    """Sorts the grid's days: a day from today on with an entry that matters is shown; a past day, or a day where
    every activity is closed or its deadline gone with nothing booked, is folded with why; a day with no enrolled
    activity (a weekend, a Wednesday without the accueil de loisirs) and no holiday is left out.

    A week wholly gone by (the parent went back with «Précédent») shows its days that hold a state: folding them
    all would leave the page empty."""
    gone_by = grid.end < today
    shown, folded = [], []
    for grid_day in grid.days:
        if not grid_day.entries and not grid_day.holiday:
            continue
        day = AgendaDay(
            day=grid_day.day, heading=formats.day_month(grid_day.day), groups=_groups(grid_day.entries, grid.children)
        )
        if grid_day.day < today and not (gone_by and any(entry.state != "none" for entry in grid_day.entries)):
            day.note = PAST
            folded.append(day)
        elif any(_matters(entry) for entry in grid_day.entries):
            shown.append(day)
        else:
            day.note = _closed_note(grid_day)
            folded.append(day)
    return Agenda(days=shown, folded=folded)
