"""On every form that sets a password (sign-up, «Changer mon mot de passe», a reset link), each error about the new
password is said once, beside the field, and the rule once, as its help."""

import re
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from espace_famille.comptes import rules
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code in (200, 400), response.status_code
    return unescape(response.content.decode())


def errors_beside(page: str, field: str) -> list[str]:
    block = re.search(rf'<div class="errors" id="id_{field}_error">(.*?)</div>', page, re.DOTALL)
    assert block, f"no error beside {field}"
    return re.findall(r"<p>(.*?)</p>", block.group(1))


def assert_said_once(page: str):
    errors = errors_beside(page, "password1")
    assert len(errors) == len(set(errors))
    assert [error for error in errors if "8 caractères" in error] == [
        "Ce mot de passe ne respecte pas la règle : il manque au moins 8 caractères, au moins 1 majuscule."
    ]
    assert page.count(rules.PASSWORD_RULE) == 1
    assert "<ul>" not in page.split('id="id_password1_helptext"', 1)[1].split("</p>", 1)[0]


def test_sign_up(client, site, captcha):
    response = client.post(
        reverse("account_signup"),
        {
            "civility": "M.",
            "last_name": "Durant",
            "first_name": "Jean",
            "email": "jean@example.org",
            "password1": "ab1",
            "password2": "ab1",
            "accept_terms": "on",
            "captcha": captcha(),
        },
    )
    assert_said_once(text(response))


def test_change_password(client, site):
    client.force_login(UserFactory())
    response = client.post(
        reverse("account_change_password"), {"oldpassword": PASSWORD, "password1": "ab1", "password2": "ab1"}
    )
    page = text(response)
    assert_said_once(page)
    assert 'placeholder="' not in page.split("<main", 1)[1]


def test_reset_link(client, site):
    UserFactory(email="parent@example.org")
    client.post(reverse("account_reset_password"), {"email": "parent@example.org"})
    link = re.search(r"https?://[^/\s]+(/compte/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    assert_said_once(text(client.post(form_url, {"password1": "ab1", "password2": "ab1"})))
