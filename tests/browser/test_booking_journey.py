"""The issue's journey, end to end in a real browser: a parent books the Mondays and Tuesdays of February–March
for «4/Péri SOIR», sees them «Réservation en attente», an instructor accepts them in bulk in the Wagtail admin,
and the parent's planning shows «Réservé». axe-core checks every page on the way."""

import re
from datetime import date, datetime

import pytest
from django.utils import timezone

from commun.clock import PARIS
from espace_famille.comptes.permissions import INSTRUCTORS, ensure_staff_groups
from espace_famille.demandes.models import Request, RequestState
from espace_famille.dossier.models import Subscription
from espace_famille.planning.models import Booking
from tests.browser.staff import staff_log_in
from tests.factories import PASSWORD, ActivityFactory, ChildFactory, EnrolmentFactory, FamilyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Monday 4 January 2027: February and March can be booked (deadline: the day before at noon).
NOW = datetime(2027, 1, 4, 10, 0, tzinfo=PARIS)
# Zone B: winter holidays from Saturday 20 February to Sunday 7 March 2027; Easter Monday is 29 March.
CLOSED = [date(2027, 2, 22), date(2027, 2, 23), date(2027, 3, 1), date(2027, 3, 2), date(2027, 3, 29)]
BOOKED = [
    date(2027, 2, 1), date(2027, 2, 2), date(2027, 2, 8), date(2027, 2, 9), date(2027, 2, 15), date(2027, 2, 16),
    date(2027, 3, 8), date(2027, 3, 9), date(2027, 3, 15), date(2027, 3, 16), date(2027, 3, 22), date(2027, 3, 23),
    date(2027, 3, 30),
]  # fmt: skip


def log_in(page, url, email):
    page.goto(url + "/compte/login/")
    page.get_by_role("textbox", name="Identifiant (obligatoire)").fill(email)
    page.get_by_role("textbox", name="Mot de passe (obligatoire)").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/mon-espace/")


def test_a_parent_books_february_and_march_and_an_instructor_accepts_in_bulk(live_server, page, axe, site, monkeypatch):
    from django.contrib.auth.models import Group

    monkeypatch.setattr(timezone, "now", lambda: NOW)
    family = FamilyFactory(name="DURANT")
    leo = ChildFactory(family=family, first_name="Léo", last_name="DURANT", birth_date=date(2018, 11, 24))
    evening = ActivityFactory(code="4", label="Péri SOIR", capacity=25)
    EnrolmentFactory(child=leo, activity=evening, start_date=date(2026, 9, 1), end_date=date(2027, 8, 31))
    parent = UserFactory(email="jean.durant@example.org")
    Subscription.objects.create(user=parent, family=family, method="code")
    ensure_staff_groups()
    instructor = UserFactory(email="instructeur@example.org", is_staff=True)
    instructor.groups.add(Group.objects.get(name=INSTRUCTORS))
    url = live_server.url

    # The parent asks for the Mondays and Tuesdays of February and March.
    log_in(page, url, parent.email)
    page.goto(url + "/espace-famille/planning/?vue=mois&date=2027-02-01")
    assert page.get_by_role("heading", name="février 2027").is_visible()
    page.get_by_role("link", name="Réservations").click()
    axe(page)
    page.get_by_role("textbox", name="Du (obligatoire)").fill("2027-02-01")
    page.get_by_role("textbox", name="Au (obligatoire)").fill("2027-03-31")
    page.get_by_role("checkbox", name="lundi (16.30 - 18.30)").check()
    page.get_by_role("checkbox", name="mardi (16.30 - 18.30)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Demander").click()
    content = page.content()
    assert f"Jours demandés ({len(BOOKED)})" in content
    assert f"Jours non demandés ({len(CLOSED)})" in content
    assert "Vacances d'hiver" in content and "Lundi de Pâques" in content
    axe(page)

    page.goto(url + "/espace-famille/planning/?vue=semaine&date=2027-02-01")
    assert page.get_by_role("heading", name="1 — 7 févr. 2027").is_visible()
    cells = page.locator(".planning-entry .entry-state")
    assert cells.filter(has_text="Réservation en attente").count() == 2
    axe(page)
    assert set(Booking.objects.filter(child=leo).values_list("state", flat=True)) == {"pending"}
    page.get_by_role("button", name="Se déconnecter").click()

    # The instructor accepts the request in bulk.
    page.set_viewport_size({"width": 1280, "height": 900})
    staff_log_in(page, url, instructor)
    page.goto(url + "/admin/snippets/espace_famille/demandes-planning/")
    request = Request.objects.get(child=leo)
    page.locator(f'input[data-bulk-action-checkbox][data-object-id="{request.pk}"]').check()
    with page.expect_navigation():
        page.get_by_role("link", name="Accepter les demandes de réservation ou d'absence sélectionnées").click()
    assert f"Accepter 1 demande ({len(BOOKED)} jours) ?" in page.content()
    page.get_by_label("Message pour la famille").fill("Réservations enregistrées, bonne fin d'année scolaire !")
    with page.expect_navigation():
        page.get_by_role("button", name="Oui, accepter").click()
    assert Request.objects.get(pk=request.pk).state == RequestState.ACCEPTED
    page.context.clear_cookies()

    # The parent's planning now says «Réservé».
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, url, parent.email)
    page.goto(url + "/espace-famille/planning/?vue=semaine&date=2027-03-08")
    states = page.locator(".planning-entry .entry-state")
    assert states.filter(has_text=re.compile(r"^Réservé$")).count() == 2
    assert states.filter(has_text="Réservation en attente").count() == 0
    axe(page)
    assert sorted(Booking.objects.filter(child=leo, state="booked").values_list("day", flat=True)) == BOOKED
    page.goto(url + f"/mon-espace/demandes/{request.pk}/")
    assert "Réservations enregistrées, bonne fin d'année scolaire !" in page.content()
    axe(page)
