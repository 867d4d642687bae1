"""Amounts received at the counter: zero, negative, fractions of a cent and typing errors far above what the
family owes are refused with a French message beside the field; a hostile query string is no error."""

import re
from datetime import date
from decimal import Decimal

import pytest

from espace_facturation import payments, rules
from espace_facturation.exceptions import PaymentError
from espace_facturation.models import Payment, PaymentKind
from tests.intents import submit

from .factories import billed_household, cashier, regie, text
from .test_billing_admin import PAYMENT

pytestmark = pytest.mark.django_db
D = Decimal


def error_beside(page: str, field: str) -> str:
    """The error text a Wagtail admin form shows in the block of `field`."""
    match = re.search(rf'data-contentpath="{field}">\s*<div class="w-field__errors"[^>]*>(.*?)</div>', page, re.S)
    return " ".join(match.group(1).split()) if match else ""


@pytest.fixture
def the_regie(site):
    return regie()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "Le montant reçu doit être supérieur à zéro."),
        ("-8.40", "Le montant reçu doit être supérieur à zéro."),
        ("8.405", "Le montant reçu a au plus deux chiffres après la virgule (les centimes)."),
        ("840", "Le montant reçu dépasse de plus de 50,00 € ce que la famille doit à cette régie (8,40 €)"),
    ],
)
def test_a_wrong_counter_amount_is_refused_beside_the_field(client, regisseur, the_regie, amount, message):
    invoice, _ = billed_household(the_regie)
    url = f"{PAYMENT}?family={invoice.family.pk}&regie={the_regie.pk}"
    response = submit(client, url, {"kind": "cash", "reference": "", "paid_on": "2026-12-10", "amount": amount})
    assert response.status_code == 400 and message in error_beside(text(response), "amount")
    assert not Payment.objects.exists()


def test_a_french_amount_with_a_comma_is_read(client, regisseur, the_regie):
    invoice, _ = billed_household(the_regie)
    url = f"{PAYMENT}?family={invoice.family.pk}&regie={the_regie.pk}"
    submit(client, url, {"kind": "cash", "reference": "", "paid_on": "2026-12-10", "amount": "8,40"})
    assert Payment.objects.get().amount == D("8.40")


@pytest.mark.parametrize("amount", ["8.401", "0", "-1", "58.41"])
def test_the_service_refuses_what_the_form_refuses(the_regie, amount):
    """A fraction of a cent is no longer rounded away, and the limit holds under the lock too."""
    invoice, _ = billed_household(the_regie)
    with pytest.raises(PaymentError):
        payments.payment_record(
            regie=the_regie,
            family=invoice.family,
            kind=PaymentKind.CASH,
            amount=D(amount),
            paid_on=date(2026, 12, 10),
            by=cashier(),
        )
    assert not Payment.objects.exists()


@pytest.mark.parametrize("query", ["family=abc", "family=1.5", "family=99999999999999999999", "regie=abc&family=-1"])
def test_a_hostile_query_string_shows_the_form_without_a_family(client, regisseur, the_regie, query):
    response = client.get(f"{PAYMENT}?{query}")
    assert response.status_code == 200 and "Choisissez une famille" in text(response)


def test_the_rule_accepts_a_little_more_than_due_and_refuses_a_typing_error():
    due, tolerance = D("84.00"), D("50.00")
    assert rules.counter_amount_problem(amount=D("100.00"), due=due, tolerance=tolerance) == ""
    assert rules.counter_amount_problem(amount=D("134.00"), due=due, tolerance=tolerance) == ""
    assert "vérifiez la saisie" in rules.counter_amount_problem(amount=D("8400"), due=due, tolerance=tolerance)
    assert "deux chiffres" in rules.counter_amount_problem(amount=D("84.001"), due=due, tolerance=tolerance)
