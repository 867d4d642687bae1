"""FranceConnect against an OpenID Connect provider served on loopback that signs its tokens
(tests/franceconnect_provider.py): the button, the first login, the checks of every answer, the logout."""

from html import unescape

import pytest
import requests
from allauth.account.models import EmailAddress
from django.core import mail

from espace_famille.comptes.models import FranceConnectIdentity, User
from espace_famille.comptes.views.franceconnect import CANCELLED, FAILED
from tests.factories import PASSWORD, UserFactory
from tests.franceconnect_provider import CLIENT_ID, CLIENT_SECRET, PERSON, Provider
from tests.second_factor import enrol_totp, totp_code

pytestmark = pytest.mark.django_db

LINK = "/compte/franceconnect/premiere-connexion/"


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def provider(settings, site):
    with Provider() as running:
        settings.FRANCECONNECT_CLIENT_ID = CLIENT_ID
        settings.FRANCECONNECT_CLIENT_SECRET = CLIENT_SECRET
        settings.FRANCECONNECT_ISSUER = running.issuer
        yield running


def through_franceconnect(client, provider, **post):
    """Presses the button, lets FranceConnect answer, and brings its answer back to the portal."""
    response = client.post("/compte/franceconnect/connexion/", post)
    assert response.status_code == 302 and response["Location"].startswith(provider.issuer + "/authorize?")
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302
    return client.get(back.headers["Location"].removeprefix("http://testserver"))


