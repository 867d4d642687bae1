"""The régisseurs' forms are carried out once: a counter payment, a credit note, a run's «Émettre» or a refund
submitted twice (double click, Back then Enter, reload) is recorded once and says so."""

from decimal import Decimal

import pytest

from commun.intents import FIELD
from espace_facturation.models import Invoice, InvoicingRun, Payment
from tests.factories import ActivityFactory
from tests.intents import intent_in

from .factories import MONDAYS, billed_household, book, household, regie, text
from .test_billing_admin import PAYMENT, RUN

pytestmark = pytest.mark.django_db
D = Decimal
ALREADY_DONE = "Cette demande est déjà enregistrée."


@pytest.fixture
def the_regie(site):
    return regie()


def twice(client, url, data, page=None):
    """The same POST, same intent, sent twice: what the second answers, after its redirect."""
    token = intent_in(client.get(page or url))
    first = client.post(url, {**data, FIELD: token})
    assert first.status_code == 302, text(first)
    second = client.post(url, {**data, FIELD: token}, follow=True)
    return first, second


def test_a_counter_payment_submitted_twice_is_recorded_once(client, regisseur, the_regie):
    invoice, _ = billed_household(the_regie)
    url = f"{PAYMENT}?family={invoice.family.pk}&regie={the_regie.pk}"
    data = {"kind": "cheque", "reference": "564654646", "paid_on": "2026-12-10", "amount": "8.40"}
    first, second = twice(client, url, data)
    assert Payment.objects.count() == 1
    assert second.status_code == 200 and ALREADY_DONE in text(second)
    assert second.redirect_chain[-1][0] == first["Location"]


def test_a_credit_note_submitted_twice_is_issued_once(client, regisseur, the_regie):
    invoice, _ = billed_household(the_regie)
    url = f"/admin/facturation/factures/{invoice.pk}/avoir/"
    _, second = twice(client, url, {"amount": "2.10", "reason": "sortie scolaire"})
    assert invoice.credit_notes.count() == 1 and Invoice.objects.count() == 2
    assert ALREADY_DONE in text(second)


def test_the_runs_emettre_submitted_twice_starts_one_run(client, regisseur, the_regie):
    activity = ActivityFactory(price=D("2.10"))
    the_regie.activities.add(activity)
    book(household()[1], activity, MONDAYS)
    draft = client.post(RUN, {"regie": the_regie.pk, "month": "2026-11"})["Location"]
    first, second = twice(client, draft, {"issued_on": "2026-12-05"})
    run = InvoicingRun.objects.get()
    assert ALREADY_DONE in text(second) and second.redirect_chain[-1][0] == first["Location"]
    assert first["Location"] == f"/admin/facturation/mois/{run.pk}/" and Invoice.objects.count() == 1


def test_a_form_without_its_intent_or_for_another_family_is_refused_and_records_nothing(client, regisseur, the_regie):
    invoice, _ = billed_household(the_regie)
    other, _ = billed_household(the_regie, "AUTRE")
    data = {"kind": "cash", "reference": "", "paid_on": "2026-12-10", "amount": "8.40"}
    url = f"{PAYMENT}?family={invoice.family.pk}&regie={the_regie.pk}"
    response = client.post(url, data)
    assert response.status_code == 400 and "Cette page a expiré" in text(response)
    # The page shown was the other family's: its form cannot record a payment for this one.
    token = intent_in(client.get(f"{PAYMENT}?family={other.family.pk}&regie={the_regie.pk}"))
    response = client.post(url, {**data, FIELD: token})
    assert response.status_code == 400 and "Cette page a expiré" in text(response)
    assert not Payment.objects.exists()
