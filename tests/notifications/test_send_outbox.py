"""An install without the task cluster (PORTAIL_TASKS=cron): an e-mail waits in the outbox until `manage.py
send_outbox` sends it, once, with the workers' retry rules; `--dry-run` only lists."""

import io
from datetime import date
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from espace_famille.dossier.models import Subscription
from espace_famille.justificatifs.models import DocumentType, Validity
from notifications import services, sms
from notifications.models import OutboxMessage, OutboxSms, OutboxStatus
from tests.commun.tty import Terminal
from tests.factories import ChildFactory, FamilyFactory, UserFactory
from tests.intents import submit

pytestmark = pytest.mark.django_db


NOTHING = "Aucun e-mail à envoyer.\nAucun SMS à envoyer.\n"


@pytest.fixture
def cron(settings):
    settings.TASKS_RUNNER = "cron"


def send_outbox(*args, stderr=None) -> str:
    out = io.StringIO()
    call_command("send_outbox", *args, stdout=out, stderr=stderr if stderr is not None else io.StringIO())
    return out.getvalue()


def queue(key: str, to: str = "jean.durant@example.org", minutes_ago: int = 0) -> OutboxMessage:
    row = services.queue(kind="test", to=to, key=key, context={"nom_complet": "M. Jean DURANT"})
    if minutes_ago:
        created_at = timezone.now() - timezone.timedelta(minutes=minutes_ago)
        OutboxMessage.objects.filter(pk=row.pk).update(created_at=created_at)
    return row


def pdf() -> SimpleUploadedFile:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Attestation d'assurance")
    page.save()
    return SimpleUploadedFile("attestation.pdf", buffer.getvalue(), content_type="application/pdf")


def test_under_cron_a_parents_upload_leaves_its_acknowledgement_pending_until_send_outbox(
    client, site, cron, django_capture_on_commit_callbacks
):
    family = FamilyFactory(name="DURANT")
    leo = ChildFactory(family=family, first_name="Léo", birth_date=date(2016, 5, 1))
    parent = UserFactory(email="jean.durant@example.org")
    Subscription.objects.create(user=parent, family=family, method="code")
    client.force_login(parent)
    insurance = DocumentType.objects.create(name="Attestation d'assurance", per_child=True, validity=Validity.YEAR)

    with mock.patch("django_q.tasks.async_task") as async_task, django_capture_on_commit_callbacks(execute=True):
        url = reverse("justificatifs:upload", args=[insurance.pk]) + f"?enfant={leo.pk}"
        assert submit(client, url, {"file": pdf()}).status_code == 302
    # Nothing was queued for a cluster that does not exist: the acknowledgement waits in the outbox.
    async_task.assert_not_called()
    row = OutboxMessage.objects.get(kind="request_received")
    assert (row.status, row.attempts, row.to_email) == (OutboxStatus.PENDING, 0, "jean.durant@example.org")
    assert not mail.outbox

    assert send_outbox() == "1 e-mail envoyé.\nAucun SMS à envoyer.\n"
    assert [message.to for message in mail.outbox] == [["jean.durant@example.org"]]
    assert "Votre demande d'envoi d'une pièce justificative" in mail.outbox[0].body
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)

    assert send_outbox() == NOTHING
    assert len(mail.outbox) == 1


