"""The French formats every screen, PDF and e-mail shares: pure functions, no database."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from commun import formats

NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("6.5"), f"6,50{NBSP}€"),
        (Decimal("1234"), f"1{NNBSP}234,00{NBSP}€"),
        (Decimal("1234.5"), f"1{NNBSP}234,50{NBSP}€"),
        (Decimal("1234567.891"), f"1{NNBSP}234{NNBSP}567,89{NBSP}€"),
        (Decimal("999.995"), f"1{NNBSP}000,00{NBSP}€"),
        (Decimal("100"), f"100,00{NBSP}€"),
        (Decimal("-3.005"), f"-3,01{NBSP}€"),
        (Decimal("-1234.5"), f"-1{NNBSP}234,50{NBSP}€"),
        (Decimal("-0.001"), f"0,00{NBSP}€"),
        (0, f"0,00{NBSP}€"),
        (12, f"12,00{NBSP}€"),
        ("8.40", f"8,40{NBSP}€"),
    ],
)
def test_money_in_euros_as_french_typography_writes_it(amount, text):
    assert formats.money(amount) == text


def test_no_amount_is_an_empty_text_and_a_float_is_refused():
    assert formats.money(None) == "" and formats.money("") == ""
    with pytest.raises(TypeError):
        formats.money(8.4)


def test_days_as_the_guide_writes_them():
    day = date(2026, 12, 3)
    assert formats.date_numeric(day) == "03/12/2026"
    assert formats.date_short(day) == "3 déc. 2026"
    assert formats.date_long(date(2010, 1, 1)) == "1 janvier 2010"
    assert formats.month_year(date(2018, 11, 19)) == "novembre 2018"
    assert formats.day_month(date(2018, 11, 19)) == "lun. 19/11"
    assert formats.day_month(date(2018, 11, 25)) == "dim. 25/11"
    assert formats.day_month_year(date(2018, 11, 19)) == "lun. 19/11/2018"
    assert formats.weekday_date(date(2026, 11, 16)) == "lundi 16/11/2026"
    assert formats.period(date(2018, 9, 3), date(2019, 8, 31)) == "du 03/09/2018 au 31/08/2019"


def test_every_month_has_its_french_name_whatever_the_servers_locale():
    shorts = [formats.date_short(date(2026, month, 1)).split(" ")[1] for month in range(1, 13)]
    assert shorts == ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
    assert [formats.month_year(date(2026, month, 1)) for month in (2, 8, 12)] == [
        "février 2026",
        "août 2026",
        "décembre 2026",
    ]
    week = [formats.day_month(date(2026, 11, 16) + timedelta(days=n)).split(" ")[0] for n in range(7)]
    assert week == ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]


def test_a_week_of_the_planning_says_its_month_and_year_once():
    assert formats.date_span(date(2018, 11, 19), date(2018, 11, 25)) == "19 — 25 nov. 2018"
    assert formats.date_span(date(2018, 10, 29), date(2018, 11, 4)) == "29 oct. — 4 nov. 2018"
    assert formats.date_span(date(2018, 12, 31), date(2019, 1, 6)) == "31 déc. 2018 — 6 janv. 2019"


def test_moments_are_shown_in_paris_time():
    winter = datetime(2026, 12, 3, 13, 5, 9, tzinfo=UTC)  # 14:05:09 in Paris (UTC+1)
    summer = datetime(2026, 7, 14, 12, 0, tzinfo=UTC)  # 14:00 in Paris (UTC+2)
    assert formats.datetime_numeric(winter) == "03/12/2026 à 14:05"
    assert formats.datetime_numeric(summer) == "14/07/2026 à 14:00"
    assert formats.timestamp(winter) == "3 déc. 2026 14:05:09"
    assert formats.time_short(winter) == "14:05"


def test_a_moment_late_in_the_evening_utc_is_already_the_next_day_in_paris():
    new_year = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert formats.date_numeric(new_year) == "01/01/2027"
    assert formats.datetime_numeric(new_year) == "01/01/2027 à 00:30"
    assert formats.month_year(new_year) == "janvier 2027"
    other_zone = datetime(2026, 12, 31, 18, 30, tzinfo=timezone(timedelta(hours=-5)))  # New York
    assert formats.datetime_numeric(other_zone) == "01/01/2027 à 00:30"


def test_a_naive_moment_is_taken_as_paris_time():
    assert formats.datetime_numeric(datetime(2026, 12, 3, 14, 5)) == "03/12/2026 à 14:05"


def test_hours_of_an_activity():
    assert formats.time_short(time(8, 5)) == "08:05"
    assert formats.time_short(time(0, 0)) == "00:00"
    assert formats.time_range(time(7, 35), time(8, 20)) == "07:35 - 08:20"


def test_no_date_is_an_empty_text():
    for function in (
        formats.date_numeric,
        formats.date_short,
        formats.date_long,
        formats.month_year,
        formats.day_month,
        formats.day_month_year,
        formats.weekday_date,
        formats.datetime_numeric,
        formats.timestamp,
        formats.time_short,
    ):
        assert function(None) == "", function.__name__
    assert formats.period(None, None) == "" and formats.date_span(None, date(2026, 1, 1)) == ""
    assert formats.time_range(None, time(8)) == ""
    assert formats.age(None, today=date(2026, 1, 1)) == ""


def test_the_age_beside_a_birth_date_as_in_the_guide():
    assert formats.age(date(2010, 1, 1), today=date(2017, 12, 31)) == "7 ans"
    assert formats.age(date(2015, 11, 24), today=date(2016, 11, 24)) == "1 an"
    assert formats.age(date(2015, 11, 24), today=date(2016, 11, 23)) == "11 mois"
    assert formats.age(date(2026, 6, 10), today=date(2026, 11, 22)) == "5 mois"
    assert formats.age(date(2026, 11, 20), today=date(2026, 11, 22)) == "0 mois"
