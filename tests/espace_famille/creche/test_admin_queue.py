"""Instructors work through the pre-registrations in the admin: filters, single and bulk decisions."""

from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from espace_famille.comptes.permissions import INSTRUCTORS
from espace_famille.demandes.models import DecisionNotice, RequestEvent, RequestState
from tests.espace_famille.creche.factories import creche, submitted_application
from tests.factories import UserFactory, role
from tests.intents import intent_in, submit

pytestmark = pytest.mark.django_db
QUEUE = "/admin/snippets/creche/crecheapplication/"


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def instructor(client, site):
    user = UserFactory(email="instructeur@example.org")
    user.groups.add(role(INSTRUCTORS))
    client.force_login(user)
    return user


@pytest.fixture
def applications(site):
    petits, lucioles = creche("Crèche Les Petits Pas"), creche("Crèche Les Lucioles")
    today = timezone.localdate()
    return [
        submitted_application(family_name="DURANT", child="Léo", choices=[petits], entry_date=today + timedelta(30)),
        submitted_application(
            family_name="ADERNO", child="Nathan", choices=[lucioles, petits], entry_date=today + timedelta(200)
        ),
    ]


def bulk_url(action, *applications):
    ids = "&".join(f"id={a.pk}" for a in applications)
    return f"/admin/bulk/creche/crecheapplication/{action}/?{ids}&next={QUEUE}"


def test_the_queue_filters_by_creche_any_choice_or_first_choice_and_by_date(client, instructor, applications):
    petits = applications[0].first_choice
    page = text(client.get(QUEUE))
    assert "Léo" in page and "Nathan" in page
    page = text(client.get(QUEUE, {"creche": petits.pk}))
    assert "Léo" in page and "Nathan" in page
    page = text(client.get(QUEUE, {"first_choice": petits.pk}))
    assert "Léo" in page and "Nathan" not in page
    after = (timezone.localdate() + timedelta(100)).isoformat()
    page = text(client.get(QUEUE, {"entry_date_from": after}))
    assert "Nathan" in page and "Léo" not in page


def test_an_instructor_decides_one_application_with_a_message(client, instructor, applications):
    application = applications[0]
    url = f"{QUEUE}inspect/{application.pk}/"
    page = text(client.get(url))
    assert "Mettre sur liste d'attente" in page
    # The family's answers read with the labels of the form, not the names of the fields.
    assert "Etape 3 Type de garde" in page and "Date d'entrée souhaitée" in page
    assert "entry_date" not in page and "child_first_name" not in page
    submit(client, url, {"decision": "waiting", "message": "Pas de place en janvier"})
    application.request.refresh_from_db()
    assert application.request.state == RequestState.WAITING
    submit(client, url, {"decision": "accept", "message": "Une place s'est libérée"})
    application.request.refresh_from_db()
    assert application.request.state == RequestState.ACCEPTED
    assert RequestEvent.objects.filter(request=application.request, message="Une place s'est libérée").exists()
    assert list(DecisionNotice.objects.filter(request=application.request).values_list("state", flat=True)) == [
        "Sur liste d'attente",
        "Accepté",
    ]


def test_bulk_decisions_go_through_the_service(client, instructor, applications):
    confirm = text(client.get(bulk_url("waiting", *applications)))
    assert "Mettre 2 pré-inscriptions sur liste d'attente ?" in confirm
    # The page names what is decided (it said «Demandes du dossier famille», the family-file queue's subtitle).
    assert "Pré-inscriptions en crèche" in confirm and "Demandes du dossier famille" not in confirm
    submit(client, bulk_url("waiting", *applications), {"message": "Complet"})
    assert {a.request.__class__.objects.get(pk=a.request.pk).state for a in applications} == {RequestState.WAITING}
    submit(client, bulk_url("refuse", *applications), {"message": "Désolés"})
    assert {a.request.__class__.objects.get(pk=a.request.pk).state for a in applications} == {RequestState.REFUSED}


def test_a_decision_sent_twice_is_taken_once(client, instructor, applications):
    url = f"{QUEUE}inspect/{applications[0].pk}/"
    form = {"decision": "waiting", "message": "Complet", "intent": intent_in(client.get(url))}
    client.post(url, form)
    again = client.post(url, form)

    assert again.status_code == 302
    assert "Cette demande est déjà enregistrée." in text(client.get(again.url))
    assert RequestEvent.objects.filter(request=applications[0].request, message="Complet").count() == 1
    assert DecisionNotice.objects.filter(request=applications[0].request).count() == 1


def test_a_bulk_decision_sent_twice_decides_once(client, instructor, applications):
    url = bulk_url("accept", *applications)
    form = {"message": "Bienvenue", "intent": intent_in(client.get(url))}
    client.post(url, form)
    again = client.post(url, form)

    page = text(client.get(again.url))
    assert "Cette demande est déjà enregistrée." in page and "déjà traitée" not in page
    assert RequestEvent.objects.filter(message="Bienvenue").count() == 2


def test_a_family_cannot_reach_the_queue(client, applications):
    client.force_login(UserFactory())
    assert client.get(QUEUE).status_code in (302, 403)
