"""The guide's first two sections as one journey: register, confirm, log in, subscribe, reach the spaces."""

import re
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import OutboxMessage, OutboxStatus
from tests.factories import FamilyFactory, InvoiceFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "civility": "M.",
    "last_name": "Durant",
    "first_name": "Jean",
    "email": "jean.durant@example.org",
    "password1": "Vacances2026",
    "password2": "Vacances2026",
    "subscriber_code": "",
    "accept_terms": "on",
}


def signup(client, captcha, **changes):
    return client.post(reverse("account_signup"), {**SIGNUP, "captcha": captcha(), **changes})


def text(response) -> str:
    return unescape(response.content.decode())


def confirmation_link(message) -> str:
    return re.search(r"https?://\S+/compte/confirm-email/\S+/", message.body).group(0)


def test_signup_form_shows_the_guide_fields_in_order(client, site):
    html = client.get(reverse("account_signup")).content.decode()
    labels = [
        "Civilité",
        "Nom",
        "Prénom",
        "E-mail (identifiant)",
        "Mot de passe",
        "Confirmation du mot de passe",
        "Code abonné",
        "J'ai lu et j'accepte les",
        "<altcha-widget",
        "S'inscrire",
    ]
    positions = [html.find(label) for label in labels]
    assert -1 not in positions, list(zip(labels, positions, strict=True))
    assert positions == sorted(positions)
    assert (
        "Le mot de passe doit contenir au moins 8 caractères, dont au moins 1 chiffre, 1 minuscule et 1 majuscule"
        in html
    )
    assert "Entrez le code abonné famille transmis par votre collectivité" in html
    assert 'href="/conditions-d-utilisation/"' in html
    # The self-hosted widget («Je ne suis pas un robot» in French) and its script come from our own server.
    assert 'language="fr"' in html and 'src="/static/altcha_django/altcha.min.js"' in html


def test_whole_journey_from_signup_to_family_spaces(client, site, captcha):
    FamilyFactory(name="DURANT", subscriber_code="DURANT2026")
    other = FamilyFactory(name="BLMAN")
    InvoiceFactory(family=other, number="2018-2544", amount="6.50", emission_code="EM2018", personal_code="PBL1")

    response = signup(client, captcha)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")

    # The confirmation email went through the outbox, and was sent.
    row = OutboxMessage.objects.get(kind="account_confirmation")
    assert row.status == OutboxStatus.SENT and row.sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jean.durant@example.org"]
    assert message.subject == "Portail citoyen : confirmation de création de compte"
    assert "Bonjour M. Jean DURANT," in message.body
    assert "Si ce bouton ne s'affiche pas correctement, veuillez cliquer sur le lien suivant :" in message.body
    html = message.alternatives[0][0]
    assert "Confirmer mon inscription</a>" in html
    assert "Mairie de Boulogne-Billancourt" in message.body

    # Before confirming, the right password does not open the portal.
    response = client.post(reverse("account_login"), {"login": "jean.durant@example.org", "password": "Vacances2026"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("espace_famille:mon_espace")).status_code == 302

    link = confirmation_link(message)
    path = link.split("testserver", 1)[1]
    page = client.get(path)
    assert "Confirmer mon inscription" in page.content.decode()
    assert client.post(path).status_code == 302

    response = client.post(reverse("account_login"), {"login": "jean.durant@example.org", "password": "Vacances2026"})
    assert response.status_code == 302
    assert response["Location"] == reverse("espace_famille:mon_espace")

    # Not subscribed yet: the family spaces explain how to subscribe.
    page = text(client.get(reverse("espace_famille:home")))
    assert "M'abonner" in page and "code abonné famille" in page

    # Subscribe by code: active at once, no need to log out.
    response = client.post(reverse("espace_famille:subscription_add"), {"way": "code", "code-code": "durant 2026"})
    assert response.status_code == 302
    listing = client.get(reverse("espace_famille:subscriptions")).content.decode()
    assert "Famille DURANT" in listing
    assert "Espace famille — Famille DURANT" in client.get(reverse("espace_famille:home")).content.decode()
    assert "Espace facturation — Famille DURANT" in client.get(reverse("espace_facturation:home")).content.decode()

    # Subscribe by the four references of an invoice of another family file.
    response = client.post(
        reverse("espace_famille:subscription_add"),
        {
            "way": "invoice",
            "invoice-emission_code": "em2018",
            "invoice-reference": "2018-2544",
            "invoice-amount": "6,50",
            "invoice-personal_code": "PBL1",
        },
    )
    assert response.status_code == 302
    listing = client.get(reverse("espace_famille:subscriptions")).content.decode()
    assert "Famille DURANT" in listing and "Famille BLMAN" in listing


def test_confirmation_link_is_single_use(client, site, captcha):
    signup(client, captcha)
    path = confirmation_link(mail.outbox[0]).split("testserver", 1)[1]
    assert client.post(path).status_code == 302
    second = client.get(path)
    assert "Ce lien de confirmation n'est plus valable" in text(second)


def test_confirmation_link_expires(client, site, captcha, settings):
    signup(client, captcha)
    path = confirmation_link(mail.outbox[0]).split("testserver", 1)[1]
    settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 0
    client.post(path)
    from espace_famille.comptes.models import User

    assert not User.objects.get(email="jean.durant@example.org").emailaddress_set.get().verified
    assert "n'est plus valable" in text(client.get(path))


def test_unconfirmed_account_can_have_the_email_sent_again(client, site, captcha):
    signup(client, captcha)
    assert len(mail.outbox) == 1
    from django.core.cache import cache

    cache.clear()  # past the one-per-three-minutes limit
    response = client.post(reverse("resend_confirmation"), {"email": "jean.durant@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "Portail citoyen : confirmation de création de compte"
    # Asking again at once is throttled, and answers the same.
    response = client.post(reverse("resend_confirmation"), {"email": "jean.durant@example.org"}, follow=True)
    assert len(mail.outbox) == 2
    assert "Si un compte non confirmé existe pour cette adresse" in response.content.decode()


def test_signup_errors_are_in_french_beside_their_field_and_nothing_is_saved(client, site, captcha):
    from espace_famille.comptes.models import User

    response = signup(client, captcha, password1="court", password2="autre", accept_terms="", last_name="")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_last_name_error"' in html and 'aria-invalid="true"' in html
    assert "Vous devez accepter les conditions d'utilisation" in unescape(html)
    assert "Le mot de passe doit contenir au moins 8 caractères" in html
    assert not User.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_signup_without_solving_the_captcha_is_refused(client, site):
    from espace_famille.comptes.models import User

    response = client.post(reverse("account_signup"), {**SIGNUP, "captcha": ""})
    assert "Cochez la case « Je ne suis pas un robot »" in response.content.decode()
    response = client.post(reverse("account_signup"), {**SIGNUP, "captcha": "Zm9ydGU="})
    assert "La vérification anti-robot a échoué" in response.content.decode()
    assert not User.objects.exists()


def test_a_solved_captcha_cannot_be_replayed(client, site, captcha):
    from espace_famille.comptes.models import User

    payload = captcha()
    client.post(reverse("account_signup"), {**SIGNUP, "captcha": payload})
    response = client.post(reverse("account_signup"), {**SIGNUP, "email": "autre@example.org", "captcha": payload})
    assert "déjà servi" in response.content.decode()
    assert list(User.objects.values_list("email", flat=True)) == ["jean.durant@example.org"]
