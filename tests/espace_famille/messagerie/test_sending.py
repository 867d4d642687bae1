"""«Écrire aux familles» in the admin: the form, its preview counting families, e-mails and SMS, the sending (once,
whatever the clicks), the e-mail from the municipality's template, the delivery state once the workers sent or
failed, and who may write."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.urls import reverse
from wagtail.models import ModelLogEntry

from espace_famille.comptes.roles import COMMUNICATION
from espace_famille.messagerie import rules, services
from espace_famille.messagerie.models import FamilyMessage, FamilyMessageRecipient
from notifications import sms, tasks
from notifications.models import EmailTemplate, OutboxMessage, OutboxSms, OutboxStatus
from tests.espace_famille.messagerie.setup import DAY, family_with_child, soir
from tests.factories import UserFactory, parent_of, role, service_instructor
from tests.intents import intent_in
from tests.notifications.fake_sms_provider import serve

pytestmark = pytest.mark.django_db
COMPOSE = "/admin/messages-familles/ecrire/"
INDEX = "/admin/messages-familles/"


def text(response) -> str:
    """What a person reads on the page: its text without the markup, spaces collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def activity(site):
    return soir()


@pytest.fixture
def families(activity):
    """DURANT: two children in the activity, Jean accepts SMS, an account; ADERNO: Marie refuses SMS."""
    durant = family_with_child("DURANT", activity=activity, children=2, mobile="06 12 34 56 78", accepts_sms=True)
    parent_of(durant, email="claire.durant@example.org")
    aderno = family_with_child("ADERNO", activity=activity, mobile="06 11 22 33 44", accepts_sms=False)
    family_with_child("BLMAN", activity=activity, day=DAY.replace(day=15))
    return durant, aderno


@pytest.fixture
def instructor(client):
    user = service_instructor(first_name="Inès", last_name="Truchon")
    client.force_login(user)
    return user


def form(chosen, **values):
    return {
        "audience": rules.ACTIVITY,
        "activity": chosen.pk,
        "start_date": DAY.isoformat(),
        "end_date": "",
        "by_email": "on",
        "by_sms": "on",
        "subject": "Sortie au parc",
        "body": "Bonjour,\n\nLes enfants iront au parc : prévoyez une casquette.",
        "sms_text": "Péri SOIR : fête au parc, prévoyez une casquette.",
        **values,
    }


def send(client, data):
    shown = client.post(COMPOSE, {**data, "step": "preview"})
    assert shown.status_code == 200, text(shown)
    return client.post(COMPOSE, {**data, "step": "send", "intent": intent_in(shown)}), shown


def test_the_preview_counts_the_families_e_mails_and_sms_and_sends_nothing(client, instructor, families, activity):
    response = client.post(COMPOSE, {**form(activity), "step": "preview"})

    page = text(response)
    assert "Familles de l'activité 4/Péri SOIR, le 14/09/2026" in page
    assert "Familles 2" in page and "E-mails 3" in page and "SMS 1" in page
    assert "Le SMS (49 caractères : 1 SMS)" in page
    assert "Péri SOIR : fete au parc, prévoyez une casquette." in page
    assert not FamilyMessage.objects.exists() and not mail.outbox and not OutboxSms.objects.exists()


def test_sending_reaches_each_family_once_by_e_mail_and_sms(client, instructor, families, activity):
    durant, aderno = families
    response, _ = send(client, form(activity))

    message = FamilyMessage.objects.get()
    assert response["Location"] == reverse("messagerie_detail", args=[message.pk])
    assert sorted(r.family.name for r in message.recipients.all()) == ["ADERNO", "DURANT"]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "claire.durant@example.org",
        "jean@aderno.example.org",
        "jean@durant.example.org",
    ]
    assert [(s.to, s.text) for s in sms.outbox] == [
        ("+33612345678", "Péri SOIR : fete au parc, prévoyez une casquette.")
    ]
    entry = ModelLogEntry.objects.get(action=services.SEND_ACTION)
    assert entry.user == instructor and entry.data["familles"] == 2 and entry.data["sms"] == 1

    detail = text(client.get(response["Location"]))
    assert "Message « Sortie au parc » envoyé à 2 familles." in detail
    assert "Famille DURANT Envoyé" in detail and "+33612345678 : Envoyé" in detail
    assert "Famille ADERNO Envoyé" in detail


def test_a_form_sent_twice_sends_once(client, instructor, families, activity):
    data = form(activity)
    first, shown = send(client, data)
    again = client.post(COMPOSE, {**data, "step": "send", "intent": intent_in(shown)})

    assert FamilyMessage.objects.count() == 1 and len(mail.outbox) == 3 and len(sms.outbox) == 1
    assert again.status_code == 302 and again["Location"] == INDEX
    assert "Cette demande est déjà enregistrée." in text(client.get(INDEX))


def test_send_carries_out_only_what_its_preview_showed(client, instructor, families, activity):
    shown = client.post(COMPOSE, {**form(activity), "step": "preview"})
    response = client.post(COMPOSE, {**form(activity, subject="Autre"), "step": "send", "intent": intent_in(shown)})

    assert response.status_code == 400 and "Cette page a expiré" in text(response)
    assert not FamilyMessage.objects.exists()


