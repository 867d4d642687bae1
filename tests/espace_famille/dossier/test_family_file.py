"""«Ma famille»: the guardians and children screens turn every change into a request; nothing changes before it
is accepted, and pending values are shown in yellow beside the current ones."""

import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espace_famille.demandes.exceptions import StaleRequest
from espace_famille.demandes.models import Request, RequestKind, RequestState
from espace_famille.dossier.models import Guardian, Subscription, Vaccination
from espace_famille.modifications import services as modifications_services
from tests.espace_famille.modifications.page_form import edit_and_submit, edited
from tests.factories import PASSWORD, ChildFactory, FamilyFactory, GuardianFactory, UserFactory, service_instructor

pytestmark = pytest.mark.django_db
VALID_IBAN = "FR7630006000011234567890189"


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def family(site):
    family = FamilyFactory(name="DURANT", address_line="1 rue des Écoles", postcode="21120", city="Is-sur-Tille")
    GuardianFactory(family=family, first_name="Jean", phone="03 80 00 00 00")
    return family


@pytest.fixture
def guardian(family):
    return family.guardians.get()


@pytest.fixture
def child(family):
    return ChildFactory(family=family, first_name="Léa", birth_date=date(2010, 1, 1))


@pytest.fixture
def parent(client, family):
    user = UserFactory()
    Subscription.objects.create(user=user, family=family, method="code")
    client.force_login(user)
    return user


@pytest.fixture
def instructor():
    return service_instructor(email="instructeur@example.org", is_staff=True)


def add_row(client, url: str, prefix: str, row: dict):
    """«Ajouter un vaccin» (or «Ajouter un adulte»), fill the new row in, «Soumettre la modification»."""
    page = client.post(url, {**edited(client.get(url)), "add": prefix})
    index = int(edited(page)[f"{prefix}-TOTAL_FORMS"]) - 1
    return client.post(url, edited(page, {f"{prefix}-{index}-{key}": value for key, value in row.items()}))


def test_ma_famille_shows_a_card_per_member_with_birth_date_and_age(client, parent, family, child):
    page = text(client.get(reverse("espace_famille:family_file")))
    assert "Jean DURANT" in page and "Léa DURANT" in page
    assert re.search(r"1 janvier 2010 / \d+ ans", page)
    assert page.count("Modifier la photo") == 2
    assert "Accueil" in page and "Espace famille" in page and 'aria-current="page">Ma famille' in page


