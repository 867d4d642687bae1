"""The site, its settings and the menus are read once per request: the month planning stays within its budget of
queries whatever the family's size, and the home page reads the site's identity with its pages in one query."""
# ruff: noqa: F811 (the planning fixture is imported, then named as a test argument)

from datetime import date, timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from espace_famille.planning.models import Booking
from tests.espace_famille.planning.planning_setup import NOW, frozen_now, subscribe, text  # noqa: F401 (fixture)
from tests.factories import ActivityFactory, ChildFactory, EnrolmentFactory, FamilyFactory

pytestmark = pytest.mark.django_db
PLANNING = "/espace-famille/planning/"
MONTH = {"vue": "mois", "date": "2018-11-19"}
MONTH_BUDGET = 15


def _family(name: str, children: int, activities: int):
    family = FamilyFactory(name=name)
    acts = [ActivityFactory(code=f"{name[:2]}{i}", label=f"Activité {i}") for i in range(activities)]
    for c in range(children):
        child = ChildFactory(family=family, first_name=f"Enfant{c}")
        for activity in acts:
            EnrolmentFactory(child=child, activity=activity, start_date=date(2018, 9, 3), end_date=date(2019, 8, 31))
            for week in range(4):
                day = date(2018, 11, 5) + timedelta(weeks=week)
                Booking.objects.create(child=child, activity=activity, day=day, state="booked", queued_at=NOW)
    return family


def _month_queries(client, family) -> list[str]:
    client.force_login(subscribe(family))
    client.get(PLANNING, MONTH)
    with CaptureQueriesContext(connection) as captured:
        page = text(client.get(PLANNING, MONTH))
    assert "novembre 2018" in page
    return [query["sql"] for query in captured]


def test_the_month_planning_reads_within_its_budget_for_one_child_and_for_three_children(client, site, frozen_now):
    small = _month_queries(client, _family("PETITE", 1, 1))
    large = _month_queries(client, _family("GRANDE", 3, 3))
    assert len(small) <= MONTH_BUDGET and len(large) <= MONTH_BUDGET, (len(small), len(large))
    assert len(small) == len(large)


def test_the_site_and_its_identity_are_read_once_then_kept_in_the_cache(client, site, frozen_now):
    queries = _month_queries(client, _family("UNE", 1, 1))
    # The page before kept them (cms/page_cache.py): none of them is read again.
    assert not any('FROM "wagtailcore_site"' in sql or 'FROM "home_siteidentity"' in sql for sql in queries)
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(PLANNING, MONTH)
    queries = [query["sql"] for query in captured]
    assert sum('FROM "wagtailcore_site"' in sql for sql in queries) == 1
    assert sum('FROM "home_siteidentity"' in sql for sql in queries) == 1
    # The legal pages and «Plan du site» / «Nous contacter» of the menus come with the identity.
    assert not any('FROM "wagtailcore_page"' in sql for sql in queries)
