"""E-mails greet the person by the account's name when it is known, and say «Bonjour,» otherwise: a placeholder
left empty never leaves «Bonjour ,» behind."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications import kinds, rendering
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def render(body: str, **context):
    kind = kinds.EmailKind(slug="essai", label="Essai", subject="Essai {{ nom_complet }}", body=body)
    return rendering.render(kind=kind, context=context)


def test_an_empty_name_leaves_no_space_before_the_punctuation():
    email = render("Bonjour {{ nom_complet }},\n\nVotre demande est reçue.", nom_complet="")
    assert email.text.startswith("Bonjour,\n\nVotre demande est reçue.")
    assert "<p>Bonjour,</p>" in email.html
    assert email.subject == "Essai"


def test_an_empty_value_before_french_punctuation_or_the_end_of_a_line_leaves_one_space_at_most():
    email = render("Bonjour {{ prenom }} !\nMerci {{ prenom }}\nÀ bientôt {{ prenom }}.", prenom="")
    assert email.text.startswith("Bonjour !\nMerci\nÀ bientôt.")


def test_a_known_name_is_written_in_full():
    email = render("Bonjour {{ nom_complet }},", nom_complet="Mme Anne DURANT")
    assert email.text.startswith("Bonjour Mme Anne DURANT,") and "<p>Bonjour Mme Anne DURANT,</p>" in email.html


@pytest.mark.parametrize("civility", ["", "Mme"])
def test_the_password_reset_of_an_account_without_a_name_says_bonjour(client, site, civility):
    UserFactory(email="sans.nom@example.org", civility=civility, first_name="", last_name="")
    client.post(reverse("account_reset_password"), {"email": "sans.nom@example.org"})
    [email] = mail.outbox
    assert email.body.startswith("Bonjour,\n\nUne réinitialisation du mot de passe de votre compte a été demandée.")
    assert "<p>Bonjour,</p>" in email.alternatives[0][0]


def test_the_password_reset_greets_the_account_by_its_name(client, site):
    UserFactory(email="anne@example.org", civility="Mme", first_name="Anne", last_name="Durant")
    client.post(reverse("account_reset_password"), {"email": "anne@example.org"})
    assert mail.outbox[0].body.startswith("Bonjour Mme Anne DURANT,\n\n")


def test_the_account_already_exists_email_greets_the_owner_by_the_account_s_name(client, site, captcha):
    UserFactory(email="known@example.org", civility="Mme", first_name="Anne", last_name="Durant")
    client.post(
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
    [email] = mail.outbox
    assert email.subject == "Portail citoyen : vous avez déjà un compte"
    assert email.body.startswith("Bonjour Mme Anne DURANT,\n\nQuelqu'un a essayé de créer un compte")


def test_the_account_already_exists_email_of_an_account_without_a_name_says_bonjour(client, site, captcha):
    UserFactory(email="known@example.org", civility="", first_name="", last_name="")
    client.post(
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
    assert mail.outbox[0].body.startswith("Bonjour,\n\nQuelqu'un a essayé de créer un compte")
