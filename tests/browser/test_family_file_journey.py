"""«Gérer votre dossier famille» in a real browser: a parent asks for changes, an instructor accepts them in the
Wagtail admin, the parent sees the new values and the message. Every page is checked by axe-core."""

from datetime import date

import pytest

from espace_famille.comptes.permissions import ensure_staff_groups
from espace_famille.demandes.models import Request, RequestState
from espace_famille.dossier.models import AuthorizedContact, Guardian, Subscription
from tests.browser.staff import staff_log_in
from tests.factories import PASSWORD, ChildFactory, FamilyFactory, GuardianFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, url, email):
    page.goto(url + "/compte/login/")
    page.get_by_role("textbox", name="Identifiant (obligatoire)").fill(email)
    page.get_by_role("textbox", name="Mot de passe (obligatoire)").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_parent_changes_a_phone_and_adds_a_vaccine_and_an_instructor_accepts(live_server, page, axe, site):
    from django.contrib.auth.models import Group

    family = FamilyFactory(name="DURANT")
    guardian = GuardianFactory(family=family, first_name="Jean", phone="03 80 95 00 00")
    child = ChildFactory(family=family, first_name="Léa", birth_date=date(2010, 1, 1))
    # Left untouched while a vaccine is added: it stays.
    AuthorizedContact.objects.create(
        child=child, full_name="BARRET Jean", mobile="06 11 11 11 11", relationship="voisin"
    )
    parent = UserFactory(email="jean.durant@example.org")
    Subscription.objects.create(user=parent, family=family, method="code")
    ensure_staff_groups()
    instructor = UserFactory(email="instructrice@example.org", is_staff=True, first_name="Inès", last_name="Tructrice")
    instructor.groups.add(Group.objects.get(name="Instructeurs"))
    url = live_server.url

    log_in(page, url, parent.email)
    page.wait_for_url("**/mon-espace/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Espace famille").click()
    page.get_by_role("link", name="Dossier Famille").click()
    page.wait_for_url("**/ma-famille/")
    assert "1 janvier 2010 / " in page.content()
    axe(page)

    page.get_by_role("link", name="Consulter et modifier Jean DURANT").click()
    axe(page)
    page.get_by_role("textbox", name="Téléphone", exact=True).fill("03 80 95 12 34")
    with page.expect_navigation():
        page.get_by_role("button", name="Soumettre la modification").click()
    assert "Certains champs sont en demande de modification." in page.content()
    phone = page.locator(".field-pending").filter(has=page.get_by_role("textbox", name="Téléphone", exact=True))
    assert phone.count() == 1 and "Valeur actuelle : 03 80 95 00 00" in phone.inner_text()
    assert page.get_by_role("textbox", name="Téléphone", exact=True).input_value() == "03 80 95 12 34"
    axe(page)

    page.goto(url + f"/espace-famille/ma-famille/enfants/{child.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Ajouter un vaccin").click()
    page.get_by_role("textbox", name="Vaccin (obligatoire)").fill("Hépatite B")
    page.get_by_label("Date de vaccination").fill("2016-04-05")
    with page.expect_navigation():
        page.get_by_role("button", name="Soumettre la modification").click()
    assert "Certains champs sont en demande de modification." in page.content()
    axe(page)

    page.goto(url + "/mon-espace/demandes/")
    assert "Mes demandes (2 Résultats)" in page.content()
    axe(page)
    assert Guardian.objects.get(pk=guardian.pk).phone == "03 80 95 00 00"

    # The instructor, in the Wagtail admin.
    page.get_by_role("button", name="Se déconnecter").click()
    staff_log_in(page, url, instructor)
    for request in Request.objects.filter(state=RequestState.PENDING).order_by("pk"):
        page.goto(url + f"/admin/snippets/espace_famille/request/inspect/{request.pk}/")
        page.get_by_label("Message pour la famille").fill("Merci, c'est à jour.")
        page.get_by_role("button", name="Accepter", exact=True).click()
        page.wait_for_load_state()
    assert set(Request.objects.values_list("state", flat=True)) == {RequestState.ACCEPTED}

    page.context.clear_cookies()
    log_in(page, url, parent.email)
    page.wait_for_url("**/mon-espace/")
    page.goto(url + "/mon-espace/demandes/")
    assert page.get_by_text("1 nouveau(x) message(s)").count() == 2
    axe(page)
    page.get_by_role("link", name="Voir la demande").first.click()
    assert "Merci, c'est à jour." in page.content()
    axe(page)
    page.goto(url + f"/espace-famille/ma-famille/responsables/{guardian.pk}/")
    assert page.get_by_role("textbox", name="Téléphone", exact=True).input_value() == "03 80 95 12 34"
    assert "Certains champs sont en demande de modification." not in page.content()
    page.goto(url + f"/espace-famille/ma-famille/enfants/{child.pk}/")
    assert page.get_by_role("textbox", name="Vaccin (obligatoire)").first.input_value() == "Hépatite B"
    assert page.get_by_role("textbox", name="Nom complet (obligatoire)").first.input_value() == "BARRET Jean"
    assert list(AuthorizedContact.objects.filter(child=child).values_list("full_name", flat=True)) == ["BARRET Jean"]
