"""«À faire»: what needs a parent now, on the home page of a signed-in parent and at the top of «Mon espace
citoyen», then the children's next seven days.

Each app adds what it knows through hooks, so that no app below needs the ones above:
- `portail_current_family(request)`: the family the parent works on (the family file's app answers), and
  `portail_family_choice(request)`: what, besides the parent, tells which one it is (the family chosen in the
  session), read without a query: the home page's «À faire» is kept under it, its family read only to render it;
- `portail_family_todo(family, user, today)`: a list of `Todo` (an invoice to pay, a document to provide again, a
  request answered, a new message, a crèche pre-registration to finish, an authorisation missing);
- `portail_family_upcoming(family, today, days)`: the planning's next days, as `UpcomingDay`s.
Each reads in a fixed number of queries whatever the family holds."""

from dataclasses import dataclass, field
from datetime import date

from wagtail import hooks

CURRENT_FAMILY_HOOK = "portail_current_family"
FAMILY_CHOICE_HOOK = "portail_family_choice"
TODO_HOOK = "portail_family_todo"
UPCOMING_HOOK = "portail_family_upcoming"
UPCOMING_DAYS = 7
URGENT, NEWS, INFO = 0, 1, 2  # what must be done by a date, what was answered, what may be done


@dataclass(frozen=True)
class Todo:
    """One line of «À faire»: what («Facture 2026-0042 à payer»), the detail («45,00 € avant le 15/01/2027»), where
    to do it and the link's words. `by` sorts the urgent ones, the nearest date first."""

    text: str
    url: str
    action: str
    detail: str = ""
    rank: int = INFO
    by: date | None = None


@dataclass(frozen=True)
class UpcomingEntry:
    child: str
    activity: str
    hours: str
    state: str
    colour: int = 0


@dataclass
class UpcomingDay:
    day: date
    note: str = ""  # a public or school holiday
    entries: list[UpcomingEntry] = field(default_factory=list)


def current_family(request):
    for read in hooks.get_hooks(CURRENT_FAMILY_HOOK):
        family = read(request)
        if family is not None:
            return family
    return None


def family_choice(request) -> str:
    """With the parent, names their current family until the next write to the database: a key for a cache."""
    return ":".join(str(read(request)) for read in hooks.get_hooks(FAMILY_CHOICE_HOOK))


def todo_for(*, family, user, today: date) -> list[Todo]:
    items = [item for read in hooks.get_hooks(TODO_HOOK) for item in read(family=family, user=user, today=today)]
    return sorted(items, key=lambda item: (item.rank, item.by or date.max, item.text))


def upcoming_for(*, family, today: date, days: int = UPCOMING_DAYS) -> list[UpcomingDay]:
    for read in hooks.get_hooks(UPCOMING_HOOK):
        return read(family=family, today=today, days=days)
    return []
