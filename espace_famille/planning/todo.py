"""The planning's part of «À faire» (commun.todo): the children's next days — what is booked, asked or waiting,
child by child — in the planning grid's fixed number of queries."""

from datetime import date, timedelta

from django.utils import timezone

from commun import todo
from espace_famille.planning import rules, selectors

# What the next days show: the child is expected, or something is under way. Not booked, refused or cancelled
# days are left out.
SHOWN = frozenset(
    {rules.BOOKED, rules.PENDING, rules.WAITING, rules.ABSENCE_PENDING, rules.ABSENCE_REFUSED, rules.ABSENCE_BILLED}
)


def family_upcoming(*, family, today: date, days: int) -> list[todo.UpcomingDay]:
    grid = selectors.planning_grid(family=family, start=today, end=today + timedelta(days=days - 1), now=timezone.now())
    return [
        todo.UpcomingDay(
            day=day.day,
            note=day.holiday or "",
            entries=[
                todo.UpcomingEntry(
                    child=entry.child.first_name,
                    activity=entry.activity.label,
                    hours=entry.hours,
                    state=entry.state_label,
                    colour=entry.colour,
                )
                for entry in day.entries
                if entry.state in SHOWN
            ],
        )
        for day in grid.days
    ]
