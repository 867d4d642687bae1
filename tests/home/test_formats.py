"""French formats: «lun. 19/11», «6,50 €», «1 janvier 2010 / 7 ans»."""

from datetime import date
from decimal import Decimal

from home.templatetags.portail import age, date_longue, euros, jour_court


def test_planning_column_heading():
    assert jour_court(date(2018, 11, 19)) == "lun. 19/11"
    assert jour_court(date(2018, 11, 25)) == "dim. 25/11"


def test_amounts_in_euros():
    assert euros(Decimal("6.5")) == "6,50\u00a0€"
    assert euros(Decimal("1234")) == "1\u202f234,00\u00a0€"
    assert euros(Decimal("-3.005")) == "-3,01\u00a0€"
    assert euros(0) == "0,00\u00a0€"


def test_birth_date_and_age_as_in_the_guide():
    assert date_longue(date(2010, 1, 1)) == "1 janvier 2010"
    assert age(date(2010, 1, 1), today=date(2017, 12, 31)) == "7 ans"
    assert age(date(2015, 11, 24), today=date(2016, 11, 24)) == "1 an"
    assert age(date(2026, 6, 10), today=date(2026, 11, 22)) == "5 mois"
