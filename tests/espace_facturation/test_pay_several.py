"""«Payer en ligne» of several invoices ticked in «Mes Factures»: one online payment of their sum, one transaction with
the bank (the simulator, PayFiP), one Payment allocated to each invoice on the bank's confirmation; refusals shown
beside the list with nothing written; the form sent twice opens one payment."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from espace_facturation import payments, services
from espace_facturation.exceptions import PaymentError
from espace_facturation.models import (
    InvoiceState,
    OnlinePayment,
    OnlinePaymentShare,
    OnlinePaymentState,
    Payment,
    PaymentAllocation,
    PaymentBackend,
    PaymentKind,
)
from notifications.models import OutboxMessage
from tests.factories import ActivityFactory

from .factories import book, cashier, household, regie, text
from .prelevement.helpers import debit_regie, generated_batch
from .test_payfip import payfip  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
D = Decimal
LIST = reverse("espace_facturation:invoices")
PAY = reverse("espace_facturation:invoices_pay")
OCTOBER_MONDAYS = [date(2026, 10, 5), date(2026, 10, 12)]
NOVEMBER_MONDAYS = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]


def invoice_of(the_regie, family, child, *, month, days, price="2.10"):
    """The régie invoices the family for the child's booked days of the month (through the real invoicing)."""
    activity = ActivityFactory(label="Péri SOIR", price=D(price))
    the_regie.activities.add(activity)
    book(child, activity, days)
    by = cashier()
    draft = services.invoicing_preview(regie=the_regie, month=month, family_ids=[family.pk], by=by)
    return services.invoice_issue(draft=draft, family=family, issued_on=month.replace(month=month.month + 1), by=by)


@pytest.fixture
def the_regie(site):
    return regie()


@pytest.fixture
def family_with_two(the_regie):
    """The DURANT family: October's invoice (4,20 €) and November's (8,40 €), both to pay at one régie."""
    family, child, parent = household()
    october = invoice_of(the_regie, family, child, month=date(2026, 10, 1), days=OCTOBER_MONDAYS)
    november = invoice_of(the_regie, family, child, month=date(2026, 11, 1), days=NOVEMBER_MONDAYS)
    return october, november, parent


@pytest.fixture
def signed_in(client, family_with_two):
    client.force_login(family_with_two[2])
    return family_with_two


def ticks(*invoices):
    return {"invoice": [str(invoice.pk) for invoice in invoices]}


def nothing_written():
    return not OnlinePayment.objects.exists() and not OnlinePaymentShare.objects.exists()


def test_a_parent_ticks_two_invoices_and_pays_them_at_once_with_the_simulator(client, signed_in):
    october, november, parent = signed_in
    page = text(client.get(LIST))
    assert "Payer en ligne les factures cochées" in page
    for invoice in (october, november):
        assert f'name="invoice" value="{invoice.pk}" id="cocher-{invoice.pk}" checked' in page

    response = client.post(PAY, ticks(october, november))

    online = OnlinePayment.objects.get()
    assert response["Location"] == reverse("espace_facturation:simulator", args=[online.order_id])
    assert online.amount == D("12.60") and online.state == OnlinePaymentState.STARTED
    shares = {share.invoice_id: share.amount for share in online.shares.all()}
    assert shares == {october.pk: D("4.20"), november.pk: D("8.40")}
    bank = text(client.get(response["Location"]))
    assert f"{october.number}, {november.number}" in bank and "12,60\u00a0€" in bank

    back = client.post(response["Location"], {"choice": "accepted"}, follow=True)

    assert f"pour les factures {october.number}, {november.number} est enregistré" in text(back)
    payment = Payment.objects.get()
    assert payment.kind == PaymentKind.ONLINE and payment.amount == D("12.60")
    allocations = {row.invoice_id: row.amount for row in PaymentAllocation.objects.filter(payment=payment)}
    assert allocations == {october.pk: D("4.20"), november.pk: D("8.40")}
    for invoice in (october, november):
        invoice.refresh_from_db()
        assert invoice.state == InvoiceState.PAID
        detail = text(client.get(reverse("espace_facturation:invoice_detail", args=[invoice.pk])))
        assert "<dt>Etat</dt><dd>Payée</dd>" in detail
    assert "Payer en ligne les factures cochées" not in text(client.get(LIST))
    email = OutboxMessage.objects.get(kind="payment_received", to_email=parent.email)
    assert "12,60\u00a0€" in email.body_text
    assert f"Facture {october.number} : réglée." in email.body_text
    assert f"Facture {november.number} : réglée." in email.body_text
    [started] = ModelLogEntry.objects.filter(action="portail.online_payment.start")
    assert started.data["invoices"] == [october.number, november.number] and started.user_id == parent.pk
    assert ModelLogEntry.objects.filter(action="portail.payment.record").count() == 1
    assert ModelLogEntry.objects.filter(action="portail.online_payment.paid").count() == 1


