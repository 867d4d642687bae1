"""«Pré-inscription en crèche» in a real browser: three steps, the review, the submission, an instructor's decision
in the admin, and the parent reads it in «Mes demandes». Every step page and the review page pass axe-core."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from espace_famille.comptes.permissions import ensure_staff_groups
from espace_famille.demandes.models import RequestState
from espace_famille.dossier.models import Subscription
from espace_famille.planning.models import FacilityKind
from tests.browser.staff import staff_log_in
from tests.factories import PASSWORD, FacilityFactory, FamilyFactory, GuardianFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, url, email):
    page.goto(url + "/compte/login/")
    page.get_by_role("textbox", name="Identifiant (obligatoire)").fill(email)
    page.get_by_role("textbox", name="Mot de passe (obligatoire)").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_parent_preregisters_a_child_and_an_instructor_accepts(live_server, page, axe, site):
    from django.contrib.auth.models import Group

    petits = FacilityFactory(name="Crèche Les Petits Pas", kind=FacilityKind.CRECHE)
    FacilityFactory(name="Crèche Les Lucioles", kind=FacilityKind.CRECHE)
    family = FamilyFactory(name="DURANT", postcode="92100", city="Boulogne-Billancourt")
    GuardianFactory(
        family=family,
        civility="Mme",
        first_name="Jeanne",
        last_name="DURANT",
        email="jeanne.durant@example.org",
        mobile="06 12 34 56 78",
    )
    parent = UserFactory(email="jeanne.durant@example.org")
    Subscription.objects.create(user=parent, family=family, method="code")
    ensure_staff_groups()
    instructor = UserFactory(email="instructrice@example.org", is_staff=True)
    instructor.groups.add(Group.objects.get(name="Instructeurs"))
    url = live_server.url

    log_in(page, url, parent.email)
    page.wait_for_url("**/mon-espace/")
    page.goto(url + "/pre-inscription-creche/")
    assert "Etape 1 Informations" in page.content()
    axe(page)
    page.locator("#id_r1_birth_date").fill("1990-04-02")
    with page.expect_navigation():
        page.get_by_role("button", name="Suivant").click()

    assert "Etape 2 Famille" in page.content()
    axe(page)
    page.locator("#id_child_sex_1").check()
    page.locator("#id_child_last_name").fill("DURANT")
    page.locator("#id_child_first_name").fill("Lina")
    page.locator("#id_child_birth_date").fill((timezone.localdate() - timedelta(days=100)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Suivant").click()

    assert "Etape 3 Type de garde" in page.content()
    axe(page)
    page.locator("#id_choice1").select_option(label="Crèche Les Petits Pas")
    page.locator("#id_entry_date").fill((timezone.localdate() + timedelta(90)).isoformat())
    page.locator("#id_care_kind_0").check()
    page.locator("#id_slot_0_0").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Vérifier ma saisie").click()

    assert "Vérifier ma saisie" in page.content() and "Lina" in page.content()
    axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer ma demande").click()
    assert "Pré-inscription de Lina — Crèche Les Petits Pas" in page.content()

    page.goto(url + "/compte/logout/")
    page.context.clear_cookies()
    staff_log_in(page, url, instructor)
    application = petits.creche_applications.get()
    page.goto(url + f"/admin/snippets/creche/crecheapplication/inspect/{application.pk}/")
    page.locator("#id_message").fill("Bienvenue à la crèche")
    with page.expect_navigation():
        page.get_by_role("button", name="Accepter").click()
    application.request.refresh_from_db()
    assert application.request.state == RequestState.ACCEPTED

    page.context.clear_cookies()
    log_in(page, url, parent.email)
    page.wait_for_url("**/mon-espace/")
    page.goto(url + reverse("espace_famille:request_detail", args=[application.request.pk]))
    assert "Bienvenue à la crèche" in page.content()
