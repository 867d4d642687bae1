"""Error pages: 400, 403, 404, 500 and an expired form, in French, in the site's layout, with a way back."""

from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import get_resolver

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOME_BUTTON = '<a class="button" href="/">Retour à l\'accueil</a>'
SPACE_BUTTON = '<a class="button button-secondary" href="/mon-espace/">Mon espace citoyen</a>'


def text(response):
    return unescape(response.content.decode())


def in_site_layout(page: str) -> bool:
    return (
        '<a class="skip-link" href="#contenu">Aller au contenu</a>' in page
        and "— Mairie de Boulogne-Billancourt</title>" in page
        and "892 rue Yves Kermen" in page
    )


@pytest.fixture
def failing_space(monkeypatch):
    """«Mon espace citoyen» fails with the error given to it."""

    def fail_with(error):
        def fail(**kwargs):
            raise error

        monkeypatch.setattr("espace_famille.comptes.selectors.subscriptions_for", fail)

    return fail_with


def test_an_unknown_address_answers_404_in_french_in_the_site_layout(client, site):
    response = client.get("/cette-page-n-existe-pas/")
    page = text(response)
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in page and "La page demandée n'existe pas ou n'existe plus" in page
    assert in_site_layout(page)
    assert HOME_BUTTON in page and SPACE_BUTTON not in page


def test_a_signed_in_parent_s_404_leads_back_to_their_space(client, site):
    client.force_login(UserFactory())
    page = text(client.get("/espace-famille/nulle-part/"))
    assert "Page introuvable" in page and HOME_BUTTON in page and SPACE_BUTTON in page


def test_a_failing_view_answers_500_in_french_with_the_ways_back(client, site, failing_space):
    failing_space(RuntimeError("panne"))
    client.force_login(UserFactory())
    client.raise_request_exception = False
    response = client.get("/mon-espace/")
    page = text(response)
    assert response.status_code == 500
    assert "<h1>Le portail rencontre un problème</h1>" in page and "Réessayez dans quelques minutes" in page
    assert '<a class="skip-link" href="#contenu">Aller au contenu</a>' in page
    assert HOME_BUTTON in page and SPACE_BUTTON in page


def test_the_500_page_is_drawn_when_the_database_is_down(client, site, failing_space):
    failing_space(OperationalError("could not connect to server"))
    client.raise_request_exception = False
    client.force_login(UserFactory())
    response = client.get("/mon-espace/")
    assert response.status_code == 500 and "Le portail rencontre un problème" in text(response)


def test_the_500_page_reads_nothing_from_the_database(rf, site, django_assert_num_queries):
    request = rf.get("/mon-espace/")
    request.user = UserFactory()
    handler = get_resolver().resolve_error_handler(500)
    with django_assert_num_queries(0):
        response = handler(request)
    page = text(response)
    assert response.status_code == 500 and "Le portail rencontre un problème" in page and SPACE_BUTTON in page


def test_a_form_sent_without_its_csrf_token_explains_that_it_expired(site):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/nous-contacter/", {"nom": "A"}, headers={"referer": "http://testserver/nous-contacter/?sujet=cantine"}
    )
    page = text(response)
    assert response.status_code == 403
    assert "<h1>Le formulaire a expiré</h1>" in page
    assert "la page est sans doute restée ouverte trop longtemps, ou votre navigateur bloque les cookies" in page
    assert '<a class="button" href="http://testserver/nous-contacter/?sujet=cantine">Recharger le formulaire</a>' in (
        page
    )
    assert in_site_layout(page)


def test_an_expired_form_never_sends_back_to_another_site(site):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        "/compte/login/", {"login": "a@example.org"}, headers={"referer": "https://ailleurs.example/"}
    )
    assert response.status_code == 403
    assert '<a class="button" href="/">Recharger le formulaire</a>' in text(response)


def test_a_suspicious_request_answers_400_in_french(client, site, failing_space):
    failing_space(SuspiciousOperation("valeur inattendue"))
    client.force_login(UserFactory())
    response = client.get("/mon-espace/")
    page = text(response)
    assert response.status_code == 400
    assert "<h1>Demande incorrecte</h1>" in page and in_site_layout(page)
    assert HOME_BUTTON in page and SPACE_BUTTON in page


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_a_host_the_portal_does_not_serve_answers_400_without_reading_the_site(client, site):
    response = client.get("/", headers={"host": "intrus.example"})
    page = text(response)
    assert response.status_code == 400
    assert "<h1>Demande incorrecte</h1>" in page and "Aller au contenu" in page and HOME_BUTTON in page


def test_a_forbidden_page_answers_403_in_french(client, site, failing_space):
    failing_space(PermissionDenied())
    client.force_login(UserFactory())
    response = client.get("/mon-espace/")
    page = text(response)
    assert response.status_code == 403
    assert "<h1>Accès refusé</h1>" in page and in_site_layout(page) and SPACE_BUTTON in page