def test_the_form_sent_twice_opens_one_payment_and_the_notification_twice_records_once(client, signed_in):
    october, november, _ = signed_in
    first = client.post(PAY, ticks(october, november))
    second = client.post(PAY, ticks(november, october))
    assert first["Location"] == second["Location"] and OnlinePayment.objects.count() == 1
    online = OnlinePayment.objects.get()
    for _ in range(2):
        client.post(first["Location"], {"choice": "accepted"})
    outcome = payments.Outcome(result=OnlinePaymentState.PAID, transaction_id="again", amount=online.amount)
    payments.online_payment_notify(payment=online, outcome=outcome)
    assert Payment.objects.count() == 1 and PaymentAllocation.objects.count() == 2
    october.refresh_from_db()
    assert october.amount_paid == D("4.20")


@pytest.mark.parametrize("choice", ["refused", "abandon"])
def test_a_refused_or_abandoned_group_leaves_every_invoice_to_pay_and_free_to_pay_again(client, signed_in, choice):
    october, november, _ = signed_in
    bank = client.post(PAY, ticks(october, november))["Location"]
    back = text(client.post(bank, {"choice": choice}, follow=True))
    assert f"Les factures {october.number}, {november.number} restent à payer." in back
    for invoice in (october, november):
        invoice.refresh_from_db()
        assert invoice.state == InvoiceState.TO_PAY and invoice.amount_paid == 0
    assert not Payment.objects.exists()
    assert not OnlinePaymentShare.objects.filter(in_flight=True).exists()
    assert client.post(PAY, ticks(october, november)).status_code == 302
    assert client.post(reverse("espace_facturation:invoice_pay", args=[october.pk])).status_code == 302
    assert OnlinePayment.objects.filter(state=OnlinePaymentState.STARTED).count() == 1


def test_the_banks_page_expired_closes_the_group_before_another(client, signed_in, settings):
    settings.ONLINE_PAYMENT_TIMEOUT_MINUTES = 5
    october, november, _ = signed_in
    client.post(PAY, ticks(october, november))
    old = OnlinePayment.objects.get()
    OnlinePayment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    assert client.post(reverse("espace_facturation:invoice_pay", args=[november.pk])).status_code == 302
    old.refresh_from_db()
    assert old.state == OnlinePaymentState.EXPIRED
    assert OnlinePayment.objects.get(state=OnlinePaymentState.STARTED).amount == D("8.40")


def test_an_invoice_in_a_group_in_flight_is_not_paid_alone_nor_in_another_group(client, signed_in):
    october, november, parent = signed_in
    third = invoice_of(
        october.regie, october.family, october.family.children.get(), month=date(2026, 9, 1), days=[date(2026, 9, 7)]
    )
    payments.online_payment_start(invoices=[october, november], by=parent)  # another tab

    refused = client.post(PAY, ticks(november, third))
    assert refused.status_code == 400
    assert f"Un paiement en ligne est déjà en cours pour la facture {november.number}" in text(refused)
    alone = text(client.post(reverse("espace_facturation:invoice_pay", args=[october.pk]), follow=True))
    assert "Un paiement en ligne est déjà en cours pour cette facture, avec d'autres factures" in alone
    detail = text(client.get(reverse("espace_facturation:invoice_detail", args=[november.pk])))
    assert "Un paiement en ligne est déjà en cours pour cette facture." in detail
    assert OnlinePayment.objects.count() == 1 and OnlinePaymentShare.objects.count() == 2


def test_invoices_of_two_regies_are_not_paid_together(client, signed_in):
    october, november, _ = signed_in
    other = invoice_of(
        regie(name="Regie Restauration"),
        october.family,
        october.family.children.get(),
        month=date(2026, 11, 1),
        days=NOVEMBER_MONDAYS[:1],
    )
    page = text(client.get(LIST))
    assert f'value="{other.pk}" id="cocher-{other.pk}">' in page  # across régies, nothing ticked beforehand
    response = client.post(PAY, ticks(october, other))
    assert response.status_code == 400
    page = text(response)
    assert "Les factures de régies différentes se paient séparément" in page
    assert 'role="alert" id="payer-ensemble-erreur"' in page
    assert f'value="{other.pk}" id="cocher-{other.pk}" checked' in page  # the parent's ticks are kept
    assert nothing_written()


