"""Staff reach the admin with a password and a second factor; the admin's login is throttled like the public one."""

import re
import time
from html import unescape

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client
from wagtail.models import ModelLogEntry

from cms.settings import base as base_settings
from espace_famille.comptes.permissions import INSTRUCTORS, ensure_staff_groups
from tests.factories import PASSWORD, UserFactory
from tests.second_factor import enrol_totp, has_totp, recovery_codes, totp_code, wrong_code

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def instructor(site):
    groups = {group.name: group for group in ensure_staff_groups()}
    user = UserFactory(email="ines.truchon@example.org", is_staff=True)
    user.groups.add(groups[INSTRUCTORS])
    return user


def sign_in(client, user, password=PASSWORD, next_url="/admin/"):
    return client.post(f"/admin/login/?next={next_url}", {"login": user.email, "password": password})


def open_enrolment_link(client) -> None:
    """A staff member's first second factor: the link e-mailed to their address, opened in their session
    (tests/test_staff_enrolment.py)."""
    client.post("/compte/double-authentification/")
    body = next(message.body for message in reversed(mail.outbox) if "double-authentification/" in message.body)
    client.post(re.search(r"https?://[^/\s]+(/compte/double-authentification/[^/\s]+/)", body).group(1))


def activate_app(client) -> str:
    """Sets up an authenticator app from the account's page, as the person would (the password is asked again
    first), and gives its secret."""
    response = client.get("/compte/2fa/totp/activate/")
    if response.status_code == 302:
        assert response["Location"].startswith("/compte/reauthenticate/")
        client.post(response["Location"], {"password": PASSWORD})
    activate = client.get("/compte/2fa/totp/activate/")
    assert 'src="data:image/svg+xml' in text(activate)
    secret = activate.context["form"].secret
    response = client.post("/compte/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    return secret


def test_the_admin_login_asks_for_the_email_and_the_password(client, site):
    page = text(client.get("/admin/login/"))
    assert "Connexion des agents de la collectivité" in page
    assert "E-mail (identifiant)" in page and "S'identifier" in page
    assert 'href="/compte/password/reset/"' in page


def test_the_admins_own_unthrottled_password_reset_is_closed(client, site):
    assert client.get("/admin/password_reset/").status_code == 404


def test_an_instructor_with_an_app_gives_its_code_after_the_password(client, instructor):
    enrol_totp(instructor)
    response = sign_in(client, instructor)
    assert response.status_code == 302 and response["Location"] == "/compte/2fa/authenticate/"
    # The password alone opens nothing.
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302

    wrong = client.post("/compte/2fa/authenticate/", {"code": wrong_code()})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    assert "Code incorrect" in text(wrong)

    response = client.post("/compte/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    home = client.get("/admin/")
    assert home.status_code == 200 and "Tableau de bord" in text(home)


def test_a_code_already_used_does_not_open_a_second_session(client, instructor):
    enrol_totp(instructor)
    code = totp_code()
    sign_in(client, instructor)
    client.post("/compte/2fa/authenticate/", {"code": code})
    other = Client()
    sign_in(other, instructor)
    response = other.post("/compte/2fa/authenticate/", {"code": code})
    assert response.status_code == 200 and "_auth_user_id" not in other.session


def test_a_recovery_code_opens_the_admin_once(client, instructor):
    enrol_totp(instructor)
    code = recovery_codes(instructor)[0]
    sign_in(client, instructor)
    response = client.post("/compte/2fa/authenticate/", {"code": code})
    assert response.status_code == 302 and client.get("/admin/").status_code == 200

    again = Client()
    sign_in(again, instructor)
    assert again.post("/compte/2fa/authenticate/", {"code": code}).status_code == 200
    assert "_auth_user_id" not in again.session


def test_an_instructor_without_a_second_factor_sets_one_up_before_the_admin(client, instructor):
    response = sign_in(client, instructor)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/compte/double-authentification/"
    assert "L'administration du portail demande une double authentification" in text(response)
    for url in ("/admin/snippets/espace_famille/request/", "/admin/feuille-de-presence/"):
        assert client.get(url)["Location"] == "/compte/double-authentification/", url

    open_enrolment_link(client)
    assert client.get("/admin/")["Location"] == "/compte/2fa/"
    response = client.get("/compte/2fa/totp/activate/")
    client.post(response["Location"], {"password": PASSWORD})
    wrong = client.post("/compte/2fa/totp/activate/", {"code": "12345"})
    assert wrong.status_code == 200 and not has_totp(instructor)
    assert "Code incorrect" in text(wrong)
    activate_app(client)
    assert has_totp(instructor)
    assert client.get("/admin/").status_code == 200
    # Recovery codes come with the app, and the instructor is told by e-mail.
    assert Authenticator.objects.filter(user=instructor, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert any("double authentification activée" in message.subject for message in mail.outbox)
    # And the audit log says who added which second factor.
    entry = ModelLogEntry.objects.get(action="portail.mfa.add", data__type="totp")
    assert entry.user_id == instructor.pk and entry.object_id == str(instructor.pk)


def test_a_staff_session_opened_without_the_second_factor_signs_in_again(instructor):
    enrol_totp(instructor)
    plain = Client()
    plain.force_login(instructor)  # a way in that skipped the second factor
    response = plain.get("/admin/snippets/espace_famille/request/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in plain.session


def test_removing_the_last_second_factor_closes_the_admin(client, instructor):
    sign_in(client, instructor)
    open_enrolment_link(client)
    activate_app(client)
    assert client.get("/admin/").status_code == 200
    client.post("/compte/2fa/totp/deactivate/")
    assert not has_totp(instructor)
    assert ModelLogEntry.objects.filter(action="portail.mfa.remove", user=instructor, data__type="totp").exists()
    assert client.get("/admin/")["Location"] == "/compte/2fa/"


def test_the_admin_login_is_throttled_like_the_public_one(client, instructor):
    enrol_totp(instructor)
    for _ in range(5):
        sign_in(client, instructor, password="Mauvais2026")
    response = sign_in(client, instructor)
    assert response.status_code in (200, 429)
    assert response.get("Location") != "/compte/2fa/authenticate/"
    assert "_auth_user_id" not in client.session


def test_a_parent_may_protect_their_account_with_an_app_too(client, site):
    parent = UserFactory(email="parent@example.org")
    client.post("/compte/login/", {"login": parent.email, "password": PASSWORD})
    secret = activate_app(client)
    client.post("/compte/logout/")
    response = client.post("/compte/login/", {"login": parent.email, "password": PASSWORD})
    assert response["Location"] == "/compte/2fa/authenticate/"
    # A parent with a second factor still gets no admin page.
    client.post("/compte/2fa/authenticate/", {"code": totp_code(secret)})
    assert "_auth_user_id" in client.session
    assert client.get("/admin/").status_code == 403


def test_wrong_codes_are_throttled_then_even_the_right_one_is_refused(client, instructor):
    enrol_totp(instructor)
    sign_in(client, instructor)
    wrong = wrong_code()
    for _ in range(5):
        client.post("/compte/2fa/authenticate/", {"code": wrong})
    response = client.post("/compte/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code in (200, 429) and "_auth_user_id" not in client.session
    assert "Trop de tentatives" in text(response) or response.status_code == 429


def test_a_code_read_at_the_end_of_its_window_is_taken_just_after(client, instructor, time_machine):
    enrol_totp(instructor)
    window_end = (int(time.time()) // 30 + 1) * 30
    time_machine.move_to(window_end - 0.5, tick=False)
    sign_in(client, instructor)
    code = totp_code()
    time_machine.move_to(window_end + 0.5, tick=False)
    response = client.post("/compte/2fa/authenticate/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    # Only the suite allows the previous window: production keeps allauth's default of none.
    assert getattr(base_settings, "MFA_TOTP_TOLERANCE", 0) == 0
