"""French formats of the portal: «lun. 19/11», «6,50 €», «1 janvier 2010 / 7 ans»."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone

register = template.Library()

WEEKDAYS_SHORT = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]
THIN_SPACE = "\u202f"
NO_BREAK_SPACE = "\u00a0"
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


@register.filter
def jour_court(value: date) -> str:
    """«lun. 19/11», the planning's column heading."""
    if not value:
        return ""
    return f"{WEEKDAYS_SHORT[value.weekday()]} {value:%d/%m}"


@register.filter
def date_longue(value: date) -> str:
    """«1 janvier 2010»."""
    if not value:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


@register.filter
def age(value: date, today: date | None = None) -> str:
    """«7 ans», «1 an», «5 mois» for a baby."""
    if not value:
        return ""
    today = today or timezone.localdate()
    years = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    if years >= 1:
        return f"{years} an{'s' if years > 1 else ''}"
    months = (today.year - value.year) * 12 + today.month - value.month - (today.day < value.day)
    return f"{max(months, 0)} mois"


@register.filter
def euros(value) -> str:
    """«6,50 €», «1 234,00 €» (narrow no-break space between thousands)."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{THIN_SPACE.join(groups)},{cents}{NO_BREAK_SPACE}€"
