"""A change asked on a family-file page holds the parent's edits and nothing else: once accepted, the file is the one
the parent saw plus those edits (an unchanged field, row or IBAN stays as it was)."""

from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from espace_famille.comptes.permissions import INSTRUCTORS
from espace_famille.demandes.models import Request, RequestKind, RequestState
from espace_famille.dossier.models import AuthorizedContact, Child, Family, Guardian, Vaccination
from tests.conftest import CommittingClient
from tests.espace_famille.modifications.page_form import edit_and_submit, edited
from tests.factories import PASSWORD, ChildFactory, FamilyFactory, GuardianFactory, UserFactory, role

pytestmark = pytest.mark.django_db
IBAN = "FR7630006000011234567890189"


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def family(site):
    return FamilyFactory(
        name="DURANT",
        quotient=640,
        allocataire_number="1234567",
        dependants=2,
        address_line="1 rue des Écoles",
        address_complement="Bâtiment B",
        postcode="21120",
        city="Is-sur-Tille",
        account_holder="M. Jean DURANT",
        iban=IBAN,
        bic="AGRIFRPP882",
    )


@pytest.fixture
def guardian(family):
    return GuardianFactory(
        family=family,
        email="jean@example.org",
        phone="03 80 00 00 00",
        mobile="06 12 34 56 78",
        quality="pere",
        accepts_sms=True,
    )


@pytest.fixture
def child(family):
    child = ChildFactory(family=family, allergies="", insurance_company="MAIF", glasses=True, allows_photo=True)
    Vaccination.objects.create(child=child, name="DTP", date=date(2011, 2, 1), booster_date=date(2016, 2, 1))
    Vaccination.objects.create(child=child, name="ROR", date=date(2011, 6, 1))
    AuthorizedContact.objects.create(
        child=child, full_name="BARRET Jean", mobile="06 11 11 11 11", relationship="voisin", can_pick_up=True
    )
    AuthorizedContact.objects.create(
        child=child, full_name="MARTIN Paule", phone="03 80 22 22 22", relationship="grand-parent", emergency_call=True
    )
    return child


@pytest.fixture
def parent(client, family):
    user = UserFactory()
    family.subscriptions.create(user=user, method="code")
    client.force_login(user)
    return user


@pytest.fixture
def instructor():
    user = UserFactory(email="instructeur@example.org")
    user.groups.add(role(INSTRUCTORS))
    return user


def accept_in_the_admin(instructor, request: Request):
    """The instructor opens the request in the admin and presses «Accepter»."""
    admin = CommittingClient()
    admin.force_login(instructor)
    url = f"/admin/snippets/espace_famille/request/inspect/{request.pk}/"
    page = admin.get(url)
    assert page.status_code == 200
    admin.post(url, edited(page, {"decision": "accept"}))
    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTED


def rows(child: Child, name: str) -> list[tuple]:
    if name == "contacts":
        return list(child.contacts.order_by("pk").values_list("pk", "full_name", "mobile", "phone", "can_pick_up"))
    return list(child.vaccinations.order_by("pk").values_list("pk", "name", "date", "booster_date"))


def test_changing_one_field_of_a_child_keeps_its_contacts_and_vaccines(client, parent, child, instructor):
    contacts, vaccines = rows(child, "contacts"), rows(child, "vaccinations")
    url = reverse("espace_famille:child_edit", args=[child.pk])

    edit_and_submit(client, url, {"child-allergies": "arachide"})

    request = Request.objects.get()
    assert set(request.changes) == {"allergies"}
    accept_in_the_admin(instructor, request)
    child.refresh_from_db()
    assert child.allergies == "arachide"
    assert rows(child, "contacts") == contacts and rows(child, "vaccinations") == vaccines
    assert (child.insurance_company, child.glasses, child.allows_photo) == ("MAIF", True, True)


