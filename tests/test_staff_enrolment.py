"""A staff member's first second factor is enrolled only in a session that opened the single-use link e-mailed to
their address (or handed over by an administrator): a stolen password alone cannot enrol the thief's authenticator."""

import re
from html import unescape
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from espace_famille.comptes.permissions import INSTRUCTORS
from tests.conftest import CommittingClient
from tests.factories import PASSWORD, UserFactory, role
from tests.second_factor import has_totp, totp_code

pytestmark = pytest.mark.django_db
ENROLMENT = "/compte/double-authentification/"
ACTIVATE = "/compte/2fa/totp/activate/"


def text(response) -> str:
    return unescape(response.content.decode())


def instructor(email="ines.truchon@example.org"):
    user = UserFactory(email=email, is_staff=True)
    user.groups.add(role(INSTRUCTORS))
    return user


def signed_in(user) -> CommittingClient:
    client = CommittingClient()
    client.post("/admin/login/", {"login": user.email, "password": PASSWORD})
    return client


def emailed_link(to: str) -> str:
    [body] = [message.body for message in mail.outbox if message.to == [to] and ENROLMENT in message.body]
    return re.search(r"https?://[^/\s]+(/compte/double-authentification/[^/\s]+/)", body).group(1)


def enrol_app(client) -> None:
    reauthenticate = client.get(ACTIVATE)
    if reauthenticate.status_code == 302 and reauthenticate["Location"].startswith("/compte/reauthenticate/"):
        client.post(reauthenticate["Location"], {"password": PASSWORD})
    secret = client.get(ACTIVATE).context["form"].secret
    client.post(ACTIVATE, {"code": totp_code(secret)})


def test_the_password_alone_cannot_enrol_a_second_factor(site):
    user = instructor()
    thief = signed_in(user)
    for url in (ACTIVATE, "/compte/2fa/webauthn/add/", "/admin/"):
        assert thief.get(url)["Location"] == ENROLMENT, url
    page = text(thief.get(ENROLMENT))
    assert "l'activation se confirme par un lien envoyé à votre adresse e-mail, ines.truchon@example.org" in page
    assert not has_totp(user)


def test_the_link_emailed_to_the_staff_member_opens_the_enrolment_once(site):
    user = instructor()
    client = signed_in(user)
    response = client.post(ENROLMENT, follow=True)
    assert "Un lien d'activation vient d'être envoyé à ines.truchon@example.org." in text(response)
    link = emailed_link(user.email)
    # Opening the link spends nothing (a mail scanner may open it); its button does.
    assert "Activer la double authentification" in text(client.get(link))
    assert client.get(ACTIVATE)["Location"] == ENROLMENT
    assert client.post(link)["Location"] == "/compte/2fa/"
    enrol_app(client)
    assert has_totp(user) and client.get("/admin/").status_code == 200
    # Used once.
    response = client.post(link, follow=True)
    assert "Ce lien d'activation a déjà servi, n'est plus valable ou concerne un autre compte." in text(response)


def test_the_link_does_not_open_the_enrolment_of_another_account(site):
    owner, thief_account = instructor(), instructor(email="autre.agent@example.org")
    signed_in(owner).post(ENROLMENT)
    link = emailed_link(owner.email)
    thief = signed_in(thief_account)
    thief.post(link)
    assert thief.get(ACTIVATE)["Location"] == ENROLMENT


def test_an_administrator_hands_over_the_link(site):
    user = instructor()
    out = StringIO()
    call_command("staff_enrolment_link", user.email, stdout=out)
    link = re.search(r"(/compte/double-authentification/[^/\s]+/)", out.getvalue()).group(1)
    client = signed_in(user)
    assert client.post(link)["Location"] == "/compte/2fa/"
    with pytest.raises(CommandError, match="Aucun agent actif"):
        call_command("staff_enrolment_link", "parent@example.org")


def test_a_parent_enrols_without_any_link(site):
    parent = UserFactory(email="parent@example.org")
    client = CommittingClient()
    client.post("/compte/login/", {"login": parent.email, "password": PASSWORD})
    enrol_app(client)
    assert has_totp(parent)
