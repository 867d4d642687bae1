"""What invoicing a month would bill now, read from the planning: per family, one line per child, activity and
price with its days, and a fingerprint of those lines that tells whether they changed since a draft was made."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from espace_famille.planning import rules as famille_rules
from espace_famille.planning.models import ActivityPrice, Booking

from . import rules
from .models import ZERO, Regie


@dataclass
class PreviewLine:
    child_id: int
    child_name: str
    activity_id: int
    label: str
    unit_price: Decimal
    days: list[date] = field(default_factory=list)
    bookings: list[tuple[int, str]] = field(default_factory=list)

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
                sorted((pk, state, day.isoformat()) for day, (pk, state) in zip(line.days, line.bookings, strict=True)),
            )
            for line in self.lines
        ]
        return hashlib.sha256(repr(sorted(parts)).encode()).hexdigest()


def _rows(regie: Regie, first: date, last: date, family_ids: list[int] | None):
    bookings = Booking.objects.filter(
        activity__regies=regie, day__range=(first, last), state__in=famille_rules.BILLED, billed__isnull=True
    )
    if family_ids is not None:
        bookings = bookings.filter(child__family_id__in=family_ids)
    return bookings.values_list(
        "pk",
        "state",
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
    ).order_by("child__family_id", "child_id", "activity__code", "day")


def _bands(regie: Regie) -> dict[int, list[tuple[int | None, Decimal]]]:
    bands = defaultdict(list)
    for price in ActivityPrice.objects.filter(activity__regies=regie):
        bands[price.activity_id].append((price.quotient_max, price.amount))
    return {key: sorted(value, key=lambda band: (band[0] is None, band[0] or 0)) for key, value in bands.items()}


def billable(*, regie: Regie, month: date, family_ids: list[int] | None = None) -> dict[int, FamilyPreview]:
    """Per family id, the lines invoicing the month would bill now: the days «Réservé» or «Absence facturée» not
    billed yet, × the price for the family's quotient familial, one line per child, activity and price."""
    first, last = rules.month_bounds(month)
    bands = _bands(regie)
    families: dict[int, FamilyPreview] = {}
    lines: dict[tuple, PreviewLine] = {}
    for row in _rows(regie, first, last, family_ids):
        pk, state, day, child_id, first_name, last_name, family_id, quotient = row[:8]
        activity_id, code, label, base = row[8:]
        unit = rules.unit_price(base=base, bands=bands.get(activity_id, []), quotient=quotient)
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
        line.bookings.append((pk, state))
    return families
