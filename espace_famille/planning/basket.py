"""The basket («Ajouter au panier»): days of the planning ticked together, their récapitulatif (price, deadline,
what confirming will do) and their confirmation at once, through the booking service, with one acknowledgement.

A ticked cell is «child:activity:day» (`tick_value`); the basket lives in the address (the planning's form sends
its ticks there), so it needs no storage and works without JavaScript."""

import hashlib
import html
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from commun import formats
from commun.parsing import parse_date, parse_id
from espace_famille.demandes import acknowledgements
from espace_famille.dossier.models import Child, Family
from espace_famille.dossier.permissions import check_family_member
from espace_famille.planning import rules
from espace_famille.planning.calendar import Calendar
from espace_famille.planning.exceptions import BookingNotAllowed
from espace_famille.planning.models import Activity, Booking, Enrolment
from espace_famille.planning.services import booking_request_submit
from espace_famille.planning.writes import booking_limit, cancel_limit, lock_activity

FIELD = "panier"
MAX_DAYS = 100
UNREADABLE = "Le panier contient une case illisible : revenez au planning et cochez de nouveau vos jours."
IGNORED = "Une case illisible du panier a été ignorée : vérifiez les jours ci-dessous, ou revenez au planning."
TOO_MANY = f"Un panier compte au plus {MAX_DAYS} jours : confirmez-en une partie, puis cochez les suivants."
PENDING_WORDS = "Demande transmise au service (en attente de validation)"
ZERO = Decimal("0.00")


class BasketUnreadable(ValueError):
    """The address holds a tick that is not «child:activity:day», or too many: `message` says it in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


Item = tuple[int, int, date]  # child pk, activity pk, day


def tick_value(*, child_id: int, activity_id: int, day: date) -> str:
    return f"{child_id}:{activity_id}:{day.isoformat()}"


def tick_html(*, child_id: int, activity_id: int, day: date, words: str, checked: bool = False) -> str:
    """The checkbox «Ajouter au panier» of a bookable cell, its label naming the child, the activity and the day
    (`words`, «Léo, 4/Péri SOIR, lun. 19/11»). The planning's grid builds its cells as strings (its render budget);
    templates use the `_basket_tick` include, which writes the same markup."""
    value = tick_value(child_id=child_id, activity_id=activity_id, day=day)
    return (
        f'<label class="basket-tick"><input type="checkbox" name="{FIELD}" value="{value}"'
        f"{' checked' if checked else ''}> <span>Ajouter au panier</span>"
        f'<span class="visually-hidden"> : {html.escape(words, quote=True)}</span></label>'
    )


def tick_for(entry) -> str:
    """tick_html for a cell of the planning (selectors.Entry)."""
    words = tick_words(child_name=entry.child.first_name, activity_name=entry.activity.name, day=entry.day)
    return tick_html(child_id=entry.child.pk, activity_id=entry.activity.pk, day=entry.day, words=words)


def tick_words(*, child_name: str, activity_name: str, day: date) -> str:
    return f"{child_name}, {activity_name}, {formats.day_month(day)}"


def _item(value) -> Item | None:
    parts = value.split(":") if isinstance(value, str) and len(value) <= 60 else []
    if len(parts) != 3:
        return None
    child_id, activity_id, day = parse_id(parts[0]), parse_id(parts[1]), parse_date(parts[2])
    return None if None in (child_id, activity_id, day) else (child_id, activity_id, day)


def read_items(values: list[str]) -> tuple[list[Item], int]:
    """The ticked cells of an address, in order of day, each once, and how many could not be read (a forged or
    damaged address). BasketUnreadable beyond MAX_DAYS."""
    if len(values) > MAX_DAYS:
        raise BasketUnreadable(TOO_MANY)
    items = {_item(value) for value in values}
    unreadable = sum(1 for value in values if _item(value) is None)
    items.discard(None)
    return sorted(items, key=lambda item: (item[2], item[1], item[0])), unreadable


def parse_items(values: list[str]) -> list[Item]:
    """read_items for a confirmation, which carries out exactly what the page showed: BasketUnreadable for any
    tick that cannot be read."""
    items, unreadable = read_items(values)
    if unreadable:
        raise BasketUnreadable(UNREADABLE)
    return items


def basket_key(items: list[Item]) -> str:
    """What the confirmation's intent names: the set of days ticked, whatever their order in the address."""
    canonical = ",".join(tick_value(child_id=c, activity_id=a, day=d) for c, a, d in sorted(items))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


