"""«Ajouter au panier» in a real browser, on a phone and on a desktop: three days ticked on the planning, the
récapitulatif, one confirmation, the result. Every page is checked by axe-core."""
# ruff: noqa: F811 (the planning fixtures are imported, then named as test arguments)

import os

import pytest

from espace_famille.planning.models import Booking
from notifications.models import OutboxMessage
from tests.browser.test_planning_journey import log_in
from tests.espace_famille.planning.planning_setup import (  # noqa: F401 (fixtures)
    activities,
    children,
    enrolled,
    family,
    frozen_now,
    parent,
)

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("PLANNING_SCREENSHOTS")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_parent_ticks_three_days_reads_the_basket_confirms_once_and_reads_the_result(
    live_server, page, axe, site, parent, enrolled, activities, frozen_now, width
):
    leo, maeva = enrolled
    _, evening = activities
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    url = live_server.url
    log_in(page, url, parent.email)
    page.goto(url + "/espace-famille/planning/?vue=semaine&date=2018-11-19")
    axe(page)

    for name in (
        "Ajouter au panier : Léo, 4/Péri SOIR, lun. 19/11",
        "Ajouter au panier : Maéva, 4/Péri SOIR, lun. 19/11",
        "Ajouter au panier : Maéva, 4/Péri SOIR, jeu. 22/11",
    ):
        page.get_by_role("checkbox", name=name).check()
    shot(page, f"basket-planning-{width}")
    with page.expect_navigation():
        page.get_by_role("button", name="Voir le panier").click()
    assert page.get_by_role("heading", name="Récapitulatif (3 jours)").is_visible()
    content = page.content()
    assert content.count("Demande transmise au service, qui la validera") == 3
    assert "Modifiable jusqu'au dimanche 18/11/2018 à 12:00" in content and "Total : 6,30" in content
    axe(page)
    shot(page, f"basket-{width}")

    with page.expect_navigation():
        page.get_by_role("button", name="Confirmer").click()
    assert page.get_by_role("heading", name="Résultat").is_visible()
    assert page.content().count("Demande transmise au service (en attente de validation)") == 3
    axe(page)
    shot(page, f"basket-result-{width}")
    assert Booking.objects.filter(activity=evening, state="pending").count() == 3
    assert OutboxMessage.objects.filter(kind="basket_received").count() == 1
    assert not OutboxMessage.objects.filter(kind="request_received").exists()

    # Back to the basket: the page the browser shows again either carries the used intent (confirming again says so)
    # or was asked again, and then says the days are already asked for, with nothing left to confirm.
    page.go_back()
    confirm = page.get_by_role("button", name="Confirmer")
    if confirm.count():
        with page.expect_navigation():
            confirm.click()
        assert "Cette demande est déjà enregistrée." in page.content()
    else:
        assert page.content().count("Refusé : déjà réservé ou demandé") == 3
    axe(page)
    assert Booking.objects.count() == 3 and OutboxMessage.objects.filter(kind="basket_received").count() == 1
