"""An instructor's working day in a real browser: the dashboard says what waits, its link opens the queue, the
request is decided, and the family's name opens its «Fiche famille». No console error, no blocked resource, no
axe-core violation on any of these pages."""

import pytest

from espace_famille.comptes.roles import INSTRUCTORS
from espace_famille.demandes.models import Request, RequestState
from tests.browser.staff import staff_log_in
from tests.espace_famille.planning.test_booking_admin import MONDAY, ask, household, staff
from tests.factories import ActivityFactory, FacilityFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_instructor_goes_from_the_dashboard_to_the_queue_decides_and_opens_the_family(live_server, page, axe, site):
    page.set_viewport_size({"width": 1280, "height": 900})
    errors = []
    page.on(
        "console",
        lambda message: errors.append(f"{message.text} {message.location}") if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: errors.append(response.url) if response.status == 404 else None)
    evening = ActivityFactory(code="4", label="Péri SOIR", capacity=10, facility=FacilityFactory(name="Ecole Lux"))
    lea = household(evening, "DURANT", "Léa")
    request = ask(lea, evening, "booking", MONDAY)
    instructor = staff(INSTRUCTORS, email="instructeur@example.org")
    url = live_server.url

    staff_log_in(page, url, instructor)
    page.goto(url + "/admin/")
    waiting = page.get_by_role("region", name="Demandes à traiter")
    assert "Ajout de réservation" in waiting.inner_text()
    assert page.get_by_role("region", name="Occupation des quatre prochaines semaines").is_visible()
    axe(page)

    with page.expect_navigation():
        waiting.get_by_role("link", name="Ajout de réservation").click()
    assert page.url.endswith("/admin/snippets/espace_famille/demandes-planning/")
    with page.expect_navigation():
        page.get_by_role("link", name="Ajout de réservation").first.click()
    axe(page)
    page.get_by_role("group", name=f"Décision pour le lundi {MONDAY:%d/%m/%Y}").get_by_label("Accepter").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la décision jour par jour").click()
    assert Request.objects.get(pk=request.pk).state == RequestState.ACCEPTED

    # The decided request names its family: its name opens the «Fiche famille».
    page.goto(url + f"/admin/snippets/espace_famille/demandes-planning/inspect/{request.pk}/")
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("link", name="DURANT", exact=True).first.click()
    assert page.url.endswith(f"/admin/familles/{lea.family_id}/")
    requests = page.get_by_role("region", name="Demandes")
    assert "Acceptée" in requests.inner_text() and "Ajout de réservation" in requests.inner_text()
    assert "Léa" in page.get_by_role("region", name="Enfants").inner_text()
    axe(page)
    assert not errors, errors
