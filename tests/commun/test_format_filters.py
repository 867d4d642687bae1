"""{% load formats %}: templates write money and dates as commun.formats does."""

from datetime import UTC, date, datetime
from decimal import Decimal

from django.template import Context, Template


def render(source: str, **context) -> str:
    return Template("{% load formats %}" + source).render(Context(context))


def test_the_filters_write_what_the_functions_write():
    page = render(
        "{{ amount|money }} | {{ day|date_numeric }} | {{ day|day_month }} | {{ day|day_month_year }} | "
        "{{ day|month_year }} | {{ day|date_long }} | {{ at|datetime_numeric }} | {{ at|timestamp }}",
        amount=Decimal("1234.5"),
        day=date(2018, 11, 19),
        at=datetime(2018, 12, 5, 12, 59, 9, tzinfo=UTC),
    )
    assert page == (
        "1\u202f234,50\u00a0€ | 19/11/2018 | lun. 19/11 | lun. 19/11/2018 | novembre 2018 | 19 novembre 2018 | "
        "05/12/2018 à 13:59 | 5 déc. 2018 13:59:09"
    )


def test_a_missing_value_writes_nothing_and_the_template_says_what_absence_reads_like():
    assert render("[{{ nothing|money }}][{{ nothing|date_numeric|default:'—' }}]", nothing=None) == "[][—]"


def test_the_age_is_counted_on_todays_date_in_paris(time_machine):
    time_machine.move_to(datetime(2017, 12, 31, 23, 30, tzinfo=UTC), tick=False)  # 1 January 2018 in Paris
    assert render("{{ birth|age }}", birth=date(2010, 1, 1)) == "8 ans"
