"""What invoicing a month would bill now, read from the planning (the bookings, and the attendance marks of the
activities billed by attendance): per family, one line per child, activity and price with its days, and a
fingerprint of those lines that tells whether they changed since a draft was made."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Subquery

from espace_famille.planning import rules as famille_rules
from espace_famille.planning.models import ActivityPrice, Attendance, BillingBasis, Booking

from . import rules
from .models import ZERO, BilledDay, Regie


@dataclass(frozen=True)
class DaySource:
    """What bills a day: its booking, its attendance mark (an activity billed by attendance), or both; and the
    state or mark that bills it."""

    booking_id: int | None
    attendance_id: int | None
    state: str


@dataclass
class PreviewLine:
    child_id: int
    child_name: str
    activity_id: int
    label: str
    unit_price: Decimal
    days: list[date] = field(default_factory=list)
    sources: list[DaySource] = field(default_factory=list)

    @property
    def quantity(self) -> Decimal:
        return Decimal(len(self.days))

    @property
    def amount(self) -> Decimal:
        return rules.line_amount(quantity=self.quantity, unit=self.unit_price)


@dataclass
class FamilyPreview:
    family_id: int
    lines: list[PreviewLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def fingerprint(self) -> str:
        """Everything its invoice would carry: who, what, at which price, which days in which state."""
        parts = [
            (
                line.child_id,
                line.child_name,
                line.activity_id,
                line.label,
                str(line.unit_price),
                sorted(
                    (source.booking_id or 0, source.attendance_id or 0, source.state, day.isoformat())
                    for day, source in zip(line.days, line.sources, strict=True)
                ),
            )
            for line in self.lines
        ]
        return hashlib.sha256(repr(sorted(parts)).encode()).hexdigest()


# Who the day is for and what it is billed at, read beside each booking or mark.
_DAY_FIELDS = (
    "day",
    "child_id",
    "child__first_name",
    "child__last_name",
    "child__family_id",
    "child__family__quotient",
    "activity_id",
    "activity__code",
    "activity__label",
    "activity__price",
)


def _bookings(regie: Regie, first: date, last: date, family_ids: list[int] | None):
    bookings = Booking.objects.filter(
        activity__regies=regie, day__range=(first, last), state__in=famille_rules.BILLED, billed__isnull=True
    )
    if family_ids is not None:
        bookings = bookings.filter(child__family_id__in=family_ids)
    return bookings.values_list("pk", "state", "activity__billing_basis", *_DAY_FIELDS).order_by()


def _marks(regie: Regie, first: date, last: date, family_ids: list[int] | None):
    """The attendance marks of the régie's activities billed by attendance: each with its day's booking (None when
    there is none) and whether the mark or that booking was billed already (the day is then invoiced)."""
    same_day = {"child": OuterRef("child"), "activity": OuterRef("activity"), "day": OuterRef("day")}
    marks = Attendance.objects.filter(
        activity__regies=regie, activity__billing_basis=BillingBasis.ATTENDANCE, day__range=(first, last)
    ).annotate(
        booking_id=Subquery(Booking.objects.filter(**same_day).values("pk")[:1]),
        invoiced=Exists(
            BilledDay.objects.filter(
                Q(attendance=OuterRef("pk")) | Q(**{f"booking__{key}": value for key, value in same_day.items()})
            )
        ),
    )
    if family_ids is not None:
        marks = marks.filter(child__family_id__in=family_ids)
    return marks.values_list("pk", "status", "booking_id", "invoiced", *_DAY_FIELDS).order_by()


def _billed_days(regie: Regie, first: date, last: date, family_ids: list[int] | None) -> list[tuple]:
    """(DaySource, day fields) of every day to bill, in the order of the invoice: family, child, activity, day.
    rules.day_billing decides, for each child's day, whether its booking or its mark bills it."""
    marks = {
        (day[1], day[6], day[0]): (pk, status, booking_id, invoiced, day)
        for pk, status, booking_id, invoiced, *day in _marks(regie, first, last, family_ids)
    }
    billed = []
    for pk, state, basis, *day in _bookings(regie, first, last, family_ids):
        mark = marks.get((day[1], day[6], day[0]))
        status = mark[1] if mark else None
        if famille_rules.day_billing(basis=basis, booking_state=state, attendance_status=status) == "booking":
            billed.append((DaySource(pk, None, state), day))
    for pk, status, booking_id, invoiced, day in marks.values():
        source = famille_rules.day_billing(
            basis=famille_rules.BILLING_ATTENDANCE, booking_state=None, attendance_status=status
        )
        # A day invoiced already (from its mark, or from its booking before it was marked) stays as invoiced.
        if source == "attendance" and not invoiced:
            billed.append((DaySource(booking_id, pk, status), day))
    return sorted(billed, key=lambda row: (row[1][4], row[1][1], row[1][7], row[1][0]))


def _bands(regie: Regie) -> dict[int, list[tuple[int | None, Decimal]]]:
    bands = defaultdict(list)
    for price in ActivityPrice.objects.filter(activity__regies=regie):
        bands[price.activity_id].append((price.quotient_max, price.amount))
    return bands


def billable(*, regie: Regie, month: date, family_ids: list[int] | None = None) -> dict[int, FamilyPreview]:
    """Per family id, the lines invoicing the month would bill now: the days «Réservé» or «Absence facturée» not
    billed yet (for an activity billed by attendance, the days marked present, present without booking or absent
    without justification, and the days nobody marked by their booking), × the price for the family's quotient
    familial, one line per child, activity and price."""
    first, last = rules.month_bounds(month)
    bands = _bands(regie)
    families: dict[int, FamilyPreview] = {}
    lines: dict[tuple, PreviewLine] = {}
    for source, row in _billed_days(regie, first, last, family_ids):
        day, child_id, first_name, last_name, family_id, quotient, activity_id, code, label, base = row
        unit = famille_rules.day_price(base=base, bands=bands.get(activity_id, []), quotient=quotient)
        family = families.setdefault(family_id, FamilyPreview(family_id))
        key = (family_id, child_id, activity_id, unit)
        line = lines.get(key)
        if line is None:
            line = lines[key] = PreviewLine(
                child_id=child_id,
                child_name=f"{first_name} {last_name}",
                activity_id=activity_id,
                label=f"{code}/{label}",
                unit_price=unit,
            )
            family.lines.append(line)
        line.days.append(day)
        line.sources.append(source)
    return families
