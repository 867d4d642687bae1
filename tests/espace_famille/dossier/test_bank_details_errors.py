"""A wrong IBAN or BIC is refused beside its field in plain French, on the parent's page and in the admin's form."""

import re
from html import unescape

import pytest
from django.urls import reverse

from commun.forms import BIC_INVALID, IBAN_INVALID, IBAN_OUTSIDE_SEPA, BicField, IbanField
from espace_famille.demandes.models import Request
from tests.espace_famille.modifications.page_form import edit_and_submit
from tests.factories import PASSWORD, FamilyFactory, GuardianFactory, parent_of

pytestmark = pytest.mark.django_db


def errors_beside(response, field: str) -> list[str]:
    page = unescape(response.content.decode())
    block = re.search(rf'<div class="errors" id="id_{field}_error">(.*?)</div>', page, re.DOTALL)
    return re.findall(r"<p>(.*?)</p>", block.group(1)) if block else []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("FR76 3000 6000 0112 3456 7890 180", IBAN_INVALID),  # a wrong key
        ("FR76 3000 6000 0112 3456 7890", IBAN_INVALID),  # too short
        ("FR76 3000 6000 0112 3456 7890 18X", IBAN_INVALID),
        ("ZZ12 3456", IBAN_INVALID),  # no such country
        ("BR15 0000 0000 0000 1093 2840 814P 2", IBAN_OUTSIDE_SEPA),  # a valid Brazilian IBAN
    ],
)
def test_the_iban_error_says_in_plain_words_what_to_check(client, site, typed, message):
    family = FamilyFactory()
    guardian = GuardianFactory(family=family)
    client.force_login(parent_of(family))
    url = reverse("espace_famille:guardian_edit", args=[guardian.pk])
    response = edit_and_submit(client, url, {"bank-iban": typed, "bank-bic": "AGRIFRPP882", "bank-password": PASSWORD})
    assert response.status_code == 400
    assert errors_beside(response, "bank-iban") == [message]
    assert not Request.objects.exists()


def test_the_messages_are_plain_french():
    assert IBAN_INVALID == (
        "Cet IBAN n'est pas valide : vérifiez les chiffres (FR76 …, 27 caractères pour un compte français)."
    )


def test_a_wrong_bic_is_said_plainly(client, site):
    family = FamilyFactory()
    guardian = GuardianFactory(family=family)
    client.force_login(parent_of(family))
    url = reverse("espace_famille:guardian_edit", args=[guardian.pk])
    response = edit_and_submit(
        client,
        url,
        {"bank-iban": "FR76 3000 6000 0112 3456 7890 189", "bank-bic": "AGRI", "bank-password": PASSWORD},
    )
    assert errors_beside(response, "bank-bic") == [BIC_INVALID]


def test_the_fields_accept_good_bank_details():
    assert IbanField().clean("fr76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    assert BicField().clean("agrifrpp882") == "AGRIFRPP882"