def signed_in(client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


def test_the_login_page_offers_franceconnect_first_then_ou_then_the_email(client, provider):
    page = text(client.get("/compte/login/"))
    button, what, ou, email = (
        page.index('S\'identifier avec</span> <span class="franceconnect-brand">FranceConnect'),
        page.index("Qu'est-ce que FranceConnect ?</a>"),
        page.index('<p class="separator"><span>ou</span></p>'),
        page.index('<label for="id_login">Identifiant'),
    )
    assert button < what < ou < email
    assert 'href="https://franceconnect.gouv.fr/"' in page
    assert "Qu'est-ce que FranceConnect ?" in text(client.get("/compte/signup/"))


def test_the_button_may_leave_for_franceconnect_and_nothing_else(client, provider):
    policy = client.get("/compte/login/")["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if part.strip().startswith("form-action"))
    assert form_action.split()[1:] == ["'self'", f"http://127.0.0.1:{provider.server.server_port}"]


def test_without_configuration_there_is_no_button_and_no_franceconnect_address(client, site):
    assert "FranceConnect" not in text(client.get("/compte/login/"))
    for url in ("/compte/franceconnect/connexion/", "/compte/franceconnect/retour/?code=x&state=y", LINK):
        response = client.post(url) if url.endswith("connexion/") else client.get(url)
        assert response.status_code == 404, url


def test_the_authorization_request_carries_state_nonce_and_the_eidas_level(client, provider):
    through_franceconnect(client, provider)
    asked = provider.authorize_requests[0]
    assert asked["acr_values"] == "eidas1"
    assert asked["redirect_uri"] == "http://testserver/compte/franceconnect/retour/"
    assert asked["scope"].split() == ["openid", "given_name", "family_name", "gender", "email"]
    assert len(asked["state"]) >= 32 and len(asked["nonce"]) >= 32 and asked["state"] != asked["nonce"]


def test_a_first_login_opens_an_account_with_the_identity_of_franceconnect(client, provider):
    response = through_franceconnect(client, provider)
    assert response.status_code == 302 and response["Location"] == LINK
    assert signed_in(client) is None
    page = text(client.get(LINK))
    assert "Mme Angela Claire Louise DUBOIS" in page and "Créer mon compte avec FranceConnect" in page

    refused = client.post(LINK, {"action": "creer"})
    assert refused.status_code == 400 and not User.objects.filter(email=PERSON["email"]).exists()
    assert "Vous devez accepter les conditions d'utilisation" in text(refused)

    response = client.post(LINK, {"action": "creer", "creer-accept_terms": "on"})
    assert response.status_code == 302 and response["Location"] == "/mon-espace/"
    user = User.objects.get(email=PERSON["email"])
    assert (user.civility, user.first_name, user.last_name) == ("Mme", "Angela Claire Louise", "DUBOIS")
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert user.franceconnect.sub == PERSON["sub"]
    assert signed_in(client) == user


def test_an_address_typed_because_franceconnect_gave_none_waits_for_its_confirmation(client, provider):
    provider.person.pop("email")
    through_franceconnect(client, provider)
    response = client.post(LINK, {"action": "creer", "creer-email": "Angela.D@example.org", "creer-accept_terms": "on"})
    assert response.status_code == 302
    address = EmailAddress.objects.get(email="angela.d@example.org")
    assert not address.verified and address.user.franceconnect.sub == PERSON["sub"]
    assert [m.subject for m in mail.outbox] == ["Portail citoyen : confirmation de création de compte"]


def test_a_known_identity_opens_its_account_directly(client, provider):
    user = UserFactory(email="autre.adresse@example.org")
    FranceConnectIdentity.objects.create(user=user, sub=PERSON["sub"])
    response = through_franceconnect(client, provider)
    assert response.status_code == 302 and response["Location"] == "/mon-espace/"
    assert signed_in(client) == user
    assert FranceConnectIdentity.objects.get(user=user).last_login_at is not None


def test_an_account_with_a_second_factor_asks_for_it_after_franceconnect(client, provider):
    user = UserFactory()
    enrol_totp(user)
    FranceConnectIdentity.objects.create(user=user, sub=PERSON["sub"])
    response = through_franceconnect(client, provider)
    assert response["Location"] == "/compte/2fa/authenticate/" and signed_in(client) is None
    response = client.post("/compte/2fa/authenticate/", {"code": totp_code()})
    assert response["Location"] == "/mon-espace/" and signed_in(client) == user
    assert client.session["_franceconnect_id_token"]


def test_a_deactivated_account_does_not_open_with_franceconnect(client, provider):
    FranceConnectIdentity.objects.create(user=UserFactory(is_active=False), sub=PERSON["sub"])
    response = through_franceconnect(client, provider)
    assert response["Location"] == "/compte/inactive/" and signed_in(client) is None


def test_the_login_goes_back_to_the_page_asked_for(client, provider):
    FranceConnectIdentity.objects.create(user=UserFactory(), sub=PERSON["sub"])
    response = through_franceconnect(client, provider, next="/espace-famille/planning/")
    assert response["Location"] == "/espace-famille/planning/"


def test_an_account_with_the_same_email_is_linked_only_once_its_password_is_given(client, provider):
    owner = UserFactory(email=PERSON["email"], first_name="Angela", last_name="Dubois")
    through_franceconnect(client, provider)
    page = text(client.get(LINK))
    assert "Un compte citoyen existe déjà avec l'adresse angela.dubois@example.org" in page
    assert "Créer mon compte avec FranceConnect" not in page
    # The e-mail alone, or a wrong password, links nothing and signs nobody in.
    for password in ("", "Mauvais2026"):
        response = client.post(LINK, {"action": "lier", "lier-email": PERSON["email"], "lier-password": password})
        assert response.status_code == 400 and signed_in(client) is None
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in text(response)
    assert not FranceConnectIdentity.objects.exists()
    assert client.post(LINK, {"action": "creer", "creer-accept_terms": "on"}).status_code == 400
    assert User.objects.filter(email=PERSON["email"]).count() == 1

    response = client.post(LINK, {"action": "lier", "lier-email": PERSON["email"], "lier-password": PASSWORD})
    assert response.status_code == 302 and signed_in(client) == owner
    assert owner.franceconnect.sub == PERSON["sub"]
    assert [m.subject for m in mail.outbox] == ["Portail citoyen : compte lié à FranceConnect"]


def test_an_account_under_another_address_can_be_linked_with_its_password(client, provider):
    owner = UserFactory(email="angela.perso@example.org")
    through_franceconnect(client, provider)
    response = client.post(LINK, {"action": "lier", "lier-email": owner.email, "lier-password": PASSWORD})
    assert response.status_code == 302 and signed_in(client) == owner
    assert not User.objects.filter(email=PERSON["email"]).exists()


def test_wrong_passwords_given_to_link_are_throttled(client, provider):
    UserFactory(email=PERSON["email"])
    through_franceconnect(client, provider)
    for _ in range(5):
        client.post(LINK, {"action": "lier", "lier-email": PERSON["email"], "lier-password": "Mauvais2026"})
    response = client.post(LINK, {"action": "lier", "lier-email": PERSON["email"], "lier-password": PASSWORD})
    assert response.status_code == 400 and "Trop de tentatives" in text(response)
    assert signed_in(client) is None and not FranceConnectIdentity.objects.exists()


def test_an_account_with_a_second_factor_is_not_linked_on_its_password_alone(client, provider):
    enrol_totp(UserFactory(email=PERSON["email"]))
    through_franceconnect(client, provider)
    response = client.post(LINK, {"action": "lier", "lier-email": PERSON["email"], "lier-password": PASSWORD})
    assert response.status_code == 400 and "double authentification" in text(response)
    assert signed_in(client) is None and not FranceConnectIdentity.objects.exists()


def test_the_first_login_page_needs_a_franceconnect_identity(client, provider):
    response = client.get(LINK)
    assert response.status_code == 302 and response["Location"] == "/compte/login/"


@pytest.mark.parametrize(
    "tamper",
    [
        "id_token_signature",
        "id_token_foreign_key",
        "issuer",
        "audience",
        "expired",
        "nonce",
        "acr",
        "state",
        "userinfo_signature",
        "userinfo_foreign_key",
        "userinfo_sub",
        "userinfo_issuer",
    ],
)
def test_an_answer_that_cannot_be_trusted_signs_nobody_in(client, provider, tamper):
    FranceConnectIdentity.objects.create(user=UserFactory(), sub=PERSON["sub"])
    provider.tamper = tamper
    response = through_franceconnect(client, provider)
    assert response.status_code == 400 and FAILED in text(response)
    assert signed_in(client) is None
    assert "_franceconnect_pending" not in client.session


def test_the_same_answer_twice_is_refused_the_second_time(client, provider):
    response = client.post("/compte/franceconnect/connexion/")
    back = requests.get(response["Location"], allow_redirects=False, timeout=5).headers["Location"]
    assert client.get(back.removeprefix("http://testserver")).status_code == 302
    client.logout()
    assert client.get(back.removeprefix("http://testserver")).status_code == 400


def test_an_error_answer_says_what_happened_and_signs_nobody_in(client, provider):
    provider.error = "access_denied"
    response = through_franceconnect(client, provider)
    assert response.status_code == 400 and CANCELLED in text(response)
    assert signed_in(client) is None


def test_the_logout_also_ends_the_franceconnect_session(client, provider):
    FranceConnectIdentity.objects.create(user=UserFactory(), sub=PERSON["sub"])
    through_franceconnect(client, provider)
    id_token = client.session["_franceconnect_id_token"]
    response = client.post("/compte/logout/")
    assert response.status_code == 302 and response["Location"].startswith(provider.issuer + "/session/end?")
    assert signed_in(client) is None
    back = requests.get(response["Location"], allow_redirects=False, timeout=5).headers["Location"]
    assert provider.logouts[0]["id_token_hint"] == id_token
    assert provider.logouts[0]["post_logout_redirect_uri"] == "http://testserver/compte/franceconnect/deconnecte/"
    assert "Vous êtes déconnecté" in text(client.get(back.removeprefix("http://testserver")))


def test_an_email_login_logs_out_without_franceconnect(client, provider):
    user = UserFactory()
    client.post("/compte/login/", {"login": user.email, "password": PASSWORD})
    assert client.post("/compte/logout/")["Location"] == "/"


def test_unlinking_needs_a_password_to_sign_in_with_afterwards(client, provider):
    through_franceconnect(client, provider)
    client.post(LINK, {"action": "creer", "creer-accept_terms": "on"})
    user = signed_in(client)
    response = client.post("/compte/franceconnect/delier/", follow=True)
    assert "définissez-en un avant de le délier" in text(response)
    assert FranceConnectIdentity.objects.filter(user=user).exists()
    user.set_password(PASSWORD)
    user.save()
    client.force_login(user)
    client.post("/compte/franceconnect/delier/")
    assert not FranceConnectIdentity.objects.filter(user=user).exists()
