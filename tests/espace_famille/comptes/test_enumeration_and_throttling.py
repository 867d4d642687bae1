"""No answer tells whether an address has an account; failed logins are throttled."""

from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from espace_famille.comptes.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def text(response):
    return unescape(response.content.decode())


def test_login_answers_the_same_for_unknown_email_and_wrong_password(client, site):
    UserFactory(email="known@example.org")
    unknown = client.post(reverse("account_login"), {"login": "unknown@example.org", "password": "Whatever1"})
    wrong = client.post(reverse("account_login"), {"login": "known@example.org", "password": "Whatever1"})
    assert unknown.status_code == wrong.status_code == 200
    message = "L’adresse e-mail ou le mot de passe sont incorrects."
    assert message in text(unknown) and message in text(wrong)


def test_signup_with_a_taken_email_looks_like_success_and_warns_the_owner(client, site, captcha):
    UserFactory(email="known@example.org")
    response = client.post(
        reverse("account_signup"),
        {
            "civility": "M.",
            "last_name": "Autre",
            "first_name": "Paul",
            "email": "known@example.org",
            "password1": "Vacances2026",
            "password2": "Vacances2026",
            "accept_terms": "on",
            "captcha": captcha(),
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email="known@example.org").count() == 1
    assert [m.subject for m in mail.outbox] == ["Portail citoyen : vous avez déjà un compte"]


def test_password_reset_answers_the_same_whether_the_email_is_known(client, site):
    UserFactory(email="known@example.org")
    known = client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "unknown@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "Portail citoyen : demande concernant votre adresse e-mail",
        "Portail citoyen : réinitialisation de votre mot de passe",
    ]


def test_password_reset_link_sets_a_new_password(client, site):
    import re

    user = UserFactory(email="known@example.org")
    client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    link = re.search(r"https?://testserver(/compte/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(action, {"password1": "NouveauMot2026", "password2": "NouveauMot2026"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("NouveauMot2026")
    assert "n'est plus valable" in text(client.get(action))


def test_failed_logins_are_throttled_per_account(client, site):
    UserFactory(email="known@example.org")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "known@example.org", "password": "Wrong12345"})
    # The right password is refused too while the account is throttled.
    response = client.post(reverse("account_login"), {"login": "known@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives" in text(response) or response.status_code == 429


def test_failed_logins_are_throttled_per_address(client, site):
    for number in range(10):
        client.post(
            reverse("account_login"),
            {"login": f"user{number}@example.org", "password": "Wrong12345"},
            REMOTE_ADDR="198.51.100.7",
        )
    UserFactory(email="known@example.org")
    response = client.post(
        reverse("account_login"), {"login": "known@example.org", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7"
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)
