"""Private pages are never kept by a browser or a proxy; the demo's payment simulator pays nothing once it is off."""

import pytest
from django.urls import reverse

from espace_facturation.models import InvoiceState, OnlinePayment
from tests.espace_facturation.factories import billed_household, regie, text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.fixture
def parent(client, site):
    invoice, parent = billed_household(regie())
    client.force_login(parent)
    return invoice


def test_the_family_and_billing_spaces_are_never_stored(client, parent):
    for url in (
        reverse("espace_famille:mon_espace"),
        reverse("espace_famille:my_data"),
        reverse("espace_famille:home"),
        reverse("espace_famille:family_file"),
        reverse("espace_famille:planning"),
        reverse("espace_famille:requests"),
        reverse("justificatifs:list"),
        reverse("creche:start"),
        reverse("espace_facturation:home"),
        reverse("espace_facturation:invoices"),
        reverse("espace_facturation:invoice_detail", args=[parent.pk]),
        reverse("espace_facturation:payments"),
        reverse("account_email"),
        reverse("mfa_index"),
        # Refusals too: another family's invoice, an address that does not exist.
        reverse("espace_facturation:invoice_detail", args=[parent.pk + 1000]),
        "/espace-famille/nulle-part/",
    ):
        response = client.get(url)
        assert _no_store(response), f"{url} → {response.status_code} {response.get('Cache-Control')}"


def test_the_admin_is_never_stored(client, site):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for url in (
        "/admin/",
        "/admin/espace_famille/family/",
        "/admin/facturation/reglement/",
        "/admin/login/",
        "/admin/documents/chooser/chosen/x/",
    ):
        response = client.get(url)
        assert _no_store(response), f"{url} → {response.status_code} {response.get('Cache-Control')}"


def test_public_pages_may_be_cached(client, site):
    assert "no-store" not in client.get("/").get("Cache-Control", "")


def test_with_the_simulator_off_a_regie_set_to_it_offers_no_online_payment(client, parent, settings):
    client.post(reverse("espace_facturation:invoice_pay", args=[parent.pk]))
    online = OnlinePayment.objects.get()
    settings.PAYMENT_SIMULATOR = False
    assert "Payer en ligne<span" not in text(client.get(reverse("espace_facturation:invoices")))
    response = client.post(reverse("espace_facturation:invoice_pay", args=[parent.pk]), follow=True)
    assert "Cette régie ne propose pas le paiement en ligne." in text(response)
    simulator = reverse("espace_facturation:simulator", args=[online.order_id])
    assert client.post(simulator, {"choice": "accepted"}).status_code == 404
    parent.refresh_from_db()
    assert parent.state != InvoiceState.PAID