def test_a_row_goes_only_when_its_supprimer_is_ticked_and_accepting_touches_only_the_rows_named(
    client, parent, child, instructor
):
    (barret, *_), (martin, *_) = rows(child, "contacts")
    (dtp, *_), (ror, *_) = rows(child, "vaccinations")
    url = reverse("espace_famille:child_edit", args=[child.pk])
    page = client.get(url)
    form = edited(page)
    names = {form[f"contacts-{i}-full_name"]: i for i in range(2)}
    vaccines = {form[f"vaccinations-{i}-name"]: i for i in range(2)}
    # «Ajouter un adulte», then fill the new row in; tick «Supprimer» on MARTIN; change the date of the ROR.
    added = client.post(url, {**form, "add": "contacts"})
    assert 'name="contacts-2-full_name"' in text(added)
    data = edited(
        added,
        {
            "contacts-2-full_name": "PETIT Luc",
            "contacts-2-mobile": "06 33 33 33 33",
            "contacts-2-relationship": "oncle-tante",
            f"contacts-{names['MARTIN Paule']}-DELETE": "on",
            f"vaccinations-{vaccines['ROR']}-date": "2011-07-01",
        },
    )
    client.post(url, data)

    request = Request.objects.get()
    assert set(request.changes) == {"contacts", "vaccinations"}
    accept_in_the_admin(instructor, request)
    contacts = rows(child, "contacts")
    assert [row[1] for row in contacts] == ["BARRET Jean", "PETIT Luc"]
    assert contacts[0][0] == barret, "the unchanged contact keeps its record"
    assert not AuthorizedContact.objects.filter(pk=martin).exists()
    vaccinations = rows(child, "vaccinations")
    assert vaccinations[0] == (dtp, "DTP", date(2011, 2, 1), date(2016, 2, 1))
    assert vaccinations[1][1:] == ("ROR", date(2011, 7, 1), None)


def test_an_added_row_left_empty_is_not_a_row(client, parent, child):
    url = reverse("espace_famille:child_edit", args=[child.pk])
    added = client.post(url, {**edited(client.get(url)), "add": "vaccinations"})
    client.post(url, edited(added))
    assert not Request.objects.exists()


GUARDIAN_FIELDS = ("civility", "last_name", "first_name", "email", "phone", "mobile", "quality", "accepts_sms")


def test_changing_one_guardian_field_keeps_the_others(client, parent, guardian, instructor):
    before = {name: getattr(guardian, name) for name in GUARDIAN_FIELDS}
    edit_and_submit(client, reverse("espace_famille:guardian_edit", args=[guardian.pk]), {"guardian-email": "j@ex.fr"})

    request = Request.objects.get()
    assert request.changes == {"email": {"before": "jean@example.org", "after": "j@ex.fr"}}
    accept_in_the_admin(instructor, request)
    guardian.refresh_from_db()
    assert {name: getattr(guardian, name) for name in GUARDIAN_FIELDS} == {**before, "email": "j@ex.fr"}


FAMILY_FIELDS = (
    "quotient",
    "allocataire_number",
    "dependants",
    "address_line",
    "address_complement",
    "postcode",
    "city",
    "account_holder",
    "iban",
    "bic",
)


@pytest.mark.parametrize(
    ("edits", "kind", "changed"),
    [
        ({"address-city": "Dijon"}, RequestKind.ADDRESS_CHANGE, {"city": "Dijon"}),
        ({"fiscal-dependants": "3"}, RequestKind.FISCAL_CHANGE, {"dependants": 3}),
        (
            {"bank-account_holder": "Mme Anne DURANT", "bank-password": PASSWORD},
            RequestKind.BANK_CHANGE,
            {"account_holder": "Mme Anne DURANT"},
        ),
    ],
)
def test_changing_one_field_common_to_the_family_keeps_the_others(
    client, parent, family, guardian, instructor, edits, kind, changed
):
    before = {name: getattr(family, name) for name in FAMILY_FIELDS}
    edit_and_submit(client, reverse("espace_famille:guardian_edit", args=[guardian.pk]), edits)

    request = Request.objects.get()
    assert request.kind == kind and {name: change["after"] for name, change in request.changes.items()} == changed
    accept_in_the_admin(instructor, request)
    family.refresh_from_db()
    assert {name: getattr(family, name) for name in FAMILY_FIELDS} == {**before, **changed}
    assert family.iban == IBAN, "an IBAN left empty is kept"


