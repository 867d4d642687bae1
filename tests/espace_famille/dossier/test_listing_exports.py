"""Exports of the family-file listings (families, guardians, children): French headings, typed values, the listing's
filters and search, the view permission, the audit entry, and a fixed number of queries."""

from datetime import date, datetime

import pytest
from django.contrib.auth.models import Permission
from wagtail.models import ModelLogEntry

from commun.listing_exports import EXPORT_ACTION
from espace_famille.comptes.permissions import COMMUNICATION, INSTRUCTORS, REGISSEURS
from espace_famille.dossier.models import Quality, Sex
from tests.exports import assert_refused, csv_rows, export_queries, xlsx_rows, xlsx_sheet
from tests.factories import ChildFactory, FamilyFactory, GuardianFactory, UserFactory, role

pytestmark = pytest.mark.django_db

FAMILIES = "/admin/espace_famille/family/"
GUARDIANS = "/admin/espace_famille/guardian/"
CHILDREN = "/admin/espace_famille/child/"


def signed_in(client, group):
    user = UserFactory(email=f"{group.lower().replace(' ', '')}@example.org", is_staff=True)
    user.groups.add(role(group))
    client.force_login(user)
    return user


@pytest.fixture
def instructor(client, site):
    return signed_in(client, INSTRUCTORS)


def durant():
    family = FamilyFactory(
        name="DURANT",
        address_line="1 rue de la Paix",
        postcode="92100",
        city="Boulogne-Billancourt",
        quotient=850,
        iban="FR7630006000011234567890189",
        subscriber_code="SECRETDURANT",
    )
    GuardianFactory(
        family=family, first_name="Jean", quality=Quality.FATHER, email="jean@example.org", accepts_sms=True
    )
    ChildFactory(family=family, first_name="Léa", birth_date=date(2016, 3, 12), sex=Sex.GIRL, allergies="Arachide")
    return family


def test_the_families_csv_has_french_headings_and_the_family_in_french(client, instructor):
    durant()
    rows = csv_rows(client.get(FAMILIES, {"export": "csv"}))
    assert rows[0] == [
        "Famille",
        "Adresse",
        "Complément d'adresse",
        "Code postal",
        "Commune",
        "Quotient familial",
        "N° allocataire",
        "Enfants à charge",
        "Responsables",
        "Enfants",
        "Créée le",
    ]
    (row,) = rows[1:]
    assert row[:10] == ["DURANT", "1 rue de la Paix", "", "92100", "Boulogne-Billancourt", "850", "", "", "1", "1"]
    assert datetime.strptime(row[10], "%d/%m/%Y %H:%M")


def test_a_family_export_holds_neither_the_subscriber_code_nor_the_iban(client, instructor):
    durant()
    for export in ("csv", "xlsx"):
        response = client.get(FAMILIES, {"export": export})
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if export == "csv":
            assert b"SECRETDURANT" not in body and b"FR76" not in body
    cells = [value for row in xlsx_rows(client.get(FAMILIES, {"export": "xlsx"})) for value in row]
    assert "SECRETDURANT" not in cells
    assert not any(isinstance(value, str) and value.startswith("FR76") for value in cells)


def test_the_families_xlsx_opens_with_typed_cells(client, instructor):
    durant()
    sheet = xlsx_sheet(client.get(FAMILIES, {"export": "xlsx"}))
    assert sheet.title == "Familles"
    header, row = list(sheet.iter_rows(values_only=True))
    assert header[0] == "Famille" and row[0] == "DURANT"
    assert row[5] == 850  # a number, not text
    assert isinstance(row[10], datetime)
    assert sheet.cell(row=2, column=11).number_format == "DD/MM/YYYY HH:MM"
    assert row[6] is None  # an empty N° allocataire is an empty cell, never «None»


def test_the_search_of_the_families_listing_filters_its_export(client, instructor):
    durant()
    FamilyFactory(name="MARTIN")
    rows = csv_rows(client.get(FAMILIES, {"q": "MARTIN", "export": "csv"}))
    assert [row[0] for row in rows[1:]] == ["MARTIN"]


def test_the_guardians_csv_reads_choices_and_booleans_in_french(client, instructor):
    durant()
    rows = csv_rows(client.get(GUARDIANS, {"export": "csv"}))
    assert rows[0] == [
        "Nom",
        "Prénom",
        "Civilité",
        "Qualité",
        "Situation familiale",
        "Famille",
        "E-mail",
        "Téléphone",
        "Téléphone portable",
        "Accepte les e-mails",
        "Accepte les SMS",
    ]
    assert rows[1] == ["DURANT", "Jean", "M.", "Père", "", "DURANT", "jean@example.org", "", "", "Oui", "Oui"]


