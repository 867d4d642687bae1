"""The municipality's calendar: public holidays and school holidays from well-kept libraries, plus closures.

`holidays` gives the French public holidays; `vacances-scolaires-france` gives the school holidays of each zone
(the Ministry's open data, shipped with the package). The service adds its own closures in the admin.

The package knows a few school years ahead; for a later one, the municipality types the school holidays in as
closures, and until it does, school-time activities cannot be booked in that year (see `school_years_unknown`)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
from vacances_scolaires_france import SchoolHolidayDates

from espace_famille.planning import rules
from espace_famille.planning.models import Activity, CalendarSettings, Closure, HolidayRule, SlotPeriod

# A closure of every structure lasting a week or more is school holidays the municipality typed in itself.
MANUAL_HOLIDAYS_MIN_DAYS = 7


@lru_cache(maxsize=16)
def public_holidays(year: int) -> dict[date, str]:
    return dict(holidays.France(years=year, language="fr"))


@lru_cache(maxsize=1)
def _school_data() -> SchoolHolidayDates:
    return SchoolHolidayDates()


@lru_cache(maxsize=64)
def school_holidays(year: int, zone: str) -> dict[date, str]:
    try:
        days = _school_data().holidays_for_year_and_zone(year, zone)
    except Exception:  # no dates for that year: `school_years_unknown` keeps such a year's school time closed
        return {}
    return {day: info["nom_vacances"] for day, info in days.items()}


@lru_cache(maxsize=1)
def _school_data_ends() -> date:
    """The last day of school holidays the package knows (the end of some summer)."""
    return max(_school_data().data)


def school_holidays_shipped(first_day: date) -> bool:
    """Whether the package knows the school holidays of the whole school year beginning on `first_day`."""
    return rules.school_year_of(first_day)[1] <= _school_data_ends()


def school_years_unknown(start: date, end: date) -> list[date]:
    """The first days of the school years met from `start` to `end` whose school holidays the portal knows
    neither from the package nor from closures typed in by hand: in those, school time cannot be told apart."""
    first, firsts = rules.school_year_of(start)[0], []
    while first <= end:
        firsts.append(first)
        first = first.replace(year=first.year + 1)
    missing = [first for first in firsts if not school_holidays_shipped(first)]
    if not missing:
        return []
    typed = Closure.objects.filter(
        facility__isnull=True,
        activity__isnull=True,
        start_date__lte=rules.school_year_of(missing[-1])[1],
        end_date__gte=missing[0],
    ).values_list("start_date", "end_date")
    covered = {
        rules.school_year_of(first)[0]
        for first, last in typed
        if last - first >= timedelta(days=MANUAL_HOLIDAYS_MIN_DAYS - 1)
    }
    return [first for first in missing if first not in covered]


def school_zone() -> str:
    """The zone set in the admin (Paramètres > Calendrier), zone B until it is set."""
    zone = CalendarSettings.objects.values_list("school_zone", flat=True).first()
    return zone or CalendarSettings._meta.get_field("school_zone").default


@dataclass
class Calendar:
    """What a screen or a service needs to know about the days from `start` to `end`, read in two queries."""

    start: date
    end: date
    zone: str
    closures: list = field(default_factory=list)
    # First days of the school years whose school holidays are unknown (see `school_years_unknown`).
    unknown_years: frozenset = frozenset()

    @classmethod
    def load(cls, start: date, end: date, zone: str | None = None) -> "Calendar":
        zone = zone or school_zone()
        closures = list(
            Closure.objects.filter(start_date__lte=end, end_date__gte=start).values_list(
                "start_date", "end_date", "facility_id", "activity_id", "label"
            )
        )
        unknown = frozenset(school_years_unknown(start, end))
        return cls(start=start, end=end, zone=zone, closures=closures, unknown_years=unknown)

    def public_holiday(self, day: date) -> str | None:
        return public_holidays(day.year).get(day)

    def public_holiday_set(self) -> frozenset:
        return frozenset(d for y in range(self.start.year - 1, self.end.year + 1) for d in public_holidays(y))

    def school_holiday(self, day: date) -> str | None:
        return school_holidays(day.year, self.zone).get(day)

    def school_days(self, weekdays) -> list[date]:
        """The days from start to end, on the given weekdays, that are neither public nor school holidays."""
        return [
            day
            for day in rules.days_between(self.start, self.end, weekdays)
            if not (self.public_holiday(day) or self.school_holiday(day))
        ]

    def slot_runs(self, slot, day: date) -> bool:
        """Whether a weekday's slot applies on `day`: some run only in school time, others only in the holidays."""
        if slot.period == SlotPeriod.ALL:
            return True
        return (slot.period == SlotPeriod.HOLIDAYS) == bool(self.school_holiday(day))

    def closed(self, activity: Activity, day: date) -> str | None:
        """Why `activity` does not run on `day` (a French reason), or None when it runs (weekdays aside)."""
        name = self.public_holiday(day)
        if name:
            return name
        first_day = rules.school_year_of(day)[0]
        if first_day in self.unknown_years and self._follows_school_holidays(activity, day):
            return f"vacances scolaires {rules.school_year_label(first_day)} pas encore connues"
        holiday = self.school_holiday(day)
        if activity.holiday_rule == HolidayRule.SCHOOL_TIME and holiday:
            return holiday
        if activity.holiday_rule == HolidayRule.HOLIDAYS and not holiday:
            return OUT_OF_HOLIDAYS
        # The weekday's slot may run only in school time or only in the holidays (uses prefetched slots).
        for slot in activity.slots.all():
            if slot.weekday == day.weekday():
                if slot.period == SlotPeriod.SCHOOL and holiday:
                    return holiday
                if slot.period == SlotPeriod.HOLIDAYS and not holiday:
                    return OUT_OF_HOLIDAYS
        for start, end, facility_id, activity_id, label in self.closures:
            if start <= day <= end and (
                (facility_id is None and activity_id is None)
                or facility_id == activity.facility_id
                or activity_id == activity.pk
            ):
                return label
        return None

    @staticmethod
    def _follows_school_holidays(activity: Activity, day: date) -> bool:
        """Whether the activity runs on `day` or not depending on the school holidays."""
        if activity.holiday_rule != HolidayRule.ALWAYS:
            return True
        return any(slot.weekday == day.weekday() and slot.period != SlotPeriod.ALL for slot in activity.slots.all())


# Why an activity of the holidays does not run on a school day.
OUT_OF_HOLIDAYS = "hors vacances scolaires"