def test_the_e_mail_is_the_municipalitys_template_around_the_text_of_the_service(
    client, instructor, families, activity
):
    EmailTemplate.objects.filter(kind="message_famille").update(
        subject="Ville de Lux — {{ objet }}",
        body="Chère famille {{ famille }},\n\n{{ message }}\n\nLe service enfance de la ville",
    )
    send(client, form(activity, by_sms=""))

    email = next(m for m in mail.outbox if m.to == ["jean@durant.example.org"])
    assert email.subject == "Ville de Lux — Sortie au parc"
    assert email.body.startswith(
        "Chère famille Famille DURANT,\n\nBonjour,\n\nLes enfants iront au parc : prévoyez une casquette.\n\n"
        "Le service enfance de la ville"
    )
    html = email.alternatives[0][0]
    assert "<p>Bonjour,</p>\n<p>Les enfants iront au parc : prévoyez une casquette.</p>" in html


class BrokenSmtp(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("serveur SMTP injoignable")


@pytest.fixture
def brevo():
    provider, server = serve()
    with override_settings(SMS_URL=provider.url()):
        yield provider
    server.shutdown()
    server.server_close()


@override_settings(EMAIL_BACKEND="tests.espace_famille.messagerie.test_sending.BrokenSmtp")
def test_staff_see_what_waits_and_what_failed(client, instructor, families, activity, brevo):
    brevo.status, brevo.answer = 400, {"message": "Invalid phone number"}
    response, _ = send(client, form(activity))
    message = FamilyMessage.objects.get()

    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxStatus.PENDING, 1)}
    assert OutboxSms.objects.get().status == OutboxStatus.FAILED
    detail = text(client.get(response["Location"]))
    assert "Famille DURANT En échec" in detail
    assert "+33612345678 : En échec (Brevo a répondu 400 : Invalid phone number)" in detail
    assert "Famille ADERNO En attente" in detail
    assert "jean@aderno.example.org : En attente (ConnectionRefusedError: serveur SMTP injoignable)" in detail
    index = text(client.get(INDEX))
    assert "En échec 0 envoyé · 1 en échec · 3 en attente" in index

    # The SMTP server is back: the periodic sweep sends what waited.
    OutboxMessage.objects.update(created_at=message.created_at - timedelta(minutes=5))
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        tasks.sweep_outbox()
    detail = text(client.get(response["Location"]))
    assert "Famille ADERNO Envoyé" in detail and "Famille DURANT En échec" in detail


def test_an_sms_too_long_is_refused_with_its_count(client, instructor, families, activity):
    response = client.post(COMPOSE, {**form(activity, sms_text="é" * 307), "step": "preview"})
    assert response.status_code == 400
    assert "Le SMS fait 307 caractères : 306 au plus (2 SMS)." in text(response)


def test_a_message_needs_a_channel_and_its_audience(client, instructor, families, activity):
    response = client.post(COMPOSE, {**form(activity, by_email="", by_sms="", activity=""), "step": "preview"})
    page = text(response)
    assert response.status_code == 400
    assert "Choisissez au moins un moyen d'envoi : e-mail ou SMS." in page and "Choisissez l'activité." in page


def test_an_audience_with_no_family_sends_nothing(client, instructor, families, activity):
    response = client.post(COMPOSE, {**form(activity, start_date="2026-09-16"), "step": "preview"})
    assert response.status_code == 400 and "Aucune famille ne correspond à ces destinataires." in text(response)


def test_write_to_the_family_opens_the_form_on_it(client, instructor, families):
    durant, _ = families
    page = client.get(f"{COMPOSE}?famille={durant.pk}").content.decode()
    assert f'<option value="{durant.pk}" selected>DURANT (dossier n° {durant.pk})</option>' in page
    assert 'value="famille"' in page and "checked" in page


def test_a_communication_officer_may_not_write_to_families(client, families, activity):
    officer = UserFactory(is_staff=True)
    officer.groups.add(role(COMMUNICATION))
    client.force_login(officer)

    assert client.get(COMPOSE).status_code == 403
    assert client.post(COMPOSE, {**form(activity), "step": "send"}).status_code == 403
    assert client.get(INDEX).status_code == 403
    assert not FamilyMessage.objects.exists() and not mail.outbox
    with pytest.raises(PermissionDenied):
        services.message_send(
            audience=rules.Audience(kind=rules.FAMILY, family=families[0]),
            subject="Objet",
            body="Texte",
            by_email=True,
            by_sms=False,
            by=officer,
        )


def test_the_screens_read_with_a_fixed_number_of_queries(families, activity, django_assert_num_queries):
    from espace_famille.messagerie import selectors

    message = services.message_send(
        audience=rules.Audience(kind=rules.ACTIVITY, activity=activity, start=DAY),
        subject="Objet",
        body="Texte",
        sms_text="Texte",
        by_email=True,
        by_sms=True,
        by=service_instructor(),
    )
    with django_assert_num_queries(4):
        _, recipients = selectors.message_detail(pk=message.pk)
        states = [selectors.state_of(recipient) for recipient in recipients]
    assert states == [rules.PENDING, rules.PENDING]
    with django_assert_num_queries(2):
        counts = selectors.delivery_counts(message_ids=[message.pk])
    assert counts[message.pk] == {OutboxStatus.PENDING: 4}
    assert FamilyMessageRecipient.objects.filter(message=message).count() == 2