def test_the_filter_of_the_guardians_listing_filters_its_export(client, instructor):
    durant()
    GuardianFactory(family=FamilyFactory(name="MARTIN"), first_name="Anne", quality=Quality.MOTHER)
    rows = csv_rows(client.get(GUARDIANS, {"quality": Quality.MOTHER, "export": "csv"}))
    assert [row[1] for row in rows[1:]] == ["Anne"]


def test_the_children_export_holds_no_health_data(client, instructor):
    durant()
    rows = csv_rows(client.get(CHILDREN, {"export": "csv"}))
    assert rows[0] == ["Nom", "Prénom", "Date de naissance", "Sexe", "Famille", "Adultes habilités"]
    assert rows[1] == ["DURANT", "Léa", "12/03/2016", "Fille", "DURANT", "0"]
    cells = xlsx_rows(client.get(CHILDREN, {"export": "xlsx"}))
    assert cells[1][2] == datetime(2016, 3, 12)  # a date cell (openpyxl reads it back as a datetime)
    assert "Arachide" not in [value for row in cells for value in row]
    assert not ModelLogEntry.objects.filter(action="portail.health.read").exists()


def test_the_sex_filter_of_the_children_listing_filters_its_export(client, instructor):
    durant()
    ChildFactory(family=FamilyFactory(name="MARTIN"), first_name="Paul", sex=Sex.BOY)
    rows = csv_rows(client.get(CHILDREN, {"sex": Sex.BOY, "export": "csv"}))
    assert [row[1] for row in rows[1:]] == ["Paul"]


@pytest.mark.parametrize("url", [FAMILIES, GUARDIANS, CHILDREN])
def test_staff_without_the_view_permission_cannot_export(client, site, url):
    signed_in(client, COMMUNICATION)
    durant()
    for export in ("csv", "xlsx"):
        assert_refused(client.get(url, {"export": export}))
    assert not ModelLogEntry.objects.filter(action=EXPORT_ACTION).exists()


def test_staff_who_may_change_families_but_not_view_them_see_the_listing_but_cannot_export(client, site):
    user = UserFactory(email="editeur@example.org", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_family", content_type__app_label="espace_famille"),
    )
    client.force_login(user)
    durant()
    listing = client.get(FAMILIES)
    assert listing.status_code == 200 and "DURANT" in listing.content.decode()
    assert "Télécharger en CSV" not in listing.content.decode()
    assert_refused(client.get(FAMILIES, {"export": "csv"}))


def test_a_regisseur_reads_the_families_but_not_the_children(client, site):
    # Régisseurs may view families (billing needs them), not the children's files.
    signed_in(client, REGISSEURS)
    durant()
    assert csv_rows(client.get(FAMILIES, {"export": "csv"}))[1][0] == "DURANT"
    assert_refused(client.get(CHILDREN, {"export": "csv"}))


def test_an_export_is_audited_with_the_listing_and_the_number_of_rows(client, instructor):
    durant()
    FamilyFactory(name="MARTIN")
    client.get(FAMILIES, {"q": "DURANT", "export": "xlsx"})
    entry = ModelLogEntry.objects.get(action=EXPORT_ACTION)
    assert entry.user == instructor
    assert entry.data["listing"] == "familles"
    assert entry.data["rows"] == 1
    assert entry.data["format"] == "XLSX"
    assert entry.data["filters"] == "q=DURANT"
    assert entry.message == "Liste « Familles » exportée en XLSX : 1 ligne"


def test_the_listing_shows_the_export_buttons_to_who_may_export(client, instructor):
    page = client.get(FAMILIES).content.decode()
    assert "Télécharger en CSV" in page and "Télécharger en XLSX" in page


@pytest.mark.parametrize("url", [FAMILIES, GUARDIANS, CHILDREN])
def test_an_export_reads_with_as_many_queries_for_2_rows_as_for_20(client, instructor, url):
    export_queries(client, url)  # the first request of a test warms the caches (content types, site)
    for _ in range(2):
        ChildFactory(family=GuardianFactory().family)
    few = export_queries(client, url)
    for _ in range(18):
        ChildFactory(family=GuardianFactory().family)
    assert export_queries(client, url) == few
