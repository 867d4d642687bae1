"""FranceConnect and the staff's second factor in a real browser, each page checked by axe-core: a parent opens an
account with FranceConnect (served on loopback) and leaves through its logout; an instructor sets up an
authenticator app before reaching the admin."""

import re

import pytest

from espace_famille.comptes.models import User
from espace_famille.comptes.permissions import INSTRUCTORS, ensure_staff_groups
from tests.browser.staff import open_enrolment_link
from tests.factories import PASSWORD, UserFactory
from tests.franceconnect_provider import CLIENT_ID, CLIENT_SECRET, PERSON, Provider
from tests.second_factor import has_totp, totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_parent_opens_an_account_with_franceconnect_and_leaves_through_it(live_server, page, axe, site, settings):
    with Provider() as provider:
        settings.FRANCECONNECT_CLIENT_ID = CLIENT_ID
        settings.FRANCECONNECT_CLIENT_SECRET = CLIENT_SECRET
        settings.FRANCECONNECT_ISSUER = provider.issuer
        url = live_server.url

        page.goto(url + "/compte/login/")
        axe(page)
        assert page.get_by_role("link", name="Qu'est-ce que FranceConnect ?").get_attribute("target") == "_blank"
        page.get_by_role("button", name="S'identifier avec FranceConnect").click()
        page.wait_for_url("**/compte/franceconnect/premiere-connexion/")
        assert "Mme Angela Claire Louise DUBOIS" in page.content()
        axe(page)
        page.get_by_role("checkbox", name="J'ai lu et j'accepte les Conditions d'utilisation").check()
        page.get_by_role("button", name="Créer mon compte avec FranceConnect").click()
        page.wait_for_url("**/mon-espace/")
        assert "Votre compte citoyen est créé" in page.content()
        axe(page)
        assert User.objects.get(email=PERSON["email"]).franceconnect.sub == PERSON["sub"]

        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url("**/compte/franceconnect/deconnecte/?state=*")
        assert "Vous êtes déconnecté" in page.content()
        axe(page)
        assert provider.logouts and provider.logouts[0]["id_token_hint"]


def test_an_instructor_sets_up_an_authenticator_app_then_reaches_the_admin(live_server, page, axe, site):
    groups = {group.name: group for group in ensure_staff_groups()}
    instructor = UserFactory(email="instructrice@example.org", is_staff=True)
    instructor.groups.add(groups[INSTRUCTORS])
    url = live_server.url

    page.goto(url + "/admin/")
    page.wait_for_url("**/admin/login/?next=/admin/")
    axe(page)
    page.get_by_label("E-mail (identifiant)").fill(instructor.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="S'identifier").click()
    open_enrolment_link(page, url, axe)
    axe(page)
    page.get_by_role("link", name="Activer").first.click()
    page.wait_for_url("**/compte/reauthenticate/**")
    axe(page)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url("**/compte/2fa/totp/activate/")
    axe(page)
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label("Code").fill(totp_code(secret))
    page.get_by_role("button", name="Activer").click()
    page.wait_for_url("**/compte/2fa/recovery-codes/")
    axe(page)
    assert has_totp(instructor)
    page.get_by_role("link", name="Aller à l'administration").click()
    page.wait_for_url("**/admin/")
    assert "Tableau de bord" in page.content()
