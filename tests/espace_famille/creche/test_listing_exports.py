"""Export of the crèche pre-registrations' queue: French headings, the queue's filters, the view permission, a fixed
number of queries."""

from datetime import date, datetime

import pytest
from wagtail.models import ModelLogEntry

from commun.listing_exports import EXPORT_ACTION
from espace_famille.comptes.permissions import COMMUNICATION, INSTRUCTORS
from tests.espace_famille.creche.factories import creche, submitted_application
from tests.exports import assert_refused, csv_rows, export_queries, xlsx_sheet
from tests.factories import UserFactory, role

pytestmark = pytest.mark.django_db

QUEUE = "/admin/snippets/creche/crecheapplication/"


def staff(group_name):
    user = UserFactory(email=f"{group_name.lower().replace(' ', '')}@example.org", is_staff=True)
    user.groups.add(role(group_name))
    return user


@pytest.fixture
def instructor(client, site):
    user = staff(INSTRUCTORS)
    client.force_login(user)
    return user


def test_the_applications_csv_and_xlsx(client, instructor):
    petits = creche("Les Petits Loups")
    submitted_application(family_name="DURANT", child="Lou", choices=[petits], entry_date=date(2027, 9, 1))
    rows = csv_rows(client.get(QUEUE, {"export": "csv"}))
    assert rows[0] == [
        "Date",
        "Famille",
        "Prénom de l'enfant",
        "Choix 1",
        "Date d'entrée souhaitée",
        "État",
        "Traitée le",
    ]
    assert rows[1][1:] == ["DURANT", "Lou", "Les Petits Loups", "01/09/2027", "En cours d'instruction", ""]
    sheet = xlsx_sheet(client.get(QUEUE, {"export": "xlsx"}))
    values = [cell.value for cell in sheet[2]]
    assert isinstance(values[0], datetime) and values[4] == datetime(2027, 9, 1) and values[6] is None


def test_the_filters_of_the_applications_queue_filter_its_export(client, instructor):
    petits, grands = creche("Les Petits Loups"), creche("Les Grands Ours")
    submitted_application(family_name="DURANT", child="Lou", choices=[petits])
    submitted_application(family_name="MARTIN", child="Noé", choices=[grands, petits])
    first = csv_rows(client.get(QUEUE, {"first_choice": grands.pk, "export": "csv"}))
    assert [row[1] for row in first[1:]] == ["MARTIN"]
    searched = csv_rows(client.get(QUEUE, {"q": "Lou", "export": "csv"}))
    assert [row[2] for row in searched[1:]] == ["Lou"]


def test_the_applications_are_not_exported_without_the_view_permission(client, site):
    client.force_login(staff(COMMUNICATION))
    submitted_application(family_name="DURANT", child="Lou", choices=[creche("Les Petits Loups")])
    assert_refused(client.get(QUEUE, {"export": "csv"}))
    assert not ModelLogEntry.objects.filter(action=EXPORT_ACTION).exists()


def test_the_applications_export_reads_with_as_many_queries_for_2_rows_as_for_20(client, instructor):
    petits = creche("Les Petits Loups")

    def applications(count, start):
        for index in range(start, start + count):
            submitted_application(family_name=f"FAMILLE{index}", child="Lou", choices=[petits])

    applications(2, 0)
    export_queries(client, QUEUE)
    few = export_queries(client, QUEUE)
    applications(18, 2)
    assert export_queries(client, QUEUE) == few
