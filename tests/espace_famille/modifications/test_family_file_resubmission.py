"""A family-file form is carried out once: sent again (double click, Back then Enter, reload of the POST) it answers
«Cette demande est déjà enregistrée.» and changes nothing; a page that is not this form's is refused beside it."""

from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from wagtail.models import ModelLogEntry

from commun import intents
from espace_famille.demandes.models import Request, RequestKind
from espace_famille.dossier.models import Subscription
from tests.conftest import CommittingClient
from tests.espace_famille.modifications.page_form import edited
from tests.espace_famille.modifications.test_photos import image_file
from tests.factories import PASSWORD, ChildFactory, FamilyFactory, GuardianFactory, UserFactory
from tests.races import at_the_same_moment

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def family(site):
    family = FamilyFactory(name="DURANT", city="Dijon", postcode="21000", address_line="1 rue Musette")
    GuardianFactory(family=family, mobile="06 12 34 56 78")
    return family


@pytest.fixture
def guardian(family):
    return family.guardians.get()


@pytest.fixture
def child(family):
    return ChildFactory(family=family)


@pytest.fixture
def parent(client, family):
    user = UserFactory()
    Subscription.objects.create(user=user, family=family, method="code")
    client.force_login(user)
    return user


NATHAN = {"child-last_name": "DURANT", "child-first_name": "Nathan", "child-birth_date": "2015-11-24", "child-sex": "M"}


def twice(client, url: str, edits: dict):
    """Open the page, edit it, press «Soumettre» twice: the second press sends the very same form."""
    data = edited(client.get(url), edits)
    first = client.post(url, data, follow=True)
    return first, client.post(url, data, follow=True)


def test_the_guardians_page_sent_twice_asks_once(client, parent, guardian):
    url = reverse("espace_famille:guardian_edit", args=[guardian.pk])
    edits = {"guardian-mobile": "06 98 76 54 32", "bank-account_holder": "Mme DURANT", "bank-password": PASSWORD}
    first, again = twice(client, url, edits)

    assert first.redirect_chain and intents.ALREADY_DONE not in said(first)
    assert said(again) == [intents.ALREADY_DONE]
    assert {request.kind for request in Request.objects.all()} == {RequestKind.GUARDIAN_CHANGE, RequestKind.BANK_CHANGE}
    assert ModelLogEntry.objects.filter(action="portail.request.submit").count() == 2


def test_an_older_page_sent_again_does_not_undo_the_next_change(client, parent, guardian):
    url = reverse("espace_famille:guardian_edit", args=[guardian.pk])
    older = edited(client.get(url), {"guardian-mobile": "06 98 76 54 32"})
    client.post(url, older, follow=True)
    newer = edited(client.get(url), {"guardian-mobile": "06 11 22 33 44"})
    client.post(url, newer, follow=True)

    again = client.post(url, older, follow=True)  # Back twice, then Enter

    assert said(again) == [intents.ALREADY_DONE]
    assert Request.objects.get().changes["mobile"]["after"] == "06 11 22 33 44"


def test_a_childs_page_sent_twice_asks_once(client, parent, child):
    url = reverse("espace_famille:child_edit", args=[child.pk])
    first, again = twice(client, url, {"child-allergies": "arachide"})

    assert first.redirect_chain and intents.ALREADY_DONE not in said(first)
    assert said(again) == [intents.ALREADY_DONE]
    assert Request.objects.get().changes == {"allergies": {"before": "", "after": "arachide"}}


def test_adding_a_child_sent_twice_asks_once(client, parent, family):
    first, again = twice(client, reverse("espace_famille:child_add"), NATHAN)

    assert first.redirect_chain and intents.ALREADY_DONE not in said(first)
    assert said(again) == [intents.ALREADY_DONE]
    assert Request.objects.filter(kind=RequestKind.CHILD_ADD).count() == 1


def test_a_photo_sent_twice_is_stored_once(client, parent, child):
    url = reverse("espace_famille:photo_edit", args=["enfant", child.pk])
    shown = client.get(url)
    data = edited(shown)
    client.post(url, {**data, "photo": image_file()}, follow=True)
    child.refresh_from_db()
    stored = child.photo.name

    again = client.post(url, {**data, "photo": image_file()}, follow=True)

    assert said(again) == [intents.ALREADY_DONE]
    child.refresh_from_db()
    assert child.photo.name == stored
    assert ModelLogEntry.objects.filter(action="portail.photo.update").count() == 1


def test_a_form_without_its_page_is_refused_beside_it_and_can_be_sent_again(client, parent, guardian):
    url = reverse("espace_famille:guardian_edit", args=[guardian.pk])
    data = edited(client.get(url), {"guardian-mobile": "06 98 76 54 32"})
    other_page = intents.issue(action="family_file.child", subject=guardian.pk, user=parent)

    refused = client.post(url, {**data, intents.FIELD: other_page})

    assert refused.status_code == 400
    assert intents.EXPIRED in text(refused) and 'value="06 98 76 54 32"' in text(refused)
    assert not Request.objects.exists()
    client.post(url, edited(refused))
    assert Request.objects.get().changes["mobile"]["after"] == "06 98 76 54 32"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a race between two connections needs PostgreSQL")
def test_adding_a_child_double_clicked_at_the_same_moment_asks_once(site):
    family = FamilyFactory(name="DURANT")
    parent = UserFactory()
    Subscription.objects.create(user=parent, family=family, method="code")
    first, second = CommittingClient(), CommittingClient()
    first.force_login(parent)
    second.cookies = first.cookies  # one browser, two clicks
    url = reverse("espace_famille:child_add")
    data = edited(first.get(url), NATHAN)
    answers = []

    at_the_same_moment(*(lambda c=c: answers.append(c.post(url, data, follow=True)) for c in (first, second)))

    assert Request.objects.filter(kind=RequestKind.CHILD_ADD).count() == 1
    assert sorted(intents.ALREADY_DONE in said(answer) for answer in answers) == [False, True]
