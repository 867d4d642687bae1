"""When an account is linked to a family file, the accounts already linked to it are told by e-mail, through the
outbox: «Un nouveau compte a été rattaché à votre dossier famille», with who, when, and what to do if unknown."""

import io
from datetime import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from commun.clock import PARIS
from espace_famille.dossier import services as dossier_services
from espace_famille.dossier.models import Subscription, SubscriptionMethod
from notifications.models import EmailTemplate, OutboxMessage
from tests.factories import FamilyFactory, UserFactory, parent_of, service_instructor

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 10, 9, 0, tzinfo=PARIS)
ADD = reverse("espace_famille:subscription_add")
SUBJECT = "Portail citoyen : un nouveau compte a été rattaché à votre dossier famille"


@pytest.fixture
def cron(settings, time_machine):
    # No task cluster: the e-mails wait in the outbox until `send_outbox`, as nothing is sent inline.
    settings.TASKS_RUNNER = "cron"
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def family(site):
    family = FamilyFactory(name="BLMAN", subscriber_code="GOODCODE42")
    parent_of(family, email="annette@example.org", first_name="Annette", last_name="Blman", civility="Mme")
    parent_of(family, email="jean@example.org", first_name="Jean", last_name="Blman")
    return family


@pytest.fixture
def newcomer(client):
    user = UserFactory(email="inconnu@example.org", first_name="Paul", last_name="Martin")
    client.force_login(user)
    return user


def send_outbox() -> None:
    call_command("send_outbox", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_accounts_already_linked_get_an_email_not_the_new_one(client, family, newcomer, cron):
    response = client.post(ADD, {"way": "code", "code-code": "GOODCODE42"})
    assert response.status_code == 302
    assert Subscription.objects.filter(user=newcomer, family=family).exists()
    assert not mail.outbox  # queued in the outbox with the link, sent by the outbox's sender

    send_outbox()

    assert sorted(message.to[0] for message in mail.outbox) == ["annette@example.org", "jean@example.org"]
    annette = next(message for message in mail.outbox if message.to == ["annette@example.org"])
    assert annette.subject == SUBJECT
    assert "Bonjour Mme Annette BLMAN," in annette.body
    assert "Un nouveau compte a été rattaché à votre dossier famille BLMAN le 10/11/2026 à 09:00" in annette.body
    assert "M. Paul MARTIN (inconnu@example.org)" in annette.body
    assert "Si vous ne connaissez pas cette personne, contactez sans attendre notre service" in annette.body
    assert "GOODCODE42" not in annette.body


def test_linking_again_sends_nothing_more(client, family, newcomer, cron):
    client.post(ADD, {"way": "code", "code-code": "GOODCODE42"})
    client.post(ADD, {"way": "code", "code-code": "GOODCODE42"})
    send_outbox()
    send_outbox()

    assert len(mail.outbox) == 2
    assert OutboxMessage.objects.filter(kind="subscription_added").count() == 2


def test_the_first_account_of_a_family_tells_no_one(client, newcomer, site, cron):
    FamilyFactory(subscriber_code="LONELY0001")

    client.post(ADD, {"way": "code", "code-code": "LONELY0001"})
    send_outbox()

    assert not OutboxMessage.objects.filter(kind="subscription_added").exists()
    assert not mail.outbox


def test_a_link_made_by_the_service_is_told_too_but_not_an_import(family, cron):
    staff_link = UserFactory(email="lie-par-le-service@example.org")
    dossier_services.subscription_create(user=staff_link, family=family, by=service_instructor())
    dossier_services.subscription_import(user=UserFactory(email="importe@example.org"), family=family, source="test")
    send_outbox()

    assert sorted(message.to[0] for message in mail.outbox) == ["annette@example.org", "jean@example.org"]
    assert all("lie-par-le-service@example.org" in message.body for message in mail.outbox)


def test_the_municipality_edits_the_text_in_wagtail(family, newcomer, cron):
    EmailTemplate.objects.update_or_create(
        kind="subscription_added",
        defaults={
            "subject": "Nouveau compte sur le dossier {{ famille }}",
            "body": "{{ compte }} ({{ compte_email }}) a rejoint votre dossier le {{ date }}.",
            "zone": "Appelez-nous au {{ telephone }} si vous ne le connaissez pas.",
        },
    )
    dossier_services.subscription_claim(family=family, method=SubscriptionMethod.CODE, by=newcomer)
    send_outbox()

    message = mail.outbox[0]
    assert message.subject == "Nouveau compte sur le dossier BLMAN"
    assert "M. Paul MARTIN (inconnu@example.org) a rejoint votre dossier le 10/11/2026 à 09:00." in message.body
    assert "Appelez-nous au" in message.body
