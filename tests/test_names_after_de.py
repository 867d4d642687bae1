"""«de Paul», «d'Alice»: wherever the site writes a name after «de» (pages, messages, subjects, labels), it elides
before a vowel sound, through commun.elision."""

import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from espace_famille.dossier.models import Subscription
from espace_famille.justificatifs.models import DocumentType
from espace_famille.planning.admin.day_sheet import AttendanceForm
from tests.espace_famille.creche.factories import creche, submitted_application
from tests.factories import ChildFactory, FamilyFactory, GuardianFactory, UserFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page as read aloud: its text without tags (a visually hidden part continues the visible one)."""
    return unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


@pytest.fixture
def family(site):
    family = FamilyFactory(name="DURANT")
    GuardianFactory(family=family, first_name="Hugo")
    return family


@pytest.fixture
def alice(family):
    return ChildFactory(family=family, first_name="Alice", birth_date=date(2016, 5, 1))


@pytest.fixture
def parent(client, family):
    user = UserFactory()
    Subscription.objects.create(user=user, family=family, method="code")
    client.force_login(user)
    return user


def test_ma_famille_and_the_photo_page_write_d_alice_and_d_hugo(client, parent, alice):
    page = text(client.get(reverse("espace_famille:family_file")))
    assert "Modifier la photo d'Alice DURANT" in page and "Modifier la photo d'Hugo DURANT" in page
    assert " de Alice" not in page and " de Hugo" not in page
    photo = text(client.get(reverse("espace_famille:photo_edit", args=["enfant", alice.pk])))
    assert "Modifier la photo d'Alice DURANT" in photo


def test_the_documents_table_writes_d_alice(client, parent, alice):
    DocumentType.objects.create(name="Certificat de vaccination", per_child=True, mandatory=True)
    page = text(client.get(reverse("justificatifs:list")))
    assert "Certificat de vaccination d'Alice" in page and "de Alice" not in page


def test_a_creche_application_is_the_pre_registration_d_alice(site):
    application = submitted_application(family_name="DURANT", child="Alice", choices=[creche("Les Lutins")])
    assert application.request.subject == "Pré-inscription d'Alice — Les Lutins"
    assert str(application) == "Pré-inscription d'Alice — Les Lutins"


def test_the_attendance_sheet_labels_the_mark_d_alice():
    form = AttendanceForm(sheet={"register": [{"child_id": 1, "name": "Alice DURANT", "choices": []}], "addable": []})
    assert form.fields["mark_1"].label == "Pointage d'Alice DURANT"
