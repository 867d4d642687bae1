"""Reads of the planning: the grid of a family's days, the long-period form's choices, its requests, the feed."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from commun import formats
from espace_famille.demandes.models import Request, RequestKind
from espace_famille.dossier.models import Child, Family, Subscription
from espace_famille.planning import rules
from espace_famille.planning.calendar import Calendar
from espace_famille.planning.models import Activity, ActivitySlot, Booking, BookingState, Enrolment

PLANNING_KINDS = (RequestKind.BOOKING, RequestKind.ABSENCE, RequestKind.CANCELLATION)
# States shown in the phone's calendar: the child is expected that day.
FEED_STATES = (rules.BOOKED, rules.ABSENCE_PENDING, rules.ABSENCE_REFUSED)
FEED_PAST_DAYS = 60
PALETTE_SIZE = 6


@dataclass
class Entry:
    """One enrolled (child, activity) on one day: what the cell shows and what a click offers."""

    child: Child
    activity: Activity
    day: date
    state: str
    state_label: str
    hours: str
    action: str | None = None  # "booking", "absence", "cancellation" (rules.FAMILY_ACTION) or None
    reason: str = ""  # why no action is possible («Délai dépassé (la veille à 12:00)», «Fermé (Noël)»)
    closed: str | None = None
    late: bool = False  # an absence declared now is past the deadline: billed unless justified
    deadline: str = ""  # «la veille à 12:00», for the confirmation page

    @property
    def colour(self) -> int:
        return self.child.colour


@dataclass
class Day:
    day: date
    holiday: str | None = None  # public or school holiday name, shown under the day's heading
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Grid:
    start: date
    end: date
    days: list[Day]
    children: list[Child]  # each with `.colour`, an index in the palette
    activities: list[Activity]


def planning_grid(*, family: Family, start: date, end: date, now: datetime) -> Grid:
    """Every enrolled (child, activity) of every day from start to end, in a fixed number of queries.

    A day the child is not enrolled on, or the activity does not run that weekday, has no entry."""
    children = list(family.children.order_by("birth_date", "first_name", "pk"))
    for index, child in enumerate(children):
        child.colour = index % PALETTE_SIZE
    by_pk = {child.pk: child for child in children}
    enrolments = list(
        Enrolment.objects.filter(child__family=family, start_date__lte=end, end_date__gte=start)
        .select_related("activity__facility")
        .prefetch_related(Prefetch("activity__slots", queryset=ActivitySlot.objects.order_by("weekday")))
        .order_by("activity__code", "start_date")
    )
    bookings = {
        (child_id, activity_id, day): state
        for child_id, activity_id, day, state in Booking.objects.filter(
            child__family=family, day__gte=start, day__lte=end
        ).values_list("child_id", "activity_id", "day", "state")
    }
    calendar = Calendar.load(start, end)
    public_holidays = calendar.public_holiday_set()

    groups: dict[tuple[int, int], list] = defaultdict(list)
    activities: dict[int, Activity] = {}
    for enrolment in enrolments:
        activity = activities.setdefault(enrolment.activity_id, enrolment.activity)
        groups[(enrolment.child_id, activity.pk)].append(
            (enrolment.start_date, enrolment.end_date, set(enrolment.weekdays))
        )
    rules_of = {activity.pk: _ActivityRules(activity) for activity in activities.values()}
    labels = dict(BookingState.choices)

    days = []
    day = start
    while day <= end:
        entry_day = Day(day=day, holiday=calendar.public_holiday(day) or calendar.school_holiday(day))
        the_day: dict[int, _ActivityDay] = {}  # what depends on the activity and the day only, shared by children
        for (child_id, activity_id), periods in groups.items():
            slot = rules_of[activity_id].slots.get(day.weekday())
            if slot is None or not any(s <= day <= e and day.weekday() in w for s, e, w in periods):
                continue
            if not calendar.slot_runs(slot, day):  # e.g. the accueil de loisirs' Mondays, in school time
                continue
            if activity_id not in the_day:
                the_day[activity_id] = rules_of[activity_id].on(day, calendar=calendar, holidays=public_holidays)
            state = bookings.get((child_id, activity_id, day), rules.NOT_BOOKED)
            entry_day.entries.append(
                _entry(
                    child=by_pk[child_id],
                    activity_rules=rules_of[activity_id],
                    activity_day=the_day[activity_id],
                    day=day,
                    state=state,
                    label=labels[state],
                    periods=periods,
                    now=now,
                )
            )
        entry_day.entries.sort(key=lambda e: (e.hours, e.child.colour))
        days.append(entry_day)
        day += timedelta(days=1)
    return Grid(
        start=start,
        end=end,
        days=days,
        children=children,
        activities=sorted(activities.values(), key=lambda a: a.code),
    )


class _ActivityRules:
    """What the grid needs of an activity, computed once: its slots, hours and deadlines as the family reads them."""

    def __init__(self, activity: Activity):
        self.activity = activity
        self.slots = {slot.weekday: slot for slot in activity.slots.all()}
        self.hours = {
            weekday: formats.time_range(slot.start_time, slot.end_time) for weekday, slot in self.slots.items()
        }
        self.booking_rule = rules.describe_deadline(
            kind=activity.booking_deadline_kind, days=activity.booking_deadline_days, at=activity.booking_deadline_time
        )
        self.cancel_rule = rules.describe_deadline(
            kind=activity.cancel_deadline_kind, days=activity.cancel_deadline_days, at=activity.cancel_deadline_time
        )

    def on(self, day: date, *, calendar: Calendar, holidays) -> "_ActivityDay":
        activity = self.activity
        return _ActivityDay(
            closed=calendar.closed(activity, day),
            booking_limit=rules.deadline(
                day,
                kind=activity.booking_deadline_kind,
                days=activity.booking_deadline_days,
                at=activity.booking_deadline_time,
                public_holidays=holidays,
            ),
            cancel_limit=rules.deadline(
                day,
                kind=activity.cancel_deadline_kind,
                days=activity.cancel_deadline_days,
                at=activity.cancel_deadline_time,
                public_holidays=holidays,
            ),
        )


@dataclass
class _ActivityDay:
    closed: str | None
    booking_limit: datetime
    cancel_limit: datetime


def _entry(*, child, activity_rules, activity_day, day, state, label, periods, now) -> Entry:
    activity = activity_rules.activity
    closed = activity_day.closed
    entry = Entry(
        child=child,
        activity=activity,
        day=day,
        state=state,
        state_label=label,
        hours=activity_rules.hours[day.weekday()],
        closed=closed,
    )
    action = rules.FAMILY_ACTION.get(state)
    if action is None:
        return entry
    if not activity.active:
        entry.reason = "Activité fermée aux demandes"
        return entry
    problem = rules.booking_problem(
        day=day,
        kind=action,
        state=state,
        enrolments=periods,
        runs_weekdays=activity_rules.slots,
        closed=closed,
        now=now,
        limit=activity_day.booking_limit,
    )
    if problem is not None:
        code, detail = problem
        if code == rules.Skip.DEADLINE:
            entry.reason = f"Délai dépassé ({activity_rules.booking_rule})"
        elif code == rules.Skip.CLOSED:
            entry.reason = f"Fermé ({closed})"
        else:
            entry.reason = detail[:1].upper() + detail[1:]
        return entry
    entry.action = action
    if action == "booking":
        entry.deadline = activity_rules.booking_rule
    elif action == "absence":
        entry.deadline = activity_rules.cancel_rule
        entry.late = now > activity_day.cancel_limit and activity.late_absence_billed
    return entry


def planning_entry(*, family: Family, child_id: int, activity_id: int, day: date, now: datetime) -> Entry:
    """The cell a family clicked, read like the grid, or 404 (another family's child, a day without a cell)."""
    grid = planning_grid(family=family, start=day, end=day, now=now)
    for entry in grid.days[0].entries:
        if entry.child.pk == child_id and entry.activity.pk == activity_id:
            return entry
    raise Http404


# --- «Faire une demande sur une longue période» ---------------------------------------------------------------


def enrolled_children(*, family: Family) -> list[Child]:
    """The children of the family with at least one enrolment, in the planning's order."""
    return list(
        Child.objects.filter(family=family, enrolments__isnull=False)
        .distinct()
        .order_by("birth_date", "first_name", "pk")
    )


def activities_for(*, family: Family, child_ids) -> list[Activity]:
    """The activities at least one of the chosen children is enrolled in."""
    return list(
        Activity.objects.filter(enrolments__child__family=family, enrolments__child_id__in=list(child_ids))
        .select_related("facility")
        .distinct()
        .order_by("code")
    )


def enrolments_for(*, family: Family, child_ids, activity: Activity) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(child__family=family, child_id__in=list(child_ids), activity=activity)
        .select_related("child")
        .order_by("start_date", "child__first_name")
    )


