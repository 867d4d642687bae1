"""«À faire» is kept between two visits of the parent (commun.write_generation) and never shown stale: every write
to the database, a bulk update or a bulk insert too, shows at the next visit. These tests commit their writes
(transaction=True), as the portal does, so that the kept list is really used."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commun import write_generation
from espace_facturation.models import Invoice, InvoiceState
from espace_famille.dossier.models import Family
from espace_famille.messagerie.models import FamilyMessageRecipient
from espace_famille.planning.models import Booking, BookingState
from tests.commun.test_a_faire import MONDAY, busy_family, clock  # noqa: F401 (the clock fixture)
from tests.factories import FamilyFactory, parent_of

pytestmark = pytest.mark.django_db(transaction=True)
# The session and the account. The site, its identity, the home page and its cards, the page's view restrictions,
# the menus' badge and the kept list come from the cache, the family only when the list is rendered; Wagtail's bar
# and its permissions are for editors only.
HOME_BUDGET = 2


def _home(client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/")
    assert page.status_code == 200
    return page.content.decode(), [query["sql"] for query in captured]


def _tuesday(client) -> str:
    return _home(client)[0].split("Mardi 08/12/2026")[1].split("Mercredi")[0]


def test_the_list_is_read_from_the_cache_on_the_next_visit_within_the_budget(client, site):
    family = busy_family(FamilyFactory(name="MARTIN"), children=3)
    client.force_login(parent_of(family))
    first, _ = _home(client)

    again, queries = _home(client)

    assert "Facture MARTIN-0040 à payer" in again
    assert again.split("À faire")[1].split("</main>")[0] == first.split("À faire")[1].split("</main>")[0]
    assert len(queries) <= HOME_BUDGET, "\n".join(queries)
    read = " ".join(queries)
    for table in ("espace_facturation_invoice", "espace_famille_booking", "messagerie_familymessagerecipient"):
        assert table not in read


def test_a_change_shows_at_once_even_a_bulk_update_or_insert(client, site):
    family = busy_family(FamilyFactory(name="MARTIN"))
    client.force_login(parent_of(family))
    assert "Facture MARTIN-0040 à payer" in _home(client)[0]

    Invoice.objects.filter(number="MARTIN-0040").update(state=InvoiceState.PAID, amount_paid=45)  # no signal
    html = _home(client)[0]
    assert "MARTIN-0040" not in html and "Nouveau message : Sortie au musée" in html

    waiting_read = timezone.now()
    FamilyMessageRecipient.objects.filter(family=family).update(read_at=waiting_read)
    html = _home(client)[0]
    assert "Sortie au musée" not in html

    tuesday = MONDAY + timedelta(days=1)
    waiting = Booking.objects.get(child__family=family, day=tuesday)
    Booking.objects.filter(pk=waiting.pk).delete()
    assert "Rien de prévu." in _tuesday(client)
    Booking.objects.bulk_create(
        [
            Booking(
                child=waiting.child,
                activity=waiting.activity,
                day=tuesday,
                state=BookingState.PENDING,
                queued_at=waiting.queued_at,
            )
        ]
    )
    assert "Rien de prévu." not in _tuesday(client) and "<strong>Léa</strong> · Péri SOIR" in _tuesday(client)


def test_a_parent_of_two_families_reads_the_list_of_the_one_chosen_in_the_session(client, site):
    """The kept list is named by the parent and the family chosen (commun.todo.family_choice), not by a read of the
    family: changing families shows the other family's list at once."""
    from espace_famille.dossier.models import Subscription

    martin, durand = busy_family(FamilyFactory(name="MARTIN")), busy_family(FamilyFactory(name="DURAND"))
    user = parent_of(martin)
    Subscription.objects.create(user=user, family=durand, method="code")
    client.force_login(user)
    assert "Facture MARTIN-0040 à payer" in _home(client)[0]  # the first subscribed, and now kept

    for chosen, shown, hidden in ((durand, "DURAND", "MARTIN"), (martin, "MARTIN", "DURAND")):
        session = client.session
        session["family_id"] = chosen.pk
        session.save()
        html = _home(client)[0]
        assert f"Facture {shown}-0040 à payer" in html and f"{hidden}-0040" not in html


def test_a_write_counts_when_its_transaction_commits_and_is_seen_inside_it_at_once():
    before = write_generation.current()
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    assert write_generation.cached("k", compute) == 1
    assert write_generation.cached("k", compute) == 1  # kept
    with transaction.atomic():
        FamilyFactory(name="DANS")
        assert write_generation.current() == before  # the others do not see the write yet
        assert write_generation.cached("k", compute) == 2  # the transaction sees its own write
    after = write_generation.current()
    assert after != before
    assert write_generation.cached("k", compute) == 3

    Family.objects.filter(name="DANS").update(name="HORS")  # autocommit
    assert write_generation.current() != after

    with transaction.atomic():
        FamilyFactory(name="ANNULEE")
        transaction.set_rollback(True)
    token = write_generation.current()
    assert write_generation.cached("k", compute) == 4
    session = SessionStore()
    session["x"] = 1
    session.create()  # a session's stamp changes nothing a page keeps
    assert write_generation.current() == token and write_generation.cached("k", compute) == 4


def test_sending_the_outbox_changes_nothing_a_page_keeps(site):
    """The workers mark thousands of e-mails sent in a row: each was one more write for every family's list."""
    from notifications import services
    from notifications.models import OutboxMessage

    message = OutboxMessage.objects.create(key="k1", kind="test", to_email="jean.durant@example.org", subject="Test")
    token = write_generation.current()
    assert services.outbox_send(message_id=message.pk) is True
    assert write_generation.current() == token