def test_a_paid_invoice_or_none_ticked_is_refused_beside_the_list(client, signed_in):
    october, november, _ = signed_in
    payments.payment_record(
        regie=october.regie,
        family=october.family,
        kind=PaymentKind.CASH,
        amount=D("4.20"),
        paid_on=date(2026, 12, 9),
        by=cashier(),
    )
    response = client.post(PAY, ticks(october, november))
    assert response.status_code == 400
    assert f"Plus rien n'est à payer sur la facture {october.number} : décochez-la." in text(response)
    empty = client.post(PAY, {})
    assert empty.status_code == 400 and "Cochez au moins une facture à payer." in text(empty)
    assert nothing_written()


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "9" * 30, "²"])
def test_a_malformed_invoice_id_is_not_found(client, signed_in, value):
    october, _, _ = signed_in
    assert client.post(PAY, {"invoice": [str(october.pk), value]}).status_code == 404
    assert nothing_written()


def test_another_familys_invoice_in_the_form_gives_404_and_writes_nothing(client, signed_in, the_regie):
    october, _, _ = signed_in
    family, child, _ = household("ETRANGER")
    foreign = invoice_of(the_regie, family, child, month=date(2026, 11, 1), days=NOVEMBER_MONDAYS[:1])
    assert client.post(PAY, ticks(october, foreign)).status_code == 404
    assert client.post(PAY, ticks(foreign)).status_code == 404
    assert nothing_written()


def test_anonymous_visitors_are_sent_to_the_login(client, family_with_two):
    october, november, _ = family_with_two
    response = client.post(PAY, ticks(october, november))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert nothing_written()


def test_the_service_refuses_a_stranger_and_an_invoice_being_debited():
    from django.core.exceptions import PermissionDenied

    the_regie = debit_regie()
    debited = generated_batch(the_regie).transactions.get().invoice
    family = debited.family
    parent = family.subscriptions.get().user
    child = family.children.get()
    more = invoice_of(the_regie, family, child, month=date(2026, 10, 1), days=OCTOBER_MONDAYS)
    with pytest.raises(PaymentError, match=f"Votre banque règle par prélèvement la facture {debited.number}"):
        payments.online_payment_start(invoices=[more, debited], by=parent)
    _, _, stranger = household("ETRANGER")
    with pytest.raises(PermissionDenied):
        payments.online_payment_start(invoices=[more], by=stranger)
    assert nothing_written()


# PayFiP ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def payfip_family(site, client):
    the_regie = regie(payment_backend=PaymentBackend.PAYFIP, payfip_client_id="123456")
    family, child, parent = household()
    october = invoice_of(the_regie, family, child, month=date(2026, 10, 1), days=OCTOBER_MONDAYS)
    november = invoice_of(the_regie, family, child, month=date(2026, 11, 1), days=NOVEMBER_MONDAYS)
    client.force_login(parent)
    return october, november


def test_payfip_gets_one_transaction_of_the_sum_whose_refdet_names_the_group(client, payfip_family, payfip):  # noqa: F811
    october, november = payfip_family
    recorded = payfip()
    response = client.post(PAY, ticks(october, november))
    assert response["Location"] == "https://www.payfip.gouv.fr/tpa/paiementws.web?idop=IDOP123456"
    online = OnlinePayment.objects.get()
    [request] = recorded.sent
    objet = f"Factures {october.number} {november.number}".replace("-", " ")
    for expected in ("<montant>1260</montant>", f"<refdet>{online.order_id}</refdet>", f"<objet>{objet}</objet>"):
        assert expected in request, expected
    assert online.transaction_id == "IDOP123456" and online.shares.count() == 2


def test_payfips_notification_of_the_group_pays_each_invoice_once(client, payfip_family, payfip):  # noqa: F811
    october, november = payfip_family
    payfip()
    client.post(PAY, ticks(october, november))
    payfip(result="P", montant="1260")
    url = reverse("espace_facturation:payfip_notify") + "?idop=IDOP123456"
    assert client.post(url).status_code == 200 and client.post(url).status_code == 200
    payment = Payment.objects.get()
    assert payment.amount == D("12.60") and payment.reference == "3fd945"
    allocations = {row.invoice_id: row.amount for row in payment.allocations.all()}
    assert allocations == {october.pk: D("4.20"), november.pk: D("8.40")}
    for invoice in (october, november):
        invoice.refresh_from_db()
        assert invoice.state == InvoiceState.PAID


def test_less_taken_by_payfip_settles_the_oldest_invoice_first(client, payfip_family, payfip):  # noqa: F811
    october, november = payfip_family
    payfip()
    client.post(PAY, ticks(october, november))
    payfip(result="P", montant="500")
    client.post(reverse("espace_facturation:payfip_notify") + "?idop=IDOP123456")
    october.refresh_from_db()
    november.refresh_from_db()
    assert (october.state, october.amount_paid) == (InvoiceState.PAID, D("4.20"))
    assert (november.state, november.amount_paid) == (InvoiceState.PARTIAL, D("0.80"))
    assert ModelLogEntry.objects.filter(action="portail.online_payment.amount_mismatch").exists()