def slots_for(*, activity: Activity) -> list[ActivitySlot]:
    return list(activity.slots.order_by("weekday"))


# --- «Planning / Liste» ----------------------------------------------------------------------------------------


def planning_requests(*, family: Family) -> QuerySet[Request]:
    """The family's booking, absence and cancellation requests, most recent first, ready for the list."""
    return (
        Request.objects.filter(family=family, kind__in=PLANNING_KINDS)
        .select_related("child", "activity__facility")
        .order_by("-created_at", "-pk")
    )


# --- The private calendar feed --------------------------------------------------------------------------------


def subscription_for(*, user, family: Family) -> Subscription:
    """The user's subscription to the family (the feed's secret belongs to it), or 404."""
    return get_object_or_404(Subscription, user=user, family=family)


def subscription_by_token(*, token: str) -> Subscription:
    if not token:
        raise Http404
    return get_object_or_404(Subscription.objects.select_related("family"), calendar_token=token)


def feed_bookings(*, family: Family, today: date) -> list[tuple[Booking, ActivitySlot | None]]:
    """The family's expected days from a little while ago on, each with its slot (hours), in two queries."""
    bookings = list(
        Booking.objects.filter(
            child__family=family, state__in=FEED_STATES, day__gte=today - timedelta(days=FEED_PAST_DAYS)
        )
        .select_related("child", "activity__facility")
        .order_by("day", "activity__code", "child__first_name")
    )
    slots = {
        (slot.activity_id, slot.weekday): slot
        for slot in ActivitySlot.objects.filter(activity_id__in={b.activity_id for b in bookings})
    }
    return [(booking, slots.get((booking.activity_id, booking.day.weekday()))) for booking in bookings]