def test_the_cluster_still_sends_at_once(site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue("k1")
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and len(mail.outbox) == 1
    assert send_outbox() == NOTHING


def test_a_dry_run_lists_what_would_be_sent_and_changes_nothing(site, cron):
    older = queue("older", to="ana@example.org", minutes_ago=10)
    queue("newer", to="bob@example.org")
    OutboxMessage.objects.filter(pk=older.pk).update(attempts=2, last_error="SMTPServerDisconnected: gone")

    out = send_outbox("--dry-run")

    lines = out.splitlines()
    assert lines[0] == "Simulation : aucun e-mail ni SMS n'est envoyé, rien n'est modifié."
    assert "→ ana@example.org" in lines[1] and "(3e tentative)" in lines[1]
    assert "→ bob@example.org" in lines[2] and "(1re tentative)" in lines[2]
    assert lines[3:] == ["2 e-mails seraient envoyés.", "Aucun SMS à envoyer."]
    assert not mail.outbox
    assert list(OutboxMessage.objects.order_by("pk").values_list("status", "attempts")) == [
        (OutboxStatus.PENDING, 2),
        (OutboxStatus.PENDING, 0),
    ]


def test_limit_sends_the_oldest_first(site, cron):
    queue("third", to="c@example.org", minutes_ago=1)
    queue("first", to="a@example.org", minutes_ago=30)
    queue("second", to="b@example.org", minutes_ago=5)

    assert send_outbox("--limit", "2") == "2 e-mails envoyés.\nAucun SMS à envoyer.\n"
    assert [message.to for message in mail.outbox] == [["a@example.org"], ["b@example.org"]]
    assert send_outbox("--limit", "2", "--dry-run").splitlines()[-2] == "1 e-mail serait envoyé."
    with pytest.raises(CommandError, match="--limit doit être un nombre d'envois"):
        send_outbox("--limit", "0")


def test_a_failed_send_is_retried_at_the_next_run_then_abandoned_as_the_workers_do(site, cron):
    row = queue("smtp")
    errors = io.StringIO()
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")):
        assert send_outbox(stderr=errors) == "Aucun e-mail envoyé.\nAucun SMS à envoyer.\n"
        assert "Non envoyé à jean.durant@example.org" in errors.getvalue()
        assert "(nouvel essai au prochain passage) : OSError: SMTP down" in errors.getvalue()
        for _ in range(services.MAX_ATTEMPTS - 1):
            send_outbox(stderr=errors)
    assert f"abandonné après {services.MAX_ATTEMPTS} tentatives" in errors.getvalue()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, services.MAX_ATTEMPTS)
    # Abandoned: no run tries it again (staff resend it from «Boîte d'envoi»).
    assert send_outbox() == NOTHING and not mail.outbox


def test_the_progress_bar_counts_the_emails_on_a_terminal(site, cron):
    for index in range(3):
        queue(f"k{index}")
    terminal = Terminal()
    send_outbox(stderr=terminal)
    assert "Boîte d'envoi" in terminal.getvalue() and "3/3" in terminal.getvalue()
    quiet = Terminal()
    queue("k3")
    send_outbox("--no-progress", stderr=quiet)
    assert quiet.getvalue() == ""


def test_the_digests_queued_under_cron_wait_for_send_outbox(site, cron, django_capture_on_commit_callbacks):
    with mock.patch("django_q.tasks.async_task") as async_task, django_capture_on_commit_callbacks(execute=True):
        services.queue_many(
            kind="test",
            messages=[(f"p{index}@example.org", f"digest:{index}", {"nom_complet": "Parent"}) for index in range(3)],
        )
    async_task.assert_not_called()
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 3
    assert send_outbox() == "3 e-mails envoyés.\nAucun SMS à envoyer.\n" and len(mail.outbox) == 3


def test_the_sms_queued_under_cron_wait_for_send_outbox_too(site, cron, django_capture_on_commit_callbacks):
    number = "+33612345678"
    with mock.patch("django_q.tasks.async_task") as async_task, django_capture_on_commit_callbacks(execute=True):
        services.sms_queue_many(kind="essai", messages=[(number, "essai:1", "Sortie au parc demain.")])
    async_task.assert_not_called()
    assert not sms.outbox and OutboxSms.objects.get().status == OutboxStatus.PENDING
    out = send_outbox("--dry-run")
    assert f"→ {number} : « Sortie au parc demain. » (1re tentative)" in out and "1 SMS serait envoyé." in out
    assert not sms.outbox
    assert send_outbox() == "Aucun e-mail à envoyer.\n1 SMS envoyé.\n"
    assert [(message.to, message.text) for message in sms.outbox] == [(number, "Sortie au parc demain.")]
    assert send_outbox() == NOTHING and len(sms.outbox) == 1
