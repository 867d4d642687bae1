"""{% load formats %}: money and dates in templates, written by commun.formats as everywhere else; a name after
«de» («{{ child|de_nom }}»: «de Paul», «d'Alice»), elided by commun.elision."""

from django import template
from django.utils import timezone

from commun import elision, formats

register = template.Library()

register.filter("money", formats.money)
register.filter("date_numeric", formats.date_numeric)
register.filter("date_long", formats.date_long)
register.filter("month_year", formats.month_year)
register.filter("day_month", formats.day_month)
register.filter("day_month_year", formats.day_month_year)
register.filter("weekday_date", formats.weekday_date)
register.filter("datetime_numeric", formats.datetime_numeric)
register.filter("timestamp", formats.timestamp)
register.filter("de_nom", elision.de)


@register.filter
def age(birth) -> str:
    """«7 ans» on today's date in Paris."""
    return formats.age(birth, today=timezone.localdate())