@dataclass
class Line:
    """One ticked day: what the récapitulatif shows, and after the confirmation what happened."""

    child: Child
    activity: Activity
    day: date
    hours: str
    price: Decimal
    deadline: str  # «Modifiable jusqu'au lundi 19/11/2018 à 12:00»
    outcome: str  # rules.BASKET_*
    words: str  # «Réservé directement», «Liste d'attente, rang 2», «Refusé : fermé (Noël)»
    rank: int | None = None

    @property
    def item(self) -> Item:
        return (self.child.pk, self.activity.pk, self.day)

    @property
    def counts(self) -> bool:
        """Whether its price is in the total: the days booked or asked for, not those waiting nor refused."""
        return self.outcome in (rules.BASKET_BOOKED, rules.BASKET_REQUEST)

    def as_row(self) -> dict:
        """Plain values, for the session (the result page) and the acknowledgement."""
        return {
            "day": formats.weekday_date(self.day),
            "date": formats.date_numeric(self.day),
            "hours": self.hours,
            "start": self.hours.split(" - ")[0],
            "child": self.child.first_name,
            "activity": self.activity.name,
            "price": formats.money(self.price) if self.outcome != rules.BASKET_REFUSED else "—",
            "outcome": self.outcome,
            "words": self.words,
        }


@dataclass
class Basket:
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.price for line in self.lines if line.counts), ZERO)

    @property
    def items(self) -> list[Item]:
        return [line.item for line in self.lines]


def _children(family: Family, items: list[Item]) -> dict[int, Child]:
    """The family's children the items name; a child of another family (or none) is refused before anything."""
    wanted = {child_id for child_id, _, _ in items}
    children = {child.pk: child for child in Child.objects.filter(family=family, pk__in=wanted)}
    if len(children) != len(wanted):
        raise BookingNotAllowed("Cet enfant n'est pas rattaché à votre dossier famille.")
    return children


