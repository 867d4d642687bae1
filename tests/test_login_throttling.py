"""Failed sign-ins behind a reverse proxy: each visitor is throttled on their own address; a stranger hammering
someone's e-mail locks only themselves out, with growing delays; the owner gets a single-use unlock link."""

import re
from html import unescape

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from commun import throttling
from tests.factories import PASSWORD, UserFactory
from tests.second_factor import enrol_totp

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.1"
STRANGER, OWNER = "198.51.100.66", "203.0.113.10"
LOGIN = reverse("account_login")


def text(response) -> str:
    return unescape(response.content.decode())


def sign_in(client, email, password, **meta):
    return client.post(LOGIN, {"login": email, "password": password}, **meta)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_two_visitors_behind_the_proxy_are_throttled_separately(client, site, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(10):
        sign_in(client, f"user{number}@example.org", "Wrong12345", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=STRANGER)
    refused = sign_in(client, "user0@example.org", "Wrong12345", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=STRANGER)
    assert refused.status_code == 429 or "Trop de tentatives" in text(refused)
    user = UserFactory(email="parent@example.org")
    sign_in(client, user.email, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OWNER)
    assert signed_in(client)


def test_a_forwarded_address_is_ignored_without_a_trusted_proxy(client, site, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for number in range(10):
        # Each attempt claims another address: they all come from the same connection.
        forged = f"192.0.2.{number}"
        sign_in(client, f"user{number}@example.org", "Wrong12345", REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=forged)
    user = UserFactory(email="parent@example.org")
    response = sign_in(client, user.email, PASSWORD, REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert not signed_in(client)
    assert response.status_code == 429 or "Trop de tentatives" in text(response)


def test_a_stranger_hammering_a_staff_email_does_not_lock_its_owner_out(client, site):
    instructor = UserFactory(email="instructeur@example.org", is_staff=True)
    enrol_totp(instructor)
    for _ in range(8):
        sign_in(client, instructor.email, "Wrong12345", REMOTE_ADDR=STRANGER)
    # Even the right password is refused to the stranger's address, with the delay in French.
    response = sign_in(client, instructor.email, PASSWORD, REMOTE_ADDR=STRANGER)
    assert "Trop de tentatives de connexion à ce compte depuis votre connexion : réessayez dans" in text(response)
    assert not signed_in(client)
    # The owner, from their own address, goes on to their second factor.
    response = sign_in(client, instructor.email, PASSWORD, REMOTE_ADDR=OWNER)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")


def test_each_failure_past_the_first_three_doubles_the_wait(client, site):
    user = UserFactory(email="parent@example.org")
    request = RequestFactory().get("/", REMOTE_ADDR=STRANGER)
    waits = []
    for _ in range(6):
        sign_in(client, user.email, "Wrong12345", REMOTE_ADDR=STRANGER)
        waits.append(throttling.login_wait(request, user.email))
        # Time passes: the lock is over, the count stays.
        key = throttling._pair(request, user.email)
        cache.set(key, {**cache.get(key), "until": 0}, throttling.LOGIN_MEMORY)
    assert waits == [0, 0, 0, 30, 60, 120]


def _unlock_link() -> str:
    [email] = [message for message in mail.outbox if "Débloquer mon compte" in message.body]
    return re.search(r"https?://[^/\s]+(/compte/debloquer/[^/\s]+/)", email.body).group(1)


def test_the_owner_unlocks_the_account_by_email_once(client, site):
    user = UserFactory(email="parent@example.org")
    for _ in range(6):
        sign_in(client, user.email, "Wrong12345", REMOTE_ADDR=OWNER)
    sign_in(client, user.email, PASSWORD, REMOTE_ADDR=OWNER)
    assert not signed_in(client)
    link = _unlock_link()
    # Opening the link spends nothing (a mail scanner may open it); the button unlocks.
    assert "Débloquer mon compte" in text(client.get(link))
    response = client.post(link, follow=True)
    assert "Votre compte est débloqué : vous pouvez vous connecter." in text(response)
    sign_in(client, user.email, PASSWORD, REMOTE_ADDR=OWNER)
    assert signed_in(client)
    client.post(reverse("account_logout"))
    response = client.post(link, follow=True)
    assert "Ce lien de déblocage a déjà servi ou n'est plus valable." in text(response)


def test_one_unlock_email_an_hour_and_none_for_an_unknown_address(client, site):
    user = UserFactory(email="parent@example.org")
    for address in (STRANGER, "198.51.100.67", "198.51.100.68"):
        for _ in range(5):
            sign_in(client, user.email, "Wrong12345", REMOTE_ADDR=address)
    assert [message.to for message in mail.outbox if "Débloquer" in message.body] == [[user.email]]
    mail.outbox.clear()
    for _ in range(5):
        response = sign_in(client, "nobody@example.org", "Wrong12345", REMOTE_ADDR="198.51.100.69")
    assert not mail.outbox
    assert "Trop de tentatives de connexion à ce compte" in text(response)
