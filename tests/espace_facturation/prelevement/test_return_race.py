"""The same bank return imported twice at the same moment (two régisseurs, or a double submission) after the lot was
settled: the payment cancelled once, one fee, one e-mail (PostgreSQL only: threads with their own connections)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from wagtail.models import ModelLogEntry

from espace_facturation import debit_returns, debits
from espace_facturation.models import DebitState, Invoice, InvoiceState, Payment
from notifications.models import OutboxMessage
from tests.races import RaceWindow, at_the_same_moment

from .helpers import CAMT054, debit_regie, generated_batch, regisseur_user, return_file

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL: SQLite serialises whole transactions (set DATABASE_URL to run this)",
    ),
]


def test_the_same_return_imported_twice_at_once_is_recorded_once(site, monkeypatch):
    the_regie = debit_regie(debit_rejection_fee=Decimal("5.00"))
    batch = generated_batch(the_regie, "DURANT", "ADERNO")
    rejected = batch.transactions.get(invoice__family__name="DURANT")
    accepted = batch.transactions.get(invoice__family__name="ADERNO")
    debits.batches_settle(today=date(2027, 1, 16))
    content = return_file(CAMT054, batch, rejected, accepted, day=date(2027, 1, 20))
    by = regisseur_user()
    window = RaceWindow()
    real = debit_returns.debit_reject

    def reject_after_both_read(**kwargs):
        # Both imports have read the debit as not rejected yet: only the lock on its row orders them.
        window.hold()
        return real(**kwargs)

    monkeypatch.setattr(debit_returns, "debit_reject", reject_after_both_read)
    outcomes = []
    at_the_same_moment(
        *[lambda: outcomes.append(debit_returns.debit_return_import(content=content, by=by)) for _ in range(2)],
        window=window,
    )

    assert sorted(len(outcome.rejected) for outcome in outcomes) == [0, 1]
    assert sorted(len(outcome.already) for outcome in outcomes) == [0, 1]
    rejected.refresh_from_db()
    assert rejected.state == DebitState.REJECTED and rejected.fee_invoice is not None
    assert Invoice.objects.get(pk=rejected.invoice_id).state == InvoiceState.TO_PAY
    assert Payment.objects.get(debit=rejected).cancelled_on == date(2027, 1, 20)
    assert ModelLogEntry.objects.filter(action="portail.payment.cancel").count() == 1
    assert Invoice.objects.filter(family=rejected.invoice.family).count() == 2  # the invoice and one fee
    assert OutboxMessage.objects.filter(kind="debit_rejected").count() == 1
