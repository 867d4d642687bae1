"""Two generations of the same lot at the same moment make one lot, each invoice debited once (PostgreSQL only:
threads with their own connections)."""

import pytest
from django.db import connection

from espace_facturation import debits
from espace_facturation.models import DebitBatch, DebitTransaction
from tests.races import RaceWindow, at_the_same_moment

from .helpers import BEFORE_DEBIT, DUE, debit_regie, notified_household, regisseur_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL: SQLite serialises whole transactions (set DATABASE_URL to run this)",
    ),
]


def test_two_generations_at_once_make_one_lot(site, monkeypatch):
    the_regie = debit_regie()
    for name in ("DURANT", "ADERNO", "BLMAN"):
        notified_household(the_regie, name)
    by = regisseur_user()
    window = RaceWindow()
    # Both are inside the generation, before either takes the régie's lock: only that lock orders them.
    monkeypatch.setattr(debits.Regie.objects, "select_for_update", _hold_before(debits.Regie.objects, window))
    batches = []
    at_the_same_moment(
        *[
            lambda: batches.append(
                debits.batch_generate(regie=the_regie, collection_date=DUE, by=by, today=BEFORE_DEBIT)
            )
            for _ in range(2)
        ],
        window=window,
    )

    assert DebitBatch.objects.count() == 1 and DebitTransaction.objects.count() == 3
    assert len(batches) == 2 and batches[0].pk == batches[1].pk


def _hold_before(manager, window):
    real = manager.select_for_update

    def select_for_update(*args, **kwargs):
        window.hold()
        return real(*args, **kwargs)

    return select_for_update
