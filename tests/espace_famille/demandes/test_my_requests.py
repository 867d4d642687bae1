"""«Mes demandes»: the list with its filters and pagination, the detail with its history, unread messages."""

from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espace_famille.demandes.models import RequestKind
from espace_famille.dossier.models import Subscription
from espace_famille.modifications import services as modifications_services
from tests.factories import ChildFactory, FamilyFactory, GuardianFactory, UserFactory, parent_of, service_instructor

pytestmark = pytest.mark.django_db
LIST = reverse("espace_famille:requests")
PARIS = ZoneInfo("Europe/Paris")


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def family(site):
    family = FamilyFactory(name="BLMAN")
    GuardianFactory(family=family, first_name="Annette")
    return family


@pytest.fixture
def parent(client, family):
    user = UserFactory()
    Subscription.objects.create(user=user, family=family, method="code")
    client.force_login(user)
    return user


@pytest.fixture
def instructor():
    return service_instructor(email="instructeur@example.org", is_staff=True)


def ask_phone(family, parent, number: str):
    guardian = family.guardians.get()
    return modifications_services.family_file_submit(
        family=family, kind=RequestKind.GUARDIAN_CHANGE, values={"mobile": number}, by=parent, guardian=guardian
    )


def ask_address(family, parent, city: str):
    return modifications_services.family_file_submit(
        family=family, kind=RequestKind.ADDRESS_CHANGE, values={"city": city}, by=parent
    )


def test_the_list_counts_filters_and_paginates(client, parent, family, instructor):
    for index in range(12):
        request = ask_address(family, parent, f"Ville {index}")
        modifications_services.request_accept(request=request, by=instructor)
    ask_phone(family, parent, "06 12 34 56 78")
    page = text(client.get(LIST))
    assert "Mes demandes (13 Résultats)" in page
    assert "1 sur 2" in page
    for column in ("Date", "Description", "Statut", "Demandes modifiées", "Actions"):
        assert f">{column}</th>" in page

    pending = text(client.get(LIST, {"state": "pending"}))
    assert "Mes demandes (1 Résultat)" in pending and "Modification du responsable" in pending
    by_kind = text(client.get(LIST, {"kind": "address", "page": 2}))
    assert "Mes demandes (12 Résultats)" in by_kind and "2 sur 2" in by_kind
    assert client.get(LIST, {"state": "nimportequoi"}).status_code == 400


def test_a_decision_shows_a_new_message_until_the_request_is_opened(client, parent, family, instructor):
    request = ask_phone(family, parent, "06 12 34 56 78")
    assert "nouveau(x) message(s)" not in text(client.get(LIST))
    modifications_services.request_accept(request=request, by=instructor, message="Votre numéro est enregistré.")
    assert "1 nouveau(x) message(s)" in text(client.get(LIST))

    detail = text(client.get(reverse("espace_famille:request_detail", args=[request.pk])))
    assert "Détail de ma demande : BLMAN Annette" in detail
    assert "Historique de la demande" in detail and "Votre numéro est enregistré." in detail
    assert "Téléphone portable" in detail and "06 12 34 56 78" in detail
    assert "nouveau(x) message(s)" not in text(client.get(LIST))


def test_the_list_reads_with_a_fixed_number_of_queries(client, parent, family, instructor):
    ask_phone(family, parent, "06 12 34 56 78")
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for index in range(9):
        modifications_services.request_refuse(
            request=ask_address(family, parent, f"Ville {index}"), by=instructor, message="Non"
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert text(response).count("1 nouveau(x) message(s)") == 9
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_iban_asked_is_masked_in_the_detail(client, parent, family):
    request = modifications_services.family_file_submit(
        family=family,
        kind=RequestKind.BANK_CHANGE,
        values={"iban": "FR7630006000011234567890189", "bic": "AGRIFRPP882"},
        by=parent,
    )
    page = text(client.get(reverse("espace_famille:request_detail", args=[request.pk])))
    assert "FR7630006000011234567890189" not in page.replace(" ", "") and "FR76" in page


def test_another_familys_request_gives_404_and_anonymous_goes_to_login(client, parent, family):
    other = FamilyFactory()
    child = ChildFactory(family=other)
    stranger = parent_of(other)
    theirs = modifications_services.family_file_submit(
        family=other, kind=RequestKind.CHILD_CHANGE, values={"allergies": "arachide"}, by=stranger, child=child
    )
    url = reverse("espace_famille:request_detail", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert "arachide" not in text(client.get(LIST))
    client.logout()
    for target in (url, LIST):
        response = client.get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_request_is_dated_to_the_second_as_the_guides_list_shows_it(client, parent, family, time_machine):
    time_machine.move_to(datetime(2018, 12, 5, 13, 59, 9, tzinfo=PARIS), tick=False)
    request = ask_address(family, parent, "Dijon")
    assert '<td data-label="Date">5 déc. 2018 13:59:09</td>' in text(client.get(LIST))
    detail = text(client.get(reverse("espace_famille:request_detail", args=[request.pk])))
    assert "<dt>Date</dt><dd>5 déc. 2018 13:59:09</dd>" in detail
