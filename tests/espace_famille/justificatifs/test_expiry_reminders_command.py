"""`manage.py send_expiry_reminders`: the reminders of the documents about to expire from cron, as the 09:00 task
sends them; a second run sends nothing, `--dry-run` only lists, `--days-before` widens or narrows the window."""

import io
from datetime import date

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from espace_famille.demandes.models import Request, RequestKind
from espace_famille.dossier.models import Subscription
from espace_famille.justificatifs.models import Document, DocumentState, DocumentType, Validity
from espace_famille.justificatifs.tasks import send_expiry_reminders
from notifications.models import OutboxMessage, OutboxStatus
from tests.factories import ChildFactory, FamilyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2026-11-24 09:00:00+01:00", tick=False)


@pytest.fixture
def insurance(site, today):
    """Léo DURANT's insurance, validated, valid until 01/12/2026 (in 7 days); both his parents have an account."""
    family = FamilyFactory(name="DURANT")
    leo = ChildFactory(family=family, first_name="Léo")
    for email in ("jean.durant@example.org", "marie.durant@example.org"):
        Subscription.objects.create(user=UserFactory(email=email), family=family, method="code")
    kind = DocumentType.objects.create(name="Attestation d'assurance", per_child=True, validity=Validity.YEAR)
    return document(family, leo, kind, DocumentState.VALIDATED, valid_until=date(2026, 12, 1))


def document(family, child, kind, state, valid_until=None) -> Document:
    return Document.objects.create(
        family=family,
        child=child,
        document_type=kind,
        request=Request.objects.create(family=family, kind=RequestKind.DOCUMENT),
        original_name="assurance.pdf",
        content_type="application/pdf",
        extension=".pdf",
        size=1,
        state=state,
        valid_until=valid_until,
    )


def reminders(*args) -> str:
    out = io.StringIO()
    call_command("send_expiry_reminders", *args, stdout=out)
    return out.getvalue()


def test_each_parent_is_reminded_once_whatever_the_number_of_runs(insurance, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out = reminders()
    assert out == "Pièces justificatives qui expirent d'ici le 24/12/2026 : 2 rappels envoyés.\n"
    assert sorted(message.to[0] for message in mail.outbox) == ["jean.durant@example.org", "marie.durant@example.org"]
    assert "Attestation d'assurance — Léo" in mail.outbox[0].subject and "01/12/2026" in mail.outbox[0].body

    assert reminders() == "Pièces justificatives qui expirent d'ici le 24/12/2026 : aucun rappel envoyé.\n"
    assert send_expiry_reminders() == "0 rappel(s) de pièce justificative"
    assert len(mail.outbox) == 2 and OutboxMessage.objects.count() == 2


def test_a_dry_run_lists_the_reminders_and_sends_nothing(insurance):
    out = reminders("--dry-run").splitlines()
    assert out[0] == "Simulation : aucun e-mail n'est envoyé, rien n'est modifié."
    assert out[1:3] == [
        "  DURANT : Attestation d'assurance — Léo, valable jusqu'au 01/12/2026 → jean.durant@example.org",
        "  DURANT : Attestation d'assurance — Léo, valable jusqu'au 01/12/2026 → marie.durant@example.org",
    ]
    assert out[3] == "Pièces justificatives qui expirent d'ici le 24/12/2026 : 2 rappels seraient envoyés."
    assert not OutboxMessage.objects.exists() and not mail.outbox


def test_days_before_sets_the_window_and_defaults_to_the_schedules(insurance):
    assert "aucun rappel envoyé" in reminders("--days-before", "6")
    assert reminders("--days-before", "6", "--dry-run").endswith(": aucun rappel serait envoyé.\n")
    with override_settings(DOCUMENT_REMINDER_DAYS=6):
        assert reminders() == "Pièces justificatives qui expirent d'ici le 30/11/2026 : aucun rappel envoyé.\n"
    assert not OutboxMessage.objects.exists()
    assert "2 rappels envoyés" in reminders("--days-before", "7")
    with pytest.raises(CommandError, match="--days-before est un nombre de jours"):
        reminders("--days-before", "-1")


def test_a_document_already_replaced_is_not_reminded(insurance):
    document(insurance.family, insurance.child, insurance.document_type, DocumentState.PENDING)
    assert "aucun rappel envoyé" in reminders()


def test_under_cron_the_reminders_wait_for_send_outbox(insurance, settings):
    settings.TASKS_RUNNER = "cron"
    out = reminders()
    assert "2 rappels envoyés ; ils partent au prochain passage de send_outbox." in out
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.PENDING}
