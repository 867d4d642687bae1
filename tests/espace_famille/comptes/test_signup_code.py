"""The code abonné typed at «Créer un compte» is checked on the form itself, beside its field, and wrong codes are
throttled per address as on «M'abonner»; a right code links the family once the e-mail is confirmed."""

import re
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from espace_famille.comptes.models import User
from tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db
UNKNOWN = (
    "Ce code abonné ne correspond à aucun dossier famille. Vérifiez-le, ou laissez ce champ vide : vous pourrez "
    "vous abonner plus tard depuis « Mes abonnements »."
)
THROTTLED = "Trop de tentatives infructueuses. Par sécurité, réessayez dans une heure ou contactez le service."
STRANGER, NEIGHBOUR = "198.51.100.66", "203.0.113.10"


def signup(client, solve, *, code, email="jean.durant@example.org", address=STRANGER, **changes):
    form = {
        "civility": "M.",
        "last_name": "Durant",
        "first_name": "Jean",
        "email": email,
        "password1": "Vacances2026",
        "password2": "Vacances2026",
        "subscriber_code": code,
        "accept_terms": "on",
        "captcha": solve(),
        **changes,
    }
    return client.post(reverse("account_signup"), form, REMOTE_ADDR=address)


def errors_beside(response, field: str) -> list[str]:
    page = unescape(response.content.decode())
    block = re.search(rf'<div class="errors" id="id_{field}_error">(.*?)</div>', page, re.DOTALL)
    return re.findall(r"<p>(.*?)</p>", block.group(1)) if block else []


def test_a_wrong_code_is_said_beside_the_field_and_no_account_is_made(client, site, captcha):
    FamilyFactory(subscriber_code="DURANT2026")
    response = signup(client, captcha, code="DURANT2025")
    assert response.status_code == 200
    assert errors_beside(response, "subscriber_code") == [UNKNOWN]
    assert 'value="DURANT2025"' in response.content.decode()
    assert not User.objects.exists() and not mail.outbox


def test_a_right_code_goes_on_to_the_confirmation_e_mail(client, site, captcha):
    FamilyFactory(subscriber_code="DURANT2026")
    response = signup(client, captcha, code="durant 2026")
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.get().pending_subscriber_code == "DURANT2026"


def test_no_code_is_checked_before_the_anti_robot_check(client, site, captcha):
    response = signup(client, captcha, code="NOPE", captcha="")
    assert errors_beside(response, "subscriber_code") == [] and errors_beside(response, "captcha")
    for _ in range(6):
        signup(client, captcha, code="NOPE", captcha="")
    FamilyFactory(subscriber_code="DURANT2026")
    assert signup(client, captcha, code="DURANT2026").status_code == 302


def test_wrong_codes_are_throttled_per_address(client, site, captcha, settings):
    settings.SUBSCRIPTION_RATE = "3/h"
    FamilyFactory(subscriber_code="DURANT2026")
    for attempt in range(3):
        assert errors_beside(signup(client, captcha, code=f"ESSAI{attempt}"), "subscriber_code") == [UNKNOWN]
    # Even the right code is refused from that address for a while; another visitor is not held back.
    assert errors_beside(signup(client, captcha, code="DURANT2026"), "subscriber_code") == [THROTTLED]
    response = signup(client, captcha, code="DURANT2026", email="voisin@example.org", address=NEIGHBOUR)
    assert response.status_code == 302