def basket_lines(*, family: Family, items: list[Item], now: datetime) -> Basket:
    """The récapitulatif of the ticked days, in a fixed number of queries whatever their number: for each its
    hours, its price for the family (rules.day_price), its deadline and what confirming will do (rules.basket_outcome).

    Raises Http404 for a child of another family or an activity that does not exist."""
    if not items:
        return Basket()
    try:
        children = _children(family, items)
    except BookingNotAllowed:
        raise Http404 from None
    activity_ids = {activity_id for _, activity_id, _ in items}
    activities = {
        a.pk: a
        for a in Activity.objects.filter(pk__in=activity_ids)
        .select_related("facility")
        .prefetch_related("slots", "prices")
    }
    if len(activities) != len(activity_ids):
        raise Http404
    days = sorted({day for _, _, day in items})
    enrolments = defaultdict(list)
    for child_id, activity_id, start, end, weekdays in Enrolment.objects.filter(
        child__in=list(children), activity__in=list(activities), start_date__lte=days[-1], end_date__gte=days[0]
    ).values_list("child_id", "activity_id", "start_date", "end_date", "weekdays"):
        enrolments[(child_id, activity_id)].append((start, end, set(weekdays)))
    states = {
        (child_id, activity_id, day): state
        for child_id, activity_id, day, state in Booking.objects.filter(
            child__in=list(children), activity__in=list(activities), day__in=days
        ).values_list("child_id", "activity_id", "day", "state")
    }
    holding, waiting = defaultdict(int), defaultdict(int)
    for activity_id, day, state, count in (
        Booking.objects.filter(
            activity__in=list(activities), day__in=days, state__in=[*rules.HOLDS_A_PLACE, rules.WAITING]
        )
        .values_list("activity_id", "day", "state")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        (waiting if state == rules.WAITING else holding)[(activity_id, day)] += count
    calendar = Calendar.load(days[0], days[-1])
    holidays = calendar.public_holiday_set()
    basket = Basket()
    for child_id, activity_id, day in items:
        activity, child = activities[activity_id], children[child_id]
        slots = {slot.weekday: slot for slot in activity.slots.all()}
        slot = slots.get(day.weekday())
        closed = calendar.closed(activity, day) if activity.active else "activité suspendue"
        problem = rules.booking_problem(
            day=day,
            kind="booking",
            state=states.get((child_id, activity_id, day), rules.NOT_BOOKED),
            enrolments=enrolments[(child_id, activity_id)],
            runs_weekdays=set(slots),
            closed=closed,
            now=now,
            limit=booking_limit(activity, day, holidays),
            rule=rules.describe_deadline(
                kind=activity.booking_deadline_kind,
                days=activity.booking_deadline_days,
                at=activity.booking_deadline_time,
            ),
        )
        key = (activity_id, day)
        outcome, words, rank = rules.basket_outcome(
            problem=problem[1] if problem else "",
            auto_accept=activity.auto_accept,
            holding=holding[key],
            capacity=activity.capacity,
            waiting=waiting[key],
        )
        # The basket's own days take their places in turn: a second child on the last place waits.
        if outcome == rules.BASKET_BOOKED:
            holding[key] += 1
        elif outcome == rules.BASKET_WAITING:
            waiting[key] += 1
        basket.lines.append(
            Line(
                child=child,
                activity=activity,
                day=day,
                hours=formats.time_range(slot.start_time, slot.end_time) if slot else "",
                price=rules.day_price(
                    base=activity.price,
                    bands=[(p.quotient_max, p.amount) for p in activity.prices.all()],
                    quotient=family.quotient,
                ),
                deadline=rules.modifiable_until(cancel_limit(activity, day, holidays)),
                outcome=outcome,
                words=words,
                rank=rank,
            )
        )
    return basket


def _waiting_ranks(bookings: list[Booking]) -> dict[int, int]:
    """The rank of each waiting booking in its day's list, in one query."""
    waiting = [b for b in bookings if b.state == rules.WAITING]
    if not waiting:
        return {}
    ranks, seen = {}, defaultdict(int)
    for pk, activity_id, day in (
        Booking.objects.filter(
            activity__in={b.activity_id for b in waiting}, day__in={b.day for b in waiting}, state=rules.WAITING
        )
        .order_by("queued_at", "pk")
        .values_list("pk", "activity_id", "day")
    ):
        seen[(activity_id, day)] += 1
        ranks[pk] = seen[(activity_id, day)]
    return ranks


def basket_confirm(*, family: Family, by: AbstractUser | None, items: list[Item], key: str, now=None) -> Basket:
    """Ask for every ticked day at once, through booking_request_submit (its rules, its locks, its requests and
    audit), each day booked, put on the waiting list, sent to the service or refused with its reason; then ONE
    acknowledgement for the whole basket. All in one transaction: the caller consumes its intent in it.

    key: the basket's intent nonce, the acknowledgement's key. BookingNotAllowed for another family's child."""
    check_family_member(by=by, family=family, staff_permission="espace_famille.change_request")
    now = now or timezone.now()
    with transaction.atomic():
        children = _children(family, items)
        basket = basket_lines(family=family, items=items, now=now)
        # The activities locked in one order: two baskets sharing activities never wait for each other in a circle.
        for activity_id in sorted({line.activity.pk for line in basket.lines}):
            lock_activity(activity_id)
        groups = defaultdict(list)
        for child_id, activity_id, day in items:
            groups[(activity_id, child_id)].append(day)
        skipped = {}
        for (activity_id, child_id), days in sorted(groups.items()):
            line = next(line for line in basket.lines if line.item[:2] == (child_id, activity_id))
            result = booking_request_submit(
                family=family,
                by=by,
                children=[children[child_id]],
                activity=line.activity,
                kind="booking",
                days=days,
                now=now,
                acknowledge=False,
            )
            skipped.update({(child_id, activity_id, day): reason for _child, day, reason in result.skipped})
        bookings = list(
            Booking.objects.filter(
                child__in=list(children), activity__in={a for _, a, _ in items}, day__in={d for _, _, d in items}
            )
        )
        ranks = _waiting_ranks(bookings)
        by_item = {(b.child_id, b.activity_id, b.day): b for b in bookings}
        for line in basket.lines:
            _settle(line, booking=by_item.get(line.item), reason=skipped.get(line.item), ranks=ranks)
        if all(line.outcome == rules.BASKET_REFUSED for line in basket.lines):
            return basket  # nothing registered: nothing to acknowledge, the result page says why
        acknowledgements.basket_received(
            key=key,
            rows=[
                [row["date"], row["start"], row["activity"], row["child"], row["price"], row["words"]]
                for row in (line.as_row() for line in basket.lines)
            ],
            total=formats.money(basket.total),
            by=by,
            now=now,
        )
    return basket


def _settle(line: Line, *, booking: Booking | None, reason: str | None, ranks: dict) -> None:
    """What happened to a ticked day, read from its booking after the service ran."""
    if reason is not None or booking is None:
        line.outcome, line.words, line.rank = rules.BASKET_REFUSED, f"Refusé : {reason or 'non enregistré'}", None
    elif booking.state == rules.BOOKED:
        line.outcome, line.words, line.rank = rules.BASKET_BOOKED, "Réservé", None
    elif booking.state == rules.WAITING:
        rank = ranks.get(booking.pk)
        line.outcome, line.words, line.rank = rules.BASKET_WAITING, f"Liste d'attente, rang {rank}", rank
    else:
        line.outcome, line.words, line.rank = rules.BASKET_REQUEST, PENDING_WORDS, None
