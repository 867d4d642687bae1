"""The demo shows the families' documents: the receipt of the DURANT family's cheque, Jade's «attestation de frais
de garde» 2025 in «Mes attestations», and a reminder of the guide's unpaid invoice in Facturation › Relances."""

from decimal import Decimal

import pytest
from django.urls import reverse

from espace_facturation.models import ChildcareCertificate, Payment, Reminder, ReminderChannel
from espace_famille.comptes.models import User
from notifications.models import OutboxMessage
from tests.test_demo import TERM_TIME, load_demo

from .factories import text
from .test_parent_screens import pdf_text

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_receipt_an_attestation_2025_and_a_reminder(client, time_machine):
    time_machine.move_to(TERM_TIME, tick=False)
    load_demo()
    load_demo()  # safe to run twice: nothing doubles
    client.force_login(User.objects.get(email="jean.durant@example.org"))
    payment = Payment.objects.filter(family__subscriber_code="DURANT2026", reference="564654646").get()
    page = text(client.get(reverse("espace_facturation:payments")))
    assert reverse("espace_facturation:payment_receipt", args=[payment.pk]) in page
    receipt = pdf_text(client.get(reverse("espace_facturation:payment_receipt", args=[payment.pk])))
    assert f"Reçu n° {payment.operation_number}" in receipt and "Marie DUPONT, Régisseuse titulaire" in receipt

    certificate = ChildcareCertificate.objects.get()
    assert (certificate.year, certificate.child_name, certificate.amount) == (2025, "Jade DURANT", Decimal("65.00"))
    page = text(client.get(reverse("espace_facturation:certificates")))
    assert "Année 2025" in page and "Jade DURANT" in page
    pdf = pdf_text(client.get(reverse("espace_facturation:certificate_pdf", args=[certificate.pk])))
    assert "Attestation de frais de garde 2025" in pdf and "65,00 €" in pdf

    reminder = Reminder.objects.get()
    assert reminder.invoice.number == "2018-2544" and reminder.channel == ReminderChannel.EMAIL
    assert OutboxMessage.objects.filter(kind="invoice_reminder", to_email="jean.durant@example.org").count() == 1
