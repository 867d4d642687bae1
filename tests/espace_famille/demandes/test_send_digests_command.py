"""`manage.py send_digests --slot 13h|18h [--dry-run]`: the processing digests without the task cluster (cron)."""

import io

import pytest
from django.core.management import call_command

from espace_famille.demandes.models import DecisionNotice
from notifications.models import OutboxMessage
from tests.commun.tty import Terminal
from tests.espace_famille.demandes.test_digests import MONDAY, TUESDAY, WEDNESDAY, Household, at, decide, paris
from tests.factories import ActivityFactory, service_instructor

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(site):
    """Two days decided before 13:00, one after, on 15/01/2027."""
    activity = ActivityFactory(code="4", label="Péri SOIR", weekdays=list(range(7)), holiday_rule="always")
    home = Household(activity)
    instructor = service_instructor(email="instructeur@example.org")
    request = home.ask("booking", MONDAY, TUESDAY, WEDNESDAY)
    decide(request, moment=paris(2027, 1, 15, 11, 0), accept=[MONDAY], by=instructor)
    decide(request, moment=paris(2027, 1, 15, 12, 0), refuse=[TUESDAY], by=instructor)
    decide(request, moment=paris(2027, 1, 15, 14, 0), accept=[WEDNESDAY], by=instructor)
    return home


def send_digests(*args, at_moment, stderr=None) -> str:
    out = io.StringIO()
    with at(at_moment):
        call_command("send_digests", *args, stdout=out, stderr=stderr or io.StringIO())
    return out.getvalue()


def digest_emails():
    return list(OutboxMessage.objects.filter(kind="requests_processed").order_by("pk"))


def test_a_dry_run_says_what_it_would_send_and_changes_nothing(decided):
    notices = list(DecisionNotice.objects.values_list("pk", "digest_key"))
    outbox = OutboxMessage.objects.count()

    out = send_digests("--slot", "13h", "--dry-run", at_moment=paris(2027, 1, 15, 19, 0))

    assert "Simulation : aucun e-mail n'est envoyé, rien n'est modifié." in out
    assert "créneau du 15/01/2027 à 13:00 : 1 e-mail serait envoyé pour 1 famille, 2 décisions." in out
    assert list(DecisionNotice.objects.values_list("pk", "digest_key")) == notices
    assert OutboxMessage.objects.count() == outbox


def test_the_13h_slot_queues_its_digest_once(decided):
    out = send_digests("--slot", "13h", at_moment=paris(2027, 1, 15, 19, 0))

    assert "créneau du 15/01/2027 à 13:00 : 1 e-mail envoyé pour 1 famille, 2 décisions." in out
    [email] = digest_emails()
    assert email.to_email == decided.parent.email and "2 de vos demandes ont été traitées" in email.body_text
    assert DecisionNotice.objects.filter(digest_key="2027-01-15T13:00+01:00").count() == 2
    assert DecisionNotice.objects.filter(digest_key__isnull=True).count() == 1

    again = send_digests("--slot", "13h", at_moment=paris(2027, 1, 15, 19, 5))
    assert "aucune décision à annoncer" in again
    assert len(digest_emails()) == 1


def test_the_18h_slot_tells_what_the_13h_one_did_not(decided):
    send_digests("--slot", "13h", at_moment=paris(2027, 1, 15, 19, 0))
    out = send_digests("--slot", "18h", at_moment=paris(2027, 1, 15, 19, 0))
    assert "créneau du 15/01/2027 à 18:00 : 1 e-mail envoyé pour 1 famille, 1 décision." in out
    assert len(digest_emails()) == 2
    assert not DecisionNotice.objects.filter(digest_key__isnull=True).exists()


def test_before_13h_the_13h_slot_is_the_day_before(decided):
    out = send_digests("--slot", "13h", "--dry-run", at_moment=paris(2027, 1, 15, 12, 30))
    assert "créneau du 14/01/2027 à 13:00 : aucune décision à annoncer." in out


def test_without_a_slot_the_last_slot_ended_is_sent(decided):
    out = send_digests(at_moment=paris(2027, 1, 15, 18, 30))
    assert "créneau du 15/01/2027 à 18:00 : 1 e-mail envoyé pour 1 famille, 3 décisions." in out


def test_the_progress_bar_is_drawn_on_a_terminal_only(decided):
    terminal = Terminal()
    send_digests("--slot", "13h", at_moment=paris(2027, 1, 15, 19, 0), stderr=terminal)
    assert "Accusés de traitement" in terminal.getvalue() and "1/1" in terminal.getvalue()

    quiet = Terminal()
    send_digests("--slot", "18h", "--no-progress", at_moment=paris(2027, 1, 15, 19, 0), stderr=quiet)
    assert quiet.getvalue() == ""


def test_no_progress_bar_under_cron(decided):
    piped = io.StringIO()
    send_digests("--slot", "13h", at_moment=paris(2027, 1, 15, 19, 0), stderr=piped)
    assert piped.getvalue() == ""
