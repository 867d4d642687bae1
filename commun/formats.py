"""How every screen, PDF and e-mail writes money, dates and times: «1 234,50 €», «03/12/2026», «lun. 19/11».

The formats are the guide's own (its tables, e-mails and invoices write «04/01/2019 à 16:33», «6,50 €»,
«lun. 19/11», «1 janvier 2010», «5 déc. 2018 13:59:09»). Every name of a day or a month is spelt here,
never taken from the server's locale (strftime's %a, %b) nor from Django's translations, so that the text
is the same on every machine. Moments are shown in Europe/Paris, the municipality's time.

Money follows French typography: a narrow no-break space (U+202F) between thousands and a no-break space
(U+00A0) before «€», so that an amount never breaks across two lines; a minus sign «-» before a negative
amount. A missing value (None) gives an empty text: the caller says what absence reads like («—» in a table
cell, nothing in a sentence)."""

from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
NARROW_NO_BREAK_SPACE = "\u202f"
NO_BREAK_SPACE = "\u00a0"
CENT = Decimal("0.01")

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
WEEKDAYS_SHORT = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
MONTHS = (
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
)
MONTHS_SHORT = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def money(amount: Decimal | int | str | None) -> str:
    """«1 234,50 €», «-3,01 €», «0,00 €»: rounded to the cent, half up. Floats are refused: money is Decimal."""
    if amount is None or amount == "":
        return ""
    if isinstance(amount, float):
        raise TypeError("Un montant s'écrit en Decimal, jamais en float.")
    cents = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if cents < 0 else ""
    whole, fraction = f"{abs(cents):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{NARROW_NO_BREAK_SPACE.join(groups)},{fraction}{NO_BREAK_SPACE}€"


def _local(moment: datetime) -> datetime:
    """A moment in Paris; a naive one is taken as already Paris time."""
    return moment.astimezone(PARIS) if moment.tzinfo else moment


def _day(value: date | datetime) -> date:
    return _local(value).date() if isinstance(value, datetime) else value


def date_numeric(value: date | datetime | None) -> str:
    """«03/12/2026», as the guide's tables, e-mails and invoices write a day."""
    if not value:
        return ""
    day = _day(value)
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def date_short(value: date | datetime | None) -> str:
    """«3 déc. 2026»."""
    if not value:
        return ""
    day = _day(value)
    return f"{day.day} {MONTHS_SHORT[day.month - 1]} {day.year}"


def date_long(value: date | datetime | None) -> str:
    """«1 janvier 2010», as the guide writes a birth date."""
    if not value:
        return ""
    day = _day(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def month_year(value: date | datetime | None) -> str:
    """«novembre 2018»: a month of the planning, an invoicing run."""
    if not value:
        return ""
    day = _day(value)
    return f"{MONTHS[day.month - 1]} {day.year}"


def day_month(value: date | datetime | None) -> str:
    """«lun. 19/11», the planning's column heading."""
    if not value:
        return ""
    day = _day(value)
    return f"{WEEKDAYS_SHORT[day.weekday()]} {day.day:02d}/{day.month:02d}"


def day_month_year(value: date | datetime | None) -> str:
    """«lun. 19/11/2018», a requested day in a list of days."""
    if not value:
        return ""
    return f"{day_month(value)}/{_day(value).year}"


def weekday_date(value: date | datetime | None) -> str:
    """«lundi 19/11/2018», a day an instructor decides."""
    if not value:
        return ""
    day = _day(value)
    return f"{WEEKDAYS[day.weekday()]} {date_numeric(day)}"


def period(start: date | None, end: date | None) -> str:
    """«du 03/09/2018 au 31/08/2019»."""
    if not start or not end:
        return ""
    return f"du {date_numeric(start)} au {date_numeric(end)}"


def date_span(start: date | None, end: date | None) -> str:
    """A week of the planning, saying its month and year once: «19 — 25 nov. 2018», «29 oct. — 4 nov. 2018»,
    «31 déc. 2018 — 6 janv. 2019»."""
    if not start or not end:
        return ""
    if start.year != end.year:
        first = date_short(start)
    elif start.month != end.month:
        first = f"{start.day} {MONTHS_SHORT[start.month - 1]}"
    else:
        first = str(start.day)
    return f"{first} — {date_short(end)}"


def time_short(value: time | datetime | None) -> str:
    """«08:05»: an hour of the day; a moment's in Paris."""
    if value is None:
        return ""
    moment = _local(value) if isinstance(value, datetime) else value
    return f"{moment.hour:02d}:{moment.minute:02d}"


def time_range(start: time | None, end: time | None) -> str:
    """«07:35 - 08:20», the hours of an activity as the planning shows them."""
    if start is None or end is None:
        return ""
    return f"{time_short(start)} - {time_short(end)}"


def datetime_numeric(value: datetime | None) -> str:
    """«04/01/2019 à 16:33» in Paris, as the guide's e-mails say when a request was made."""
    if not value:
        return ""
    return f"{date_numeric(value)} à {time_short(value)}"


def timestamp(value: datetime | None) -> str:
    """«5 déc. 2018 13:59:09» in Paris, to the second, as the guide's list of requests dates them."""
    if not value:
        return ""
    moment = _local(value)
    return f"{date_short(moment)} {time_short(moment)}:{moment.second:02d}"


def age(birth: date | None, *, today: date) -> str:
    """«7 ans», «1 an», «5 mois» for a baby: the age beside a birth date, as the guide shows it."""
    if not birth:
        return ""
    years = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    if years >= 1:
        return f"{years} an{'s' if years > 1 else ''}"
    months = (today.year - birth.year) * 12 + today.month - birth.month - (today.day < birth.day)
    return f"{max(months, 0)} mois"
