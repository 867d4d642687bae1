"""An instructor works through the planning queue in a real browser: selects two requests, accepts them in bulk
with a message, decides another one day by day, then prints the day sheet. Every page is checked by axe-core."""

from datetime import date

import pytest

from espace_famille.comptes.permissions import INSTRUCTORS
from espace_famille.demandes.models import Request, RequestEvent, RequestState
from espace_famille.planning.models import Booking
from tests.browser.staff import staff_log_in
from tests.espace_famille.planning.test_booking_admin import MONDAY, TUESDAY, ask, household, staff
from tests.factories import ActivityFactory, FacilityFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_instructor_accepts_in_bulk_decides_per_day_and_prints_the_day_sheet(live_server, page, axe, site):
    page.set_viewport_size({"width": 1280, "height": 900})
    evening = ActivityFactory(code="4", label="Péri SOIR", capacity=10, facility=FacilityFactory(name="Ecole Lux"))
    lea, tom, ugo = (
        household(evening, name, first) for name, first in (("DURANT", "Léa"), ("MARTIN", "Tom"), ("PETIT", "Ugo"))
    )
    durant = ask(lea, evening, "booking", MONDAY, TUESDAY)
    martin = ask(tom, evening, "booking", MONDAY)
    petit = ask(ugo, evening, "booking", MONDAY, TUESDAY)
    instructor = staff(INSTRUCTORS, email="instructeur@example.org")
    url = live_server.url

    staff_log_in(page, url, instructor)

    page.goto(url + "/admin/snippets/espace_famille/demandes-planning/")
    assert "Demandes de réservation et d'absence" in page.content()
    axe(page)
    for request in (durant, martin):
        page.locator(f'input[data-bulk-action-checkbox][data-object-id="{request.pk}"]').check()
    with page.expect_navigation():
        page.get_by_role("link", name="Accepter les demandes de réservation ou d'absence sélectionnées").click()
    assert "Accepter 2 demandes (3 jours) ?" in page.content()
    axe(page)
    page.get_by_label("Message pour la famille").fill("Bonne semaine !")
    with page.expect_navigation():
        page.get_by_role("button", name="Oui, accepter").click()
    assert "2 demandes acceptées (3 jours)." in page.content()
    assert Booking.objects.filter(child__in=[lea, tom], state="booked").count() == 3
    assert RequestEvent.objects.filter(request=durant, message="Bonne semaine !").exists()

    page.goto(url + f"/admin/snippets/espace_famille/demandes-planning/inspect/{petit.pk}/")
    axe(page)
    page.get_by_role("group", name=f"Décision pour le lundi {MONDAY:%d/%m/%Y}").get_by_label("Accepter").check()
    page.get_by_role("group", name=f"Décision pour le mardi {TUESDAY:%d/%m/%Y}").get_by_label("Refuser").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer la décision jour par jour").click()
    assert Request.objects.get(pk=petit.pk).state == RequestState.PARTIAL

    page.goto(url + "/admin/feuille-de-presence/")
    page.get_by_role("combobox", name="Activité").select_option(str(evening.pk))
    page.get_by_role("textbox", name="Jour").fill(f"{MONDAY:%Y-%m-%d}")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.get_by_role("button", name="Afficher la feuille").click()
    assert "Enfants attendus (3)" in page.content()
    axe(page)
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Imprimer").is_visible()
    assert page.get_by_role("heading", name="Enfants attendus (3)").is_visible()
    assert page.get_by_text(f"Imprimée le {date.today():%d/%m/%Y}").is_visible()
