"""Reminders of unpaid invoices: at each of the régie's delays after the due date, once per level, an e-mail to the
family's accounts or a letter to print for a family without one; a payment under way stops them; the régie reads
them in Facturation › Relances and exports them."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from commun.clock import PARIS
from espace_facturation import payments, reminders, rules
from espace_facturation.models import DebitNotice, PaymentKind, Reminder, ReminderChannel
from espace_famille.dossier.models import Subscription
from notifications.models import OutboxMessage
from tests.exports import csv_rows

from .factories import billed_household, cashier, regie, staff, text
from .test_parent_screens import pdf_text

pytestmark = pytest.mark.django_db
D = Decimal
# The invoices of billed_household are issued on 05/12/2026, due on 04/01/2027.
FIFTEEN_DAYS_LATE = date(2027, 1, 19)
THIRTY_DAYS_LATE = date(2027, 2, 3)


@pytest.fixture
def invoice(site):
    return billed_household(regie(reminder_days="15, 30"))[0]


def send(today):
    return reminders.reminders_send(today=today)


def test_the_delays_are_whole_days_each_once():
    assert rules.reminder_delays("30, 15") == [15, 30] and rules.reminder_delays("") == []
    for wrong in ("abc", "15, 15", "0", "400", "15.5", "-3", "<script>"):
        with pytest.raises(ValidationError):
            rules.reminder_delays(wrong)


def test_the_level_due_is_the_latest_reached_and_never_sent_again():
    due = date(2027, 1, 4)
    level = rules.reminder_level_due
    assert level(due_on=due, today=date(2027, 1, 18), delays=[15, 30], sent_levels=set()) is None
    assert level(due_on=due, today=FIFTEEN_DAYS_LATE, delays=[15, 30], sent_levels=set()) == 1
    assert level(due_on=due, today=date(2027, 1, 25), delays=[15, 30], sent_levels={1}) is None
    assert level(due_on=due, today=THIRTY_DAYS_LATE, delays=[15, 30], sent_levels={1}) == 2
    assert level(due_on=due, today=THIRTY_DAYS_LATE, delays=[15, 30], sent_levels=set()) == 2
    assert level(due_on=due, today=date(2027, 6, 1), delays=[15, 30], sent_levels={2}) is None


def test_fifteen_days_late_the_family_gets_an_email_once(invoice):
    assert send(date(2027, 1, 18)) == []
    [reminder] = send(FIFTEEN_DAYS_LATE)
    assert (reminder.level, reminder.delay_days, reminder.channel) == (1, 15, ReminderChannel.EMAIL)
    assert reminder.recipients == "durant@example.org" and reminder.amount_due == D("8.40")
    email = OutboxMessage.objects.get(kind="invoice_reminder")
    assert email.to_email == "durant@example.org"
    assert email.subject == f"Portail citoyen : rappel, facture {invoice.number} à régler"
    assert "il reste 8,40\u00a0€ à payer" in email.body_text and "04/01/2027" in email.body_text
    assert f"/espace-facturation/factures/{invoice.pk}/" in email.body_text + email.body_html
    # Run again the same day, or the next: nothing more.
    assert send(FIFTEEN_DAYS_LATE) == [] and send(date(2027, 1, 20)) == []
    assert OutboxMessage.objects.filter(kind="invoice_reminder").count() == 1


def test_thirty_days_late_the_second_reminder_then_nothing(invoice):
    send(FIFTEEN_DAYS_LATE)
    [second] = send(THIRTY_DAYS_LATE)
    assert second.level == 2 and second.delay_days == 30
    assert send(date(2027, 3, 1)) == []
    assert list(Reminder.objects.order_by("level").values_list("level", flat=True)) == [1, 2]


def test_a_run_missed_for_weeks_sends_only_the_latest_reminder(invoice):
    assert [r.level for r in send(date(2027, 2, 10))] == [2]
    assert OutboxMessage.objects.filter(kind="invoice_reminder").count() == 1


def test_a_paid_invoice_is_not_reminded_a_partly_paid_one_says_what_is_left(invoice):
    payments.payment_record(
        regie=invoice.regie,
        family=invoice.family,
        kind=PaymentKind.CASH,
        amount=D("3.00"),
        paid_on=date(2027, 1, 10),
        by=cashier(),
    )
    [reminder] = send(FIFTEEN_DAYS_LATE)
    assert reminder.amount_due == D("5.40")
    payments.payment_record(
        regie=invoice.regie,
        family=invoice.family,
        kind=PaymentKind.CASH,
        amount=D("5.40"),
        paid_on=date(2027, 1, 25),
        by=cashier(),
    )
    assert send(THIRTY_DAYS_LATE) == []


def test_an_online_payment_under_way_stops_the_reminders(invoice):
    online = payments.online_payment_start(invoices=[invoice], by=Subscription.objects.get().user)
    assert invoice not in reminders.invoices_to_remind(today=FIFTEEN_DAYS_LATE)
    assert send(FIFTEEN_DAYS_LATE) == [] and not Reminder.objects.exists()
    payments.online_payment_expire(payment=online, reason="abandon")
    assert [r.level for r in send(FIFTEEN_DAYS_LATE)] == [1]


def test_a_payment_page_abandoned_long_ago_stops_nothing(invoice, time_machine):
    time_machine.move_to(datetime(2027, 1, 19, 8, 30, tzinfo=PARIS), tick=False)
    online = payments.online_payment_start(invoices=[invoice], by=Subscription.objects.get().user)
    assert send(FIFTEEN_DAYS_LATE) == []
    # Left on the bank's page since the day before: no payment is under way any more.
    type(online).objects.filter(pk=online.pk).update(created_at=datetime(2027, 1, 18, 8, 0, tzinfo=PARIS))
    assert [r.level for r in send(FIFTEEN_DAYS_LATE)] == [1]


def test_a_regie_without_delays_reminds_nobody(site):
    billed_household(regie(reminder_days=""))
    assert send(THIRTY_DAYS_LATE) == []


def test_a_family_without_an_account_gets_a_letter_to_print(client, invoice):
    Subscription.objects.all().delete()
    [reminder] = send(FIFTEEN_DAYS_LATE)
    assert reminder.channel == ReminderChannel.LETTER and "1 rue de la Paix" in reminder.recipients
    assert not OutboxMessage.objects.filter(kind="invoice_reminder").exists()
    client.force_login(staff("Régisseurs"))
    response = client.get(reverse("espace_facturation_reminder_letter", args=[reminder.pk]))
    content = pdf_text(response)
    for expected in (
        f"Relance n° 1 — facture n° {invoice.number}",
        "Famille DURANT",
        "il reste 8,40 € à payer",
        "04/01/2027",
        "Hôtel de ville",
    ):
        assert expected in content, expected


def test_the_regie_lists_filters_and_exports_the_reminders(client, invoice):
    send(FIFTEEN_DAYS_LATE)
    send(THIRTY_DAYS_LATE)
    client.force_login(staff("Régisseurs"))
    url = reverse("espace_facturation_reminder_modeladmin_index")
    page = text(client.get(url))
    assert "Relances" in page and page.count("Courrier<span") == 2
    rows = csv_rows(client.get(url, {"level": "2", "export": "csv"}))
    assert rows[0][:5] == ["Envoyée le", "Facture", "Famille", "Régie", "Relance n°"]
    assert [(row[1], row[4], row[6], row[8]) for row in rows[1:]] == [(invoice.number, "2", "E-mail", "8,40")]
    assert client.get(url, {"level": "<script>"}).status_code < 500


def test_a_parent_never_reads_the_reminders_admin(client, invoice):
    send(FIFTEEN_DAYS_LATE)
    client.force_login(Subscription.objects.get().user)
    reminder = Reminder.objects.get()
    assert client.get(reverse("espace_facturation_reminder_letter", args=[reminder.pk])).status_code in (302, 403)


def test_the_relances_command_lists_then_sends_once(invoice, time_machine):
    time_machine.move_to(datetime(2027, 1, 19, 8, 30, tzinfo=PARIS), tick=False)
    out = io.StringIO()
    call_command("relances", "--dry-run", stdout=out)
    assert f"DURANT : facture {invoice.number}, échue le 04/01/2027, reste 8,40" in out.getvalue()
    assert "Relances du 19/01/2027 : 1 relance serait envoyée." in out.getvalue() and not Reminder.objects.exists()
    out = io.StringIO()
    call_command("relances", stdout=out, stderr=io.StringIO())
    assert "Relances du 19/01/2027 : 1 relance envoyée (dont 0 courrier(s)" in out.getvalue()
    out = io.StringIO()
    call_command("relances", stdout=out, stderr=io.StringIO())
    assert "aucune relance envoyée" in out.getvalue() and Reminder.objects.count() == 1


def test_a_direct_debit_announced_stops_the_reminders_until_its_day_has_passed(site):
    from .prelevement.helpers import debit_household, debit_regie

    invoice, _parent, mandate = debit_household(debit_regie(reminder_days="15, 30"))
    late = date.fromordinal(invoice.due_on.toordinal() + 15)
    DebitNotice.objects.create(
        invoice=invoice, mandate=mandate, amount=invoice.amount, debit_on=late, sent_on=invoice.due_on
    )
    assert invoice not in reminders.invoices_to_remind(today=late)
    assert send(late) == [] and not Reminder.objects.exists()
    # The announced day gone without a debit (no lot, or a rejection): the invoice is unpaid, and reminded.
    assert [r.level for r in send(date.fromordinal(late.toordinal() + 1))] == [1]
