"""The guide's first two sections in a real browser, on a phone-sized screen, each page checked by axe-core."""

import re

import pytest
from django.core import mail

from espace_famille.dossier.models import Subscription
from tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_register_confirm_login_subscribe_and_reach_the_spaces(live_server, page, axe, site):
    family = FamilyFactory(name="DURANT", subscriber_code="DURANT2026")
    url = live_server.url

    page.goto(url + "/")
    axe(page)
    page.get_by_role("link", name="Créer un compte").first.click()
    page.wait_for_url("**/compte/signup/")
    axe(page)

    # Required fields read «Nom (obligatoire)» to a screen reader; the asterisk is only visual.
    page.get_by_role("combobox", name="Civilité (obligatoire)").select_option("M.")
    page.get_by_role("textbox", name="Nom (obligatoire)", exact=True).fill("Durant")
    page.get_by_role("textbox", name="Prénom (obligatoire)").fill("Jean")
    page.get_by_role("textbox", name="E-mail (identifiant) (obligatoire)").fill("jean.durant@example.org")
    page.get_by_role("textbox", name="Mot de passe (obligatoire)", exact=True).fill("Vacances2026")
    page.get_by_role("textbox", name="Confirmation du mot de passe (obligatoire)").fill("Vacances2026")
    page.get_by_role("checkbox", name="J'ai lu et j'accepte les Conditions d'utilisation").check()
    robot = page.get_by_role("checkbox", name="Je ne suis pas un robot")
    # With the keyboard, as a person who does not use a mouse would.
    robot.focus()
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => { const i = document.querySelector('input[name=captcha]'); return i && i.value.length > 20; }"
    )
    axe(page)
    page.get_by_role("button", name="S'inscrire").click()
    page.wait_for_url("**/compte/confirm-email/")
    assert "Confirmez votre adresse e-mail" in page.content()
    axe(page)

    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    axe(page)
    page.get_by_role("button", name="Confirmer mon inscription").click()
    page.wait_for_url("**/compte/login/")
    axe(page)

    page.get_by_role("textbox", name="Identifiant (obligatoire)").fill("jean.durant@example.org")
    page.get_by_role("textbox", name="Mot de passe (obligatoire)").fill("Vacances2026")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/mon-espace/")
    axe(page)

    page.get_by_role("link", name="Gérer mes abonnements").click()
    axe(page)
    page.get_by_role("link", name="M'abonner").click()
    axe(page)
    code = page.get_by_role("textbox", name="Code Abonné (obligatoire)")
    code.fill("durant2026")
    page.locator("form", has=code).get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/mon-espace/abonnements/")
    assert page.get_by_role("cell", name="Famille DURANT").is_visible()
    axe(page)
    assert Subscription.objects.get().family == family

    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Espace famille").click()
    assert page.get_by_role("heading", name="Espace famille — Famille DURANT").is_visible()
    axe(page)
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Espace facturation").click()
    assert page.get_by_role("heading", name="Espace facturation — Famille DURANT").is_visible()
    axe(page)

    page.get_by_role("button", name="Se déconnecter").click()
    assert page.get_by_role("link", name="Se connecter").is_visible()
    assert len(axe.visited) >= 12


def test_public_pages_pass_axe(live_server, page, axe, site):
    for path in [
        "/",
        "/conditions-d-utilisation/",
        "/donnees-personnelles/",
        "/nous-contacter/",
        "/plan-du-site/",
        "/service-enfance-jeunesse/",
        "/compte/login/",
        "/compte/password/reset/",
        "/compte/confirmation/renvoyer/",
    ]:
        page.goto(live_server.url + path)
        axe(page)
    page.goto(live_server.url + "/nous-contacter/")
    page.get_by_role("button", name="Envoyer").click()
    axe(page)
