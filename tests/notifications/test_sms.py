"""SMS: the text as the GSM alphabet carries it, the outbox (sent once, tried again, failed visibly), the file
backend of the demo, and the exact request Brevo receives."""

import pytest
from django.test import override_settings

from notifications import services, sms, sms_text
from notifications.models import OutboxSms, OutboxStatus
from tests.notifications.fake_sms_provider import serve

NUMBER = "+33612345678"


def test_the_text_loses_what_sms_do_not_carry_and_keeps_french_accents_they_do():
    assert sms_text.to_gsm("  Fête à l’école « œuvre » : garçon…\r\n") == 'Fete à l\'école " oeuvre " : garcon...'
    assert sms_text.to_gsm("Élève très décidé, où ça ?") == "Élève très décidé, où ca ?"
    assert sms_text.to_gsm("Prix 5 €, ✓") == "Prix 5 €, ?"


def test_an_sms_counts_its_characters_and_its_parts():
    assert sms_text.units("5 €") == 4  # the euro sign is an extension character: two
    assert [sms_text.parts(n) for n in (0, 1, 160, 161, 306, 307)] == [0, 1, 1, 2, 2, 3]
    assert sms_text.describe("a" * 152) == "152 caractères : 1 SMS"
    assert sms_text.describe("a" * 200) == "200 caractères : 2 SMS"


def test_sms_url_names_its_backend():
    brevo = sms.backend_from_url("brevo://xkeysib-123@api.brevo.com?sender=VILLE")
    assert isinstance(brevo, sms.BrevoBackend)
    assert (brevo.api_key, brevo.url, brevo.sender) == (
        "xkeysib-123",
        "https://api.brevo.com/v3/transactionalSMS/send",
        "VILLE",
    )
    assert isinstance(sms.backend_from_url("", file_path="/tmp/sms"), sms.FileBackend)
    assert sms.backend_from_url("file:///srv/sms").path.as_posix() == "/srv/sms"
    assert isinstance(sms.backend_from_url("locmem:"), sms.MemoryBackend)
    assert sms.backend_from_url("none:").enabled is False
    with pytest.raises(ValueError, match="fournisseur inconnu"):
        sms.backend_from_url("ovh://x")


def queue(text="Sortie au parc demain.", key="essai:1"):
    return services.sms_queue_many(kind="essai", messages=[(NUMBER, key, text)])[key]


@pytest.mark.django_db
def test_queued_sms_are_written_once_and_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
        assert queue() == first
    row = OutboxSms.objects.get()
    assert (row.status, row.attempts, row.sender, row.text) == (
        OutboxStatus.SENT,
        1,
        "Mairie",
        "Sortie au parc demain.",
    )
    assert [(s.to, s.text, s.reference) for s in sms.outbox] == [(NUMBER, "Sortie au parc demain.", "essai:1")]
    assert services.sms_send(sms_id=row.pk) is False and len(sms.outbox) == 1


@pytest.mark.django_db
def test_the_file_backend_writes_each_sms_in_its_folder(tmp_path):
    with override_settings(SMS_URL="", SMS_FILE_PATH=tmp_path / "sms"):
        assert services.sms_send(sms_id=queue("Réunion à 18 h à l'école.")) is True
    (written,) = (tmp_path / "sms").iterdir()
    content = written.read_text(encoding="utf-8")
    assert content.startswith(f"De : Mairie\nÀ : {NUMBER}\nRéférence : essai:1\n")
    assert content.endswith("\n\nRéunion à 18 h à l'école.\n")
    assert OutboxSms.objects.get().provider_reference == written.name


@pytest.fixture
def brevo():
    provider, server = serve()
    with override_settings(SMS_URL=provider.url(sender="MAIRIELUX")):
        yield provider
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_brevo_receives_the_documented_request(brevo):
    assert services.sms_send(sms_id=queue("Fête de l'école samedi : rendez-vous à 10 h.")) is True

    (request,) = brevo.received
    assert (request.method, request.path) == ("POST", "/v3/transactionalSMS/send")
    assert request.headers["api-key"] == "cle-api-secrete"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == "application/json"
    assert request.body == {
        "type": "transactional",
        "unicodeEnabled": False,
        "sender": "MAIRIELUX",
        "recipient": "33612345678",
        "content": "Fete de l'école samedi : rendez-vous à 10 h.",
        "tag": "essai",
    }
    row = OutboxSms.objects.get()
    assert (row.status, row.provider_reference) == (OutboxStatus.SENT, "1511882900176220")


@pytest.mark.django_db
def test_a_number_brevo_refuses_fails_at_once_and_says_why(brevo):
    brevo.status, brevo.answer = 400, {"code": "invalid_parameter", "message": "Invalid phone number"}
    assert services.sms_send(sms_id=queue()) is False
    row = OutboxSms.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
    assert row.last_error == "Brevo a répondu 400 : Invalid phone number"
    assert services.sms_sweep(older_than_seconds=0) == 0 and len(brevo.received) == 1


@pytest.mark.django_db
def test_a_provider_down_is_tried_again_by_the_sweep_then_the_sms_fails(brevo):
    brevo.status, brevo.answer = 503, {"message": "Service unavailable"}
    row_id = queue()
    assert services.sms_send(sms_id=row_id) is False
    row = OutboxSms.objects.get()
    assert (row.status, row.attempts, row.last_error) == (
        OutboxStatus.PENDING,
        1,
        "Brevo a répondu 503 : Service unavailable",
    )
    for _ in range(services.MAX_ATTEMPTS - 1):
        services.sms_sweep(older_than_seconds=0)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, services.MAX_ATTEMPTS)

    brevo.status, brevo.answer = 201, {"messageId": 7}
    assert services.sms_sweep(older_than_seconds=0) == 0


@pytest.mark.django_db
@override_settings(SMS_URL="brevo+http://cle@127.0.0.1:9")
def test_an_unreachable_provider_leaves_the_sms_pending_with_the_reason():
    assert services.sms_send(sms_id=queue()) is False
    row = OutboxSms.objects.get()
    assert row.status == OutboxStatus.PENDING and row.last_error.startswith("Brevo injoignable")


@pytest.mark.django_db
@override_settings(SMS_URL="none:")
def test_without_a_provider_no_sms_leaves_and_the_row_says_so():
    assert sms.enabled() is False
    assert services.sms_send(sms_id=queue()) is False
    row = OutboxSms.objects.get()
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, "Aucun fournisseur de SMS n'est configuré (SMS_URL).")
