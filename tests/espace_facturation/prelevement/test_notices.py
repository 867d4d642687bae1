"""The pre-notice of a debit: the amount and the date, e-mailed to the family at least the régie's notice days
before (14 by default), once per invoice; the invoice says «Prélèvement le 15/01/2027» instead of «Payer en ligne»."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from espace_facturation import debits
from espace_facturation.models import DebitNotice
from notifications.models import OutboxMessage

from ..factories import text
from .helpers import DUE, NOTICE_DAY, debit_household, debit_regie

pytestmark = pytest.mark.django_db


def test_the_notice_goes_fourteen_days_before_the_debit_and_says_amount_and_date():
    the_regie = debit_regie()
    invoice, parent, mandate = debit_household(the_regie)

    assert debits.debit_notices_send(today=date(2026, 12, 31)) == []
    sent = debits.debit_notices_send(today=NOTICE_DAY)

    assert [notice.invoice for notice in sent] == [invoice]
    notice = DebitNotice.objects.get()
    assert notice.debit_on == DUE and notice.amount == invoice.amount and notice.sent_on == NOTICE_DAY
    email = OutboxMessage.objects.get(kind="debit_notice")
    assert email.to_email == parent.email
    assert "15/01/2027" in email.subject and "8,40" in email.subject
    assert "2026-0001" in email.body_text and mandate.reference in email.body_text
    assert "FR12ZZZ123456" in email.body_text


def test_the_notice_is_sent_once_per_invoice():
    the_regie = debit_regie()
    debit_household(the_regie)
    debits.debit_notices_send(today=NOTICE_DAY)

    assert debits.debit_notices_send(today=date(2027, 1, 2)) == []
    assert DebitNotice.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="debit_notice").count() == 1


def test_a_late_notice_moves_the_debit_so_that_the_family_has_its_notice_days():
    the_regie = debit_regie()
    debit_household(the_regie)

    debits.debit_notices_send(today=date(2027, 1, 10))

    assert DebitNotice.objects.get().debit_on == date(2027, 1, 24)


def test_the_regie_sets_its_own_notice_days():
    the_regie = debit_regie(debit_notice_days=5)
    debit_household(the_regie)

    assert debits.debit_notices_send(today=date(2027, 1, 9)) == []
    assert len(debits.debit_notices_send(today=date(2027, 1, 10))) == 1


def test_a_family_not_on_direct_debit_gets_no_notice():
    from ..factories import billed_household

    billed_household(debit_regie())

    assert debits.debit_notices_send(today=NOTICE_DAY) == []


def test_the_command_lists_in_a_dry_run_and_then_sends(time_machine):
    the_regie = debit_regie()
    debit_household(the_regie)
    time_machine.move_to("2027-01-01T07:00:00+01:00")
    out = io.StringIO()

    call_command("debit_notices", "--dry-run", stdout=out)

    said = out.getvalue()
    assert "Simulation" in said and "DURANT : facture 2026-0001, 8,40" in said and "le 15/01/2027" in said
    assert "1 pré-notification(s) de prélèvement seraient envoyées." in said
    assert not DebitNotice.objects.exists()
    out = io.StringIO()
    call_command("debit_notices", stdout=out)
    assert "1 pré-notification(s) de prélèvement envoyée(s)." in out.getvalue()
    out = io.StringIO()
    call_command("debit_notices", stdout=out)
    assert "0 pré-notification(s)" in out.getvalue()


def test_the_family_reads_debit_date_instead_of_pay_online(client, site):
    the_regie = debit_regie()
    invoice, parent, _ = debit_household(the_regie)
    client.force_login(parent)

    listing = text(client.get("/espace-facturation/factures/"))
    detail = text(client.get(f"/espace-facturation/factures/{invoice.pk}/"))

    assert "Prélèvement le 15/01/2027" in listing and "Payer en ligne<span" not in listing
    assert "Prélèvement le 15/01/2027" in detail and "Payer en ligne 8,40" not in detail
