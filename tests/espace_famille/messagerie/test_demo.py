"""The demo's messages to families: sent by the instructor, found in the DURANT family's «Mes messages», loaded
once whatever the number of loads."""

import pytest

from espace_famille.messagerie.models import FamilyMessage
from notifications.models import OutboxSms
from tests.test_demo import TERM_TIME, load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_sends_a_few_messages_once(time_machine):
    time_machine.move_to(TERM_TIME, tick=False)
    load_demo()
    load_demo()

    messages = {m.subject: m for m in FamilyMessage.objects.select_related("author")}
    assert set(messages) == {
        "Attestation d'assurance à déposer",
        "Péri SOIR : sortie de l'accueil jusqu'à 18 h 30 au parc",
        "Ecole Lux : réunion des familles",
    }
    assert {m.author.email for m in messages.values()} == {"instructeur@example.org"}
    to_durant = messages["Attestation d'assurance à déposer"]
    assert [r.family.subscriber_code for r in to_durant.recipients.all()] == ["DURANT2026"]
    # Jean and Claire DURANT accepted SMS (Claire through the request the instructor accepted).
    assert sorted(OutboxSms.objects.values_list("to_phone", flat=True)) == ["+33612345678", "+33698765432"]
    assert messages["Ecole Lux : réunion des familles"].recipients.count() == 3
