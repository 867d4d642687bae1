"""The public site: home page of the guide, layout, terms, contact form, site map."""

from html import unescape

import pytest
from django.core import mail

from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


def text(response):
    return unescape(response.content.decode())


def test_home_page_has_the_guide_boxes_and_cards(client, site):
    page = text(client.get("/"))
    for label in [
        "Connectez-vous au Portail Citoyen",
        "Identifiant",
        "Mot de passe",
        "Se connecter",
        "Vous n'avez pas encore de compte citoyen ?",
        "Créer un compte",
        "Espace facturation",
        "Nous contacter",
        "Espace famille",
    ]:
        assert label in page, label


def test_layout_has_navigation_breadcrumb_footer_and_skip_link(client, site):
    page = text(client.get("/conditions-d-utilisation/"))
    assert '<a class="skip-link" href="#contenu">Aller au contenu</a>' in page
    for label in [
        "Accueil",
        "Mon espace citoyen",
        "Espace famille",
        "Espace facturation",
        "Plan du site",
        "Nous contacter",
    ]:
        assert f">{label}</a>" in page, label
    assert '<nav class="breadcrumb container" aria-label="Fil d\'Ariane">' in page
    assert '<li aria-current="page">Conditions d\'utilisation</li>' in page
    assert "892 rue Yves Kermen" in page and "Confidentialité</a>" in page


def test_logged_in_parent_sees_the_logout_button(client, site):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    page = text(client.get("/"))
    assert "Se déconnecter</button>" in page and "M. Jean DURANT" in page


def test_breadcrumb_of_a_portal_space(client, site):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    page = text(client.get("/espace-famille/"))
    assert '<li><a href="/">Accueil</a></li>' in page
    assert '<li aria-current="page">Espace famille</li>' in page


def test_sitemap_lists_pages_and_portal_spaces(client, site):
    page = text(client.get("/plan-du-site/"))
    for label in [
        "Conditions d'utilisation",
        "Données personnelles",
        "Nous contacter",
        "Le service enfance jeunesse",
        "Mon espace citoyen",
        "Espace famille",
        "Espace facturation",
    ]:
        assert f">{label}</a>" in page, label


def test_contact_form_emails_the_service_through_the_outbox(client, site):
    response = client.post(
        "/nous-contacter/",
        {"nom": "Jean Durant", "e_mail": "jean@example.org", "objet": "Cantine", "message": "Bonjour, une question."},
    )
    assert response.status_code == 200
    assert "votre message a bien été envoyé" in text(response)
    row = OutboxMessage.objects.get(kind="contact_form")
    assert row.to_email == "enfance@example.org"
    assert "Message : Bonjour, une question." in mail.outbox[0].body
    assert "jean@example.org" in mail.outbox[0].subject


def test_contact_form_errors_are_beside_the_field(client, site):
    response = client.post("/nous-contacter/", {"nom": "", "e_mail": "pas-un-email", "objet": "", "message": ""})
    page = response.content.decode()
    assert 'id="id_e_mail_error"' in page and 'aria-invalid="true"' in page
    assert not OutboxMessage.objects.exists()


def test_demo_loader_is_safe_to_run_twice(db):
    from django.core.management import call_command
    from wagtail.models import Page

    from espace_famille.comptes.models import User
    from espace_famille.dossier.models import Family, Subscription

    call_command("load_demo", stdout=open("/dev/null", "w"))
    counts = (Page.objects.count(), Family.objects.count(), User.objects.count(), Subscription.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert (Page.objects.count(), Family.objects.count(), User.objects.count(), Subscription.objects.count()) == counts
    assert set(Family.objects.values_list("name", flat=True)) == {"DURANT", "ADERNO", "BLMAN"}
    durant = Family.objects.get(name="DURANT")
    assert sorted(durant.children.values_list("first_name", flat=True)) == ["Jade", "Léa", "Léo", "Nathan"]
