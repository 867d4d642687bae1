"""An instructor marks attendance on a tablet, then on a phone: large buttons (44 px at least), a count that follows
the choices, «Tous présents», a child added who came without a booking, then the marks in «Pointages». Every page is
checked by axe-core, and the content security policy blocks nothing (the page's script is a static file)."""

import pytest

from espace_famille.comptes.permissions import INSTRUCTORS
from espace_famille.planning.models import Attendance
from tests.browser.staff import staff_log_in
from tests.espace_famille.planning.test_booking_admin import MONDAY, ask, household, staff
from tests.factories import ActivityFactory, FacilityFactory, service_instructor

pytestmark = pytest.mark.django_db(transaction=True)

TOUCH = 44


def assert_touch_targets(page):
    for target in page.locator(".attendance__choice, .attendance__button, .attendance__select").all():
        box = target.bounding_box()
        assert box["height"] >= TOUCH and box["width"] >= TOUCH, target.inner_text()


def test_an_instructor_marks_attendance_on_a_tablet_and_on_a_phone(live_server, page, axe, site):
    from espace_famille.planning import services as planning_services

    evening = ActivityFactory(code="4", label="Péri SOIR", facility=FacilityFactory(name="Ecole Lux"))
    children = [household(evening, name, first) for name, first in (("AUBRY", "Ana"), ("BERTIN", "Bob"))]
    planning_services.booking_requests_bulk_decide(
        requests=[ask(child, evening, "booking", MONDAY).pk for child in children],
        by=service_instructor(),
        accept=True,
    )
    zoe = household(evening, "ZOLA", "Zoé")
    instructor = staff(INSTRUCTORS, email="instructeur@example.org", is_staff=True)
    sheet = f"{live_server.url}/admin/feuille-de-presence/?activity={evening.pk}&day={MONDAY:%Y-%m-%d}"

    page.set_viewport_size({"width": 768, "height": 1024})
    staff_log_in(page, live_server.url, instructor)
    page.goto(sheet)
    assert "Enfants attendus (2)" in page.content()
    axe(page)
    assert_touch_targets(page)
    summary = page.locator("[data-attendance-summary]")
    assert summary.inner_text() == "0 pointé sur 2"
    page.get_by_role("group", name="2. Bob BERTIN").locator("label", has_text="Absent non justifié").click()
    assert summary.inner_text() == "1 pointé sur 2"
    with page.expect_navigation():
        page.get_by_role("button", name="Tous présents").click()
    assert "Pointage enregistré : 2 enfants pointés." in page.content()
    assert dict(Attendance.objects.values_list("child__first_name", "status")) == {
        "Ana": "present",
        "Bob": "unjustified",
    }

    page.set_viewport_size({"width": 360, "height": 740})
    page.get_by_label("Enfant venu sans réservation").select_option(str(zoe.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Ajouter, présent sans réservation").click()
    assert "Pointage enregistré : 1 enfant pointé." in page.content()
    assert page.get_by_role("group", name="3. Zoé ZOLA").get_by_label("Présent sans réservation").is_checked()
    assert summary.inner_text() == "3 pointés sur 3"
    axe(page)
    assert_touch_targets(page)
    # Nothing wider than the phone: the register scrolls down, never sideways.
    assert page.evaluate("document.querySelector('.attendance').scrollWidth") <= 360
    for row in page.locator(".attendance__row").all():
        assert row.bounding_box()["x"] + row.bounding_box()["width"] <= 360
    # «Pointages» lists the marks just made, the day opening the sheet again.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/pointages/")
    listing = page.content()
    assert "Zoé ZOLA" in listing and "Présent sans réservation" in listing and "Absent non justifié" in listing
    axe(page)
    with page.expect_navigation():
        page.get_by_role("link", name=f"{MONDAY:%d/%m/%Y}").first.click()
    assert "Feuille de présence" in page.content()