def test_a_value_the_service_changed_while_the_page_was_open_is_not_asked_back(client, parent, family, guardian):
    url = reverse("espace_famille:guardian_edit", args=[guardian.pk])
    page = client.get(url)
    Family.objects.filter(pk=family.pk).update(city="Dijon", postcode="21000")
    Guardian.objects.filter(pk=guardian.pk).update(phone="03 80 99 99 99")

    client.post(url, edited(page, {"guardian-mobile": "06 98 76 54 32"}))

    request = Request.objects.get()
    assert request.kind == RequestKind.GUARDIAN_CHANGE
    assert request.changes == {"mobile": {"before": "06 12 34 56 78", "after": "06 98 76 54 32"}}


def test_a_phone_written_another_way_in_the_file_is_not_a_change(client, parent, guardian):
    Guardian.objects.filter(pk=guardian.pk).update(mobile="0612345678")
    page = edit_and_submit(client, reverse("espace_famille:guardian_edit", args=[guardian.pk]), follow=True)
    assert "Aucune modification à transmettre" in text(page)
    assert not Request.objects.exists()


def test_a_pending_bank_change_does_not_ask_for_the_password_to_change_the_address(client, parent, family, guardian):
    url = reverse("espace_famille:guardian_edit", args=[guardian.pk])
    edit_and_submit(client, url, {"bank-account_holder": "Mme Anne DURANT", "bank-password": PASSWORD})
    response = edit_and_submit(client, url, {"address-city": "Dijon", "address-postcode": "21000"})

    assert response.status_code == 302
    assert {r.kind: set(r.changes) for r in Request.objects.all()} == {
        RequestKind.BANK_CHANGE: {"account_holder"},
        RequestKind.ADDRESS_CHANGE: {"city", "postcode"},
    }


def test_a_pending_bank_value_cannot_be_changed_without_the_password(client, parent, family, guardian):
    url = reverse("espace_famille:guardian_edit", args=[guardian.pk])
    edit_and_submit(client, url, {"bank-account_holder": "Mme Anne DURANT", "bank-password": PASSWORD})
    # A forged page: the box says it showed the value it now sends, to pass it off as untouched.
    page = client.get(url)
    client.post(url, edited(page, {"bank-account_holder": "M. Escroc", "initial-bank-account_holder": "M. Escroc"}))
    assert Request.objects.get().changes["account_holder"]["after"] == "Mme Anne DURANT"


def test_a_child_added_is_exactly_the_child_asked(client, parent, family, instructor):
    url = reverse("espace_famille:child_add")
    page = client.post(url, {**edited(client.get(url)), "add": "contacts"})
    edits = {
        "child-last_name": "DURANT",
        "child-first_name": "Nathan",
        "child-birth_date": "2015-11-24",
        "child-sex": "M",
        "child-allows_outings": "on",
        "contacts-0-full_name": "BARRET Jean",
        "contacts-0-mobile": "0611111111",
        "contacts-0-relationship": "voisin",
    }
    client.post(url, edited(page, edits))

    accept_in_the_admin(instructor, Request.objects.get(kind=RequestKind.CHILD_ADD))
    child = family.children.get()
    assert (child.first_name, child.birth_date, child.sex, child.allows_outings) == (
        "Nathan",
        date(2015, 11, 24),
        "M",
        True,
    )
    assert (child.glasses, child.allows_photo, child.allergies) == (False, False, "")
    assert list(child.contacts.values_list("full_name", "mobile", "relationship")) == [
        ("BARRET Jean", "06 11 11 11 11", "voisin")
    ]
    assert not child.vaccinations.exists()


def test_an_error_in_the_vaccines_or_contacts_tables_is_announced_by_the_banner_at_the_top(client, parent, child):
    url = reverse("espace_famille:child_edit", args=[child.pk])
    form = edited(client.get(url))
    ror = next(i for i in range(2) if form[f"vaccinations-{i}-name"] == "ROR")
    response = client.post(url, {**form, f"vaccinations-{ror}-booster_date": "2010-01-01"})

    page = text(response)
    assert response.status_code == 400 and not Request.objects.exists()
    banner = page.index('<div class="form-errors" role="alert">')
    assert banner < page.index("Informations générales")
    assert "Le formulaire contient des erreurs : corrigez les champs signalés." in page[banner:]
    assert "La date de rappel suit la date de vaccination." in page
