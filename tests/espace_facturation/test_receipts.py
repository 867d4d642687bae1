"""A receipt («Reçu») for every payment: «Mes Règlements» links each payment's receipt, a PDF that says who paid
what, when, how and which invoices it settled; the régisseur prints it at the counter; another family gets 404."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espace_facturation import payments
from espace_facturation.models import PaymentKind

from .factories import billed_household, cashier, household, regie, text
from .test_parent_screens import pdf_text

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def paid(site, client):
    the_regie = regie(signatory_name="Marie DUPONT", signatory_title="Régisseuse titulaire", siret="21920012300018")
    invoice, parent = billed_household(the_regie)
    payment = payments.payment_record(
        regie=the_regie,
        family=invoice.family,
        kind=PaymentKind.CHEQUE,
        amount=D("10.00"),
        paid_on=date(2026, 12, 9),
        reference="564654646",
        by=cashier(),
    )
    client.force_login(parent)
    return invoice, payment


def test_mes_reglements_has_a_recu_column_linking_each_payments_receipt(client, paid):
    invoice, payment = paid
    page = text(client.get(reverse("espace_facturation:payments")))
    assert '<th scope="col">Reçu</th>' in page
    assert reverse("espace_facturation:payment_receipt", args=[payment.pk]) in page
    assert f"du reçu de l'opération {payment.operation_number}" in page


def test_the_recu_column_costs_no_query_per_payment(client, paid):
    invoice, _ = paid
    url = reverse("espace_facturation:payments")
    client.get(url)  # the site's settings and menus, read once and kept
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for day in (10, 11, 12):
        payments.payment_record(
            regie=invoice.regie,
            family=invoice.family,
            kind=PaymentKind.CASH,
            amount=D("1.00"),
            paid_on=date(2026, 12, day),
            by=cashier(),
        )
    with CaptureQueriesContext(connection) as four:
        page = text(client.get(url))
    assert page.count("du reçu de l'opération") == 4 and len(four) == len(one)


def test_the_receipt_says_who_paid_what_when_how_and_which_invoice_it_settled(client, paid):
    invoice, payment = paid
    response = client.get(reverse("espace_facturation:payment_receipt", args=[payment.pk]))
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == f'attachment; filename="recu-{payment.operation_number}.pdf"'
    content = pdf_text(response)
    for expected in (
        f"Reçu n° {payment.operation_number}",
        "La régie Regie BL Enfance a reçu de la famille DURANT la somme de 10,00 €.",
        "09/12/2026",
        "Chèque 564654646",
        invoice.number,
        "8,40 €",
        "Trop-perçu : 1,60 € mis en avoir",
        "SIRET 21920012300018",
        "Marie DUPONT, Régisseuse titulaire",
        "Famille DURANT",
        "1 rue de la Paix",
    ):
        assert expected in content, expected


def test_another_familys_receipt_is_not_found_and_a_visitor_must_sign_in(client, paid):
    _, payment = paid
    url = reverse("espace_facturation:payment_receipt", args=[payment.pk])
    _, _, stranger = household("AUTRE")
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("pk", ["0", "99999999", "-1", "abc", "1e3"])
def test_hostile_receipt_addresses_give_404(client, paid, pk):
    assert client.get(f"/espace-facturation/reglements/{pk}/recu.pdf").status_code == 404


def test_the_regisseur_prints_the_receipt_at_the_counter(client, paid):
    _, payment = paid
    from .factories import staff

    client.force_login(staff("Régisseurs"))
    response = client.get(reverse("espace_facturation_receipt", args=[payment.pk]))
    assert response.status_code == 200 and f"Reçu n° {payment.operation_number}" in pdf_text(response)
    listing = text(client.get(reverse("espace_facturation_payment_modeladmin_index")))
    assert reverse("espace_facturation_receipt", args=[payment.pk]) in listing and ">Reçu<" in listing


def test_recording_a_payment_at_the_counter_offers_to_print_its_receipt(client, site):
    from espace_facturation.models import Payment

    from .factories import staff

    the_regie = regie()
    invoice, _ = billed_household(the_regie)
    client.force_login(staff("Régisseurs"))
    url = f"{reverse('espace_facturation_payment')}?family={invoice.family.pk}&regie={the_regie.pk}"
    form = text(client.get(url))
    intent = form.split('name="intent" value="')[1].split('"')[0]
    response = client.post(
        url,
        {"intent": intent, "kind": "cash", "reference": "", "paid_on": "2026-12-10", "amount": "8,40"},
        follow=True,
    )
    payment = Payment.objects.get()
    page = text(response)
    assert "Imprimer le reçu" in page and reverse("espace_facturation_receipt", args=[payment.pk]) in page


def test_a_parent_cannot_print_a_receipt_from_the_admin(client, paid):
    _, payment = paid
    assert client.get(reverse("espace_facturation_receipt", args=[payment.pk])).status_code in (302, 403)
