"""«Planning» in a real browser, on a phone: toggles applied at once, a click on a day, a long-period request,
the list and the calendar address. Every page is checked by axe-core."""
# ruff: noqa: F811 (the planning fixtures are imported, then named as test arguments)

import os

import pytest

from espace_famille.planning.models import Booking
from tests.espace_famille.planning.planning_setup import (  # noqa: F401 (fixtures)
    MONDAY,
    activities,
    children,
    enrolled,
    family,
    frozen_now,
    parent,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("PLANNING_SCREENSHOTS")


def log_in(page, url, email):
    page.goto(url + "/compte/login/")
    page.get_by_role("textbox", name="Identifiant (obligatoire)").fill(email)
    page.get_by_role("textbox", name="Mot de passe (obligatoire)").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/mon-espace/")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_parent_books_a_day_and_a_period_from_the_planning(
    live_server, page, axe, site, parent, enrolled, activities, frozen_now
):
    leo, maeva = enrolled
    morning, evening = activities
    url = live_server.url
    log_in(page, url, parent.email)
    page.goto(url + "/espace-famille/")
    page.get_by_role("link", name="Planning").first.click()
    page.wait_for_url("**/planning/?vue=agenda")  # a phone opening the planning lands on the agenda
    page.goto(url + "/espace-famille/planning/?vue=semaine&date=2018-11-19")
    assert page.get_by_role("heading", name="19 — 25 nov. 2018").is_visible()
    axe(page)
    shot(page, "week-phone")

    # The toggles apply without reloading: hide Maéva.
    maeva_cells = page.locator(f'.planning-entry[data-child="{maeva.pk}"]')
    assert maeva_cells.first.is_visible()
    page.get_by_role("checkbox", name="Maéva BLMAN").uncheck()
    assert maeva_cells.first.is_hidden()
    assert f"enfant={leo.pk}" in page.url and f"enfant={maeva.pk}" not in page.url
    page.get_by_role("checkbox", name="Maéva BLMAN").check()

    page.get_by_role("link", name="Léo 4/Péri SOIR 16:30 - 18:30 Non réservé — demander une réservation").first.click()
    assert "Confirmer la demande de réservation du lun. 19/11 pour Léo — 4/Péri SOIR ?" in page.content()
    axe(page)
    shot(page, "confirm")
    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer").click()
    assert "est enregistrée" in page.content()
    assert Booking.objects.get(child=leo, activity=evening, day=MONDAY).state == "pending"
    axe(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url + "/espace-famille/planning/?vue=mois&date=2018-11-19")
    assert page.get_by_role("heading", name="novembre 2018").is_visible()
    axe(page)
    shot(page, "month-desktop")

    page.get_by_role("link", name="Réservations").click()
    page.get_by_role("checkbox", name="Maéva BLMAN").check()
    page.get_by_role("button", name="Afficher les activités").click()
    page.get_by_role("radio", name="4/Péri SOIR — Ecole Lux").check()
    page.get_by_role("button", name="Afficher les jours").click()
    axe(page)
    shot(page, "long")
    page.get_by_label("Du").fill("2018-11-19")
    page.get_by_label("Au").fill("2018-11-30")
    page.get_by_role("checkbox", name="lundi (16.30 - 18.30)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Demander").click()
    assert "Jours demandés (2)" in page.content()
    axe(page)

    page.goto(url + "/espace-famille/planning/liste/")
    assert "Liste (2 Résultats)" in page.content()
    axe(page)
    shot(page, "list")
    page.goto(url + "/espace-famille/planning/calendrier/")
    with page.expect_navigation():
        page.get_by_role("button", name="Créer l'adresse").click()
    assert page.get_by_role("textbox", name="Adresse de votre calendrier").input_value().endswith(".ics")
    axe(page)
