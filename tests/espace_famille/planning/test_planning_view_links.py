"""«Affichage»: the «Semaine (7 jours)», «Semaine (5 jours)», «Mois» and «Agenda» links keep the date the parent
is looking at; they used to keep the shown view instead, so «Mois» never left the week."""
# ruff: noqa: F811 (the planning fixtures are imported, then named as test arguments)

import re

import pytest
from django.urls import reverse

from tests.espace_famille.planning.planning_setup import (  # noqa: F401 (fixtures)
    activities,
    children,
    enrolled,
    family,
    frozen_now,
    parent,
    text,
)

pytestmark = pytest.mark.django_db
PLANNING = reverse("espace_famille:planning")


def follow(client, page: str, label: str) -> str:
    """Clicks the view switcher's link named `label` and returns the page it opens."""
    switcher = page[page.index('class="planning-views"') :]
    href = re.search(rf'<a href="([^"]*)"[^>]*>{re.escape(label)}</a>', switcher).group(1)
    return text(client.get(PLANNING + href))


def test_mois_opens_the_month_of_the_week_shown(client, parent, enrolled, frozen_now):
    week = text(client.get(PLANNING, {"vue": "semaine", "date": "2019-01-23"}))
    assert "21 — 27 janv. 2019" in week
    month = follow(client, week, "Mois")
    assert "janvier 2019" in month and "jeu. 31/01" in month


def test_semaine_5_jours_opens_the_week_of_the_month_shown(client, parent, enrolled, frozen_now):
    month = text(client.get(PLANNING, {"vue": "mois", "date": "2019-03-01"}))
    assert "mars 2019" in month
    week = follow(client, month, "Semaine (5 jours)")
    assert "25 févr. — 1 mars 2019" in week or "4 — 8 mars 2019" in week
    assert "15 novembre" not in week and "12 — 16 nov. 2018" not in week


def test_the_day_asked_decides_the_month_not_the_monday_of_its_week(client, parent, enrolled, frozen_now):
    # Saturday 1 December 2018 is in the week of Monday 26 November: «Mois» shows December, the month asked.
    week = text(client.get(PLANNING, {"vue": "semaine", "date": "2018-12-01"}))
    assert "26 nov. — 2 déc. 2018" in week
    assert "décembre 2018" in follow(client, week, "Mois")


def test_without_a_date_the_links_keep_today(client, parent, enrolled, frozen_now):
    week = text(client.get(PLANNING))  # today: Thursday 15/11/2018
    assert "novembre 2018" in follow(client, week, "Mois")
    assert "12 — 16 nov. 2018" in follow(client, week, "Semaine (5 jours)")


def test_every_switcher_link_names_its_own_view(client, parent, enrolled, frozen_now):
    page = text(client.get(PLANNING, {"vue": "semaine5", "date": "2019-01-23"}))
    switcher = page[page.index('class="planning-views"') : page.index("</ul>", page.index('class="planning-views"'))]
    links = dict((label, href) for href, label in re.findall(r'<a href="([^"]*)"[^>]*>([^<]+)</a>', switcher))
    assert "vue=semaine&" in links["Semaine (7 jours)"] and "vue=mois&" in links["Mois"]
    assert all("date=2019-01-2" in href for href in links.values())