def test_ma_famille_reads_with_the_same_number_of_queries_whatever_the_family_size(client, parent, family):
    ChildFactory(family=family)
    client.get(reverse("espace_famille:family_file"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("espace_famille:family_file"))
    for _ in range(6):
        child = ChildFactory(family=family)
        modifications_services.family_file_submit(
            family=family, kind=RequestKind.CHILD_CHANGE, values={"allergies": "arachide"}, by=parent, child=child
        )
    with CaptureQueriesContext(connection) as big:
        response = client.get(reverse("espace_famille:family_file"))
    assert text(response).count("Modification en attente") == 6
    assert len(big.captured_queries) == len(small.captured_queries)


def test_a_phone_change_becomes_a_request_and_the_file_is_untouched(client, parent, guardian):
    response = edit_and_submit(
        client, reverse("espace_famille:guardian_edit", args=[guardian.pk]), {"guardian-mobile": "0612345678"}
    )
    assert response.status_code == 302
    request = Request.objects.get()
    assert request.kind == RequestKind.GUARDIAN_CHANGE and request.state == RequestState.PENDING
    assert request.changes == {"mobile": {"before": "", "after": "06 12 34 56 78"}}
    assert request.subject == "DURANT Jean"
    guardian.refresh_from_db()
    assert guardian.mobile == ""

    page = text(client.get(reverse("espace_famille:guardian_edit", args=[guardian.pk])))
    assert "Certains champs sont en demande de modification." in page
    field = re.search(
        r'<div class="field field-pending">.*?</div>\s*</div>|<div class="field field-pending">.*?</p>', page, re.S
    )
    assert field and "Téléphone portable" in field.group(0) and "Valeur actuelle : —" in field.group(0)
    assert 'value="06 12 34 56 78"' in page


def test_a_submission_holds_only_the_changed_values_one_request_per_kind(client, parent, guardian):
    edit_and_submit(
        client,
        reverse("espace_famille:guardian_edit", args=[guardian.pk]),
        {
            "guardian-mobile": "06 12 34 56 78",
            "address-city": "Dijon",
            "address-postcode": "21000",
            "fiscal-quotient": "640",
            "bank-account_holder": "M. Jean DURANT",
            "bank-iban": "FR76 3000 6000 0112 3456 7890 189",
            "bank-bic": "AGRIFRPP882",
            "bank-password": PASSWORD,
        },
    )
    by_kind = {r.kind: r.changes for r in Request.objects.all()}
    assert set(by_kind) == {
        RequestKind.GUARDIAN_CHANGE,
        RequestKind.ADDRESS_CHANGE,
        RequestKind.FISCAL_CHANGE,
        RequestKind.BANK_CHANGE,
    }
    assert set(by_kind[RequestKind.ADDRESS_CHANGE]) == {"city", "postcode"}
    assert by_kind[RequestKind.FISCAL_CHANGE] == {"quotient": {"before": None, "after": 640}}
    assert by_kind[RequestKind.BANK_CHANGE]["iban"]["after"] == VALID_IBAN


NEW_BANK = {"bank-account_holder": "M. Jean DURANT", "bank-iban": VALID_IBAN, "bank-bic": "AGRIFRPP882"}


def test_changing_the_bank_details_asks_for_the_password_again(client, parent, guardian):
    url = reverse("espace_famille:guardian_edit", args=[guardian.pk])
    response = edit_and_submit(client, url, {**NEW_BANK, "guardian-mobile": "06 12 34 56 78"})
    assert response.status_code == 400
    assert 'id="id_bank-password_error"' in text(response)
    assert "Saisissez le mot de passe de votre compte pour modifier vos coordonnées bancaires." in text(response)
    # Nothing is half-saved: the guardian's change waits with the bank one.
    assert not Request.objects.exists()

    response = client.post(url, edited(response, {**NEW_BANK, "bank-password": "pas-le-bon"}))
    assert response.status_code == 400 and "Le mot de passe n'est pas le bon." in text(response)
    assert not Request.objects.exists()

    client.post(url, edited(response, {**NEW_BANK, "bank-password": PASSWORD}))
    assert {request.kind for request in Request.objects.all()} == {RequestKind.BANK_CHANGE, RequestKind.GUARDIAN_CHANGE}


def test_guessing_the_password_on_the_bank_form_is_throttled(client, parent, guardian, settings):
    settings.SUBSCRIPTION_RATE = "2/h"
    url = reverse("espace_famille:guardian_edit", args=[guardian.pk])
    for _ in range(2):
        edit_and_submit(client, url, {**NEW_BANK, "bank-password": "pas-le-bon"})
    response = edit_and_submit(client, url, {**NEW_BANK, "bank-password": PASSWORD})
    assert response.status_code == 400
    assert "Trop de mots de passe erronés" in text(response)
    assert not Request.objects.exists()


def test_other_changes_do_not_ask_for_the_password(client, parent, guardian):
    url = reverse("espace_famille:guardian_edit", args=[guardian.pk])
    edit_and_submit(client, url, {"guardian-mobile": "06 12 34 56 78"})
    assert Request.objects.get().kind == RequestKind.GUARDIAN_CHANGE


def test_the_iban_is_validated_and_never_written_in_full_in_the_page(client, parent, guardian, family):
    url = reverse("espace_famille:guardian_edit", args=[guardian.pk])
    response = edit_and_submit(client, url, {"bank-iban": "FR76 3000 6000 0112 3456 7890 180"})
    assert response.status_code == 400
    assert "IBAN" in text(response) and not Request.objects.exists()

    family.iban, family.bic = VALID_IBAN, "AGRIFRPP882"
    family.save()
    response = client.get(url)
    assert VALID_IBAN not in text(response).replace(" ", "")
    assert "FR76" in text(response) and "189" in text(response)
    assert "no-store" in response["Cache-Control"]


def test_a_bad_phone_number_is_refused_beside_its_field(client, parent, guardian):
    response = edit_and_submit(
        client, reverse("espace_famille:guardian_edit", args=[guardian.pk]), {"guardian-phone": "12"}
    )
    assert response.status_code == 400
    assert 'id="id_guardian-phone_error"' in text(response)
    assert "Saisissez un numéro de téléphone valide" in text(response)
    assert not Request.objects.exists()


def test_submitting_the_file_values_again_changes_nothing_and_reverting_withdraws(client, parent, guardian):
    url = reverse("espace_famille:guardian_edit", args=[guardian.pk])
    response = edit_and_submit(client, url, follow=True)
    assert "Aucune modification à transmettre" in text(response)
    assert not Request.objects.exists()

    edit_and_submit(client, url, {"guardian-mobile": "0612345678"})
    edit_and_submit(client, url, {"guardian-mobile": "0698765432"})
    request = Request.objects.get()
    assert request.changes["mobile"]["after"] == "06 98 76 54 32"

    edit_and_submit(client, url, {"guardian-mobile": ""})
    request.refresh_from_db()
    assert request.state == RequestState.WITHDRAWN


def test_accepting_applies_the_values_and_refusing_keeps_the_file(parent, guardian, instructor):
    request = modifications_services.family_file_submit(
        family=guardian.family,
        kind=RequestKind.GUARDIAN_CHANGE,
        values={"mobile": "06 12 34 56 78"},
        by=parent,
        guardian=guardian,
    )
    modifications_services.request_accept(request=request, by=instructor, message="Numéro mis à jour.")
    guardian.refresh_from_db()
    assert guardian.mobile == "06 12 34 56 78"
    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTED and request.decided_by == instructor
    assert request.events.last().message == "Numéro mis à jour."

    refused = modifications_services.family_file_submit(
        family=guardian.family,
        kind=RequestKind.GUARDIAN_CHANGE,
        values={"mobile": "07 00 00 00 00"},
        by=parent,
        guardian=guardian,
    )
    modifications_services.request_refuse(request=refused, by=instructor, message="Numéro invalide.")
    guardian.refresh_from_db()
    assert guardian.mobile == "06 12 34 56 78"


def test_a_file_changed_since_the_request_is_not_overwritten_without_a_decision(parent, guardian, instructor):
    request = modifications_services.family_file_submit(
        family=guardian.family,
        kind=RequestKind.GUARDIAN_CHANGE,
        values={"mobile": "06 12 34 56 78"},
        by=parent,
        guardian=guardian,
    )
    Guardian.objects.filter(pk=guardian.pk).update(mobile="07 11 11 11 11")
    with pytest.raises(StaleRequest) as error:
        modifications_services.request_accept(request=request, by=instructor)
    assert error.value.fields == ["mobile"]
    guardian.refresh_from_db()
    assert guardian.mobile == "07 11 11 11 11"
    modifications_services.request_accept(request=request, by=instructor, values={"mobile": "06 22 22 22 22"})
    guardian.refresh_from_db()
    assert guardian.mobile == "06 22 22 22 22"


def test_adding_a_vaccine_goes_through_a_request_and_lands_once_accepted(client, parent, child, instructor):
    url = reverse("espace_famille:child_edit", args=[child.pk])
    page = client.post(url, {**edited(client.get(url)), "add": "vaccinations"})
    assert page.status_code == 200 and 'name="vaccinations-0-name"' in text(page)
    assert not Request.objects.exists()

    add_row(client, url, "vaccinations", {"name": "Hépatite B", "date": "2016-04-05", "booster_date": ""})
    request = Request.objects.get()
    assert request.kind == RequestKind.CHILD_CHANGE
    assert request.changes == {
        "vaccinations": {"before": [], "after": [{"name": "Hépatite B", "date": "2016-04-05", "booster_date": None}]}
    }
    assert not Vaccination.objects.exists()
    page = text(client.get(url))
    assert "Certains champs sont en demande de modification." in page and 'value="Hépatite B"' in page

    modifications_services.request_accept(request=request, by=instructor)
    assert list(child.vaccinations.values_list("name", "date")) == [("Hépatite B", date(2016, 4, 5))]


def test_contacts_need_a_phone_number(client, parent, child):
    contact = {"full_name": "BARRET Jean-philippe", "relationship": "voisin", "can_pick_up": "on"}
    response = add_row(client, reverse("espace_famille:child_edit", args=[child.pk]), "contacts", contact)
    assert response.status_code == 400
    assert "Indiquez au moins un numéro pour joindre cet adulte." in text(response)


def test_a_family_asks_to_add_a_child(client, parent, family, instructor):
    data = {
        "child-last_name": "DURANT",
        "child-first_name": "Nathan",
        "child-birth_date": "2015-11-24",
        "child-sex": "M",
    }
    response = edit_and_submit(client, reverse("espace_famille:child_add"), data, follow=True)
    assert "Ajout en attente de validation" in text(response)
    request = Request.objects.get(kind=RequestKind.CHILD_ADD)
    assert not family.children.exists()
    modifications_services.request_accept(request=request, by=instructor)
    child = family.children.get()
    assert (child.first_name, child.birth_date) == ("Nathan", date(2015, 11, 24))
    request.refresh_from_db()
    assert request.child == child


def test_a_birth_date_in_the_future_is_refused(client, parent, child):
    response = edit_and_submit(
        client, reverse("espace_famille:child_edit", args=[child.pk]), {"child-birth_date": "2999-01-01"}
    )
    assert response.status_code == 400
    assert "La date de naissance ne peut pas être dans le futur." in text(response)


def test_health_data_pages_are_never_cached(client, parent, child):
    response = client.get(reverse("espace_famille:child_edit", args=[child.pk]))
    assert "no-store" in response["Cache-Control"]


def test_a_parent_cannot_post_fields_that_are_not_theirs(client, parent, family, child):
    other_child = ChildFactory()
    url = reverse("espace_famille:child_edit", args=[child.pk])
    data = edited(client.get(url), {"child-allergies": "arachide"})
    data.update({"state": "accepted", "family": other_child.family_id, "child": other_child.pk})
    client.post(url, data)
    request = Request.objects.get()
    assert request.state == RequestState.PENDING and request.family == family and request.child == child
    assert set(request.changes) == {"allergies"}
    assert client.post(reverse("espace_famille:child_edit", args=[other_child.pk]), data).status_code == 404
    assert Request.objects.count() == 1


def family_urls(guardian, child):
    return [
        reverse("espace_famille:guardian_edit", args=[guardian.pk]),
        reverse("espace_famille:child_edit", args=[child.pk]),
        reverse("espace_famille:photo_edit", args=["responsable", guardian.pk]),
        reverse("espace_famille:photo_edit", args=["enfant", child.pk]),
        reverse("espace_famille:photo", args=["enfant", child.pk]),
    ]


def test_another_familys_members_give_404(client, parent):
    other = FamilyFactory()
    for url in family_urls(GuardianFactory(family=other), ChildFactory(family=other)):
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_login(client, guardian, child):
    urls = family_urls(guardian, child) + [reverse("espace_famille:family_file"), reverse("espace_famille:child_add")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url
