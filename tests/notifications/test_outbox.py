"""The outbox: written with its cause, sent once, retried, swept."""

from unittest import mock

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from notifications import services
from notifications.models import OutboxMessage, OutboxStatus
from tests.factories import UserFactory
from tests.races import RaceWindow, at_the_same_moment

pytestmark = pytest.mark.django_db


def queue(key="k1", to="jean.durant@example.org"):
    return services.queue(kind="test", to=to, key=key, context={"nom_complet": "M. Jean DURANT"})


def test_queued_email_is_sent_after_commit(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue()
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.attempts == 1
    assert [m.to for m in mail.outbox] == [["jean.durant@example.org"]]
    assert "Bonjour M. Jean DURANT," in mail.outbox[0].body
    assert mail.outbox[0].from_email == "Portail citoyen <nepasrepondre@example.org>"


def test_same_key_is_queued_once(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
        second = queue()
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1 and len(mail.outbox) == 1


def test_nothing_is_sent_when_the_cause_rolls_back(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                queue()
                raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists() and not mail.outbox


def test_a_sent_row_is_not_sent_again(site):
    row = queue()
    assert services.outbox_send(message_id=row.pk) is True
    assert services.outbox_send(message_id=row.pk) is False
    assert len(mail.outbox) == 1


def test_smtp_failure_keeps_the_row_pending_then_failed(site):
    row = queue()
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")):
        for _ in range(services.MAX_ATTEMPTS):
            assert services.outbox_send(message_id=row.pk) is False
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and row.attempts == services.MAX_ATTEMPTS
    assert "SMTP down" in row.last_error
    assert services.outbox_resend(message_id=row.pk, by=UserFactory(is_superuser=True)) is True
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and len(mail.outbox) == 1


def test_a_batch_goes_through_one_connection_and_a_failure_stays_on_its_own_row(site):
    """The workers send e-mails queued together (the processing digests: thousands) through one SMTP session."""
    from django.core.mail.backends.locmem import EmailBackend

    rows = [queue(f"k{n}", to=f"parent{n}@example.org") for n in range(3)]
    sent_already = queue("sent")
    services.outbox_send(message_id=sent_already.pk)
    opened, real_send = [], EmailBackend.send_messages

    def send_messages(backend, messages):
        if messages[0].to == ["parent1@example.org"]:
            raise OSError("boîte pleine")
        opened.append(backend)  # kept: two backends alive never share an id
        return real_send(backend, messages)

    with mock.patch.object(EmailBackend, "send_messages", send_messages):
        assert services.outbox_send_many(message_ids=[row.pk for row in rows] + [sent_already.pk]) == 2

    assert len({id(backend) for backend in opened}) == 1
    states = dict(OutboxMessage.objects.filter(pk__in=[row.pk for row in rows]).values_list("to_email", "status"))
    assert states == {
        "parent0@example.org": OutboxStatus.SENT,
        "parent1@example.org": OutboxStatus.PENDING,
        "parent2@example.org": OutboxStatus.SENT,
    }
    assert "boîte pleine" in OutboxMessage.objects.get(to_email="parent1@example.org").last_error
    assert [m.to for m in mail.outbox] == [
        ["jean.durant@example.org"],
        ["parent0@example.org"],
        ["parent2@example.org"],
    ]


def test_sweep_sends_what_workers_left(site):
    old = queue("old")
    recent = queue("recent")
    OutboxMessage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    assert services.outbox_sweep() == 1
    assert OutboxMessage.objects.get(pk=old.pk).status == OutboxStatus.SENT
    assert OutboxMessage.objects.get(pk=recent.pk).status == OutboxStatus.PENDING


def test_broker_down_does_not_break_the_cause(site, django_capture_on_commit_callbacks):
    with mock.patch("django_q.tasks.async_task", side_effect=ConnectionError("redis down")):
        with django_capture_on_commit_callbacks(execute=True):
            row = queue()
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING
    OutboxMessage.objects.filter(pk=row.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=5))
    assert services.outbox_sweep() == 1


def test_register_schedules_is_safe_to_run_twice():
    from django.core.management import call_command
    from django_q.models import Schedule

    call_command("register_schedules", stdout=mock.MagicMock())
    call_command("register_schedules", stdout=mock.MagicMock())
    schedule = Schedule.objects.get(func="notifications.tasks.sweep_outbox")
    assert schedule.schedule_type == Schedule.MINUTES and schedule.minutes == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need a real database server (PostgreSQL)")
def test_two_workers_sending_the_same_row_send_it_once():
    from home.models import SiteIdentity  # noqa: F401  (site settings load lazily in threads)

    row = OutboxMessage.objects.create(
        key="race",
        kind="test",
        to_email="a@example.org",
        from_email="x@example.org",
        subject="s",
        body_text="t",
        body_html="<p>t</p>",
    )
    sent = []
    window = RaceWindow()
    real_send = mail.EmailMultiAlternatives.send

    def slow_send(self, *args, **kwargs):
        window.hold()  # hold the row lock until the other worker has arrived
        return real_send(self, *args, **kwargs)

    def worker():
        sent.append(services.outbox_send(message_id=row.pk))

    with mock.patch.object(mail.EmailMultiAlternatives, "send", slow_send):
        at_the_same_moment(worker, worker, window=window)
    assert sorted(sent) == [False, True]
    assert len(mail.outbox) == 1
