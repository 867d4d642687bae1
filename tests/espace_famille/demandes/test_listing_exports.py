"""Exports of the «Demandes» queues (family-file requests, bookings and absences): French headings, the rows the
queue's filters and search keep (pending ones by default, as the queue opens), the view permission, a fixed number
of queries."""

from datetime import date, datetime

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from commun.listing_exports import EXPORT_ACTION
from espace_famille.comptes.permissions import COMMUNICATION, INSTRUCTORS
from espace_famille.demandes.models import Request, RequestKind, RequestLine, RequestState
from espace_famille.dossier.models import Subscription
from espace_famille.modifications import services as modifications_services
from espace_famille.planning.models import Activity
from tests.exports import assert_refused, csv_rows, export_queries, xlsx_sheet
from tests.factories import ActivityFactory, ChildFactory, FamilyFactory, GuardianFactory, UserFactory, role

pytestmark = pytest.mark.django_db

FAMILY_FILE_QUEUE = "/admin/snippets/espace_famille/request/"
PLANNING_QUEUE = "/admin/snippets/espace_famille/demandes-planning/"


def staff(group_name):
    user = UserFactory(email=f"{group_name.lower().replace(' ', '')}@example.org", is_staff=True)
    user.groups.add(role(group_name))
    return user


@pytest.fixture
def instructor(client, site):
    user = staff(INSTRUCTORS)
    client.force_login(user)
    return user


def guardian_change(name="DURANT", phone="0611223344") -> Request:
    guardian = GuardianFactory(family=FamilyFactory(name=name), first_name="Jean", phone="0102030405")
    parent = UserFactory(email=f"{name.lower()}@example.org")
    Subscription.objects.create(user=parent, family=guardian.family, method="code")
    return modifications_services.family_file_submit(
        family=guardian.family, kind=RequestKind.GUARDIAN_CHANGE, values={"phone": phone}, by=parent, guardian=guardian
    )


def evening():
    return Activity.objects.filter(code="4").first() or ActivityFactory(code="4", label="Péri SOIR")


def booking_request(name="BLMAN", first_name="Léo", days=(date(2026, 11, 16), date(2026, 11, 17)), **fields):
    child = ChildFactory(family=FamilyFactory(name=name), first_name=first_name)
    activity = fields.pop("activity", None) or evening()
    request = Request.objects.create(
        family=child.family,
        child=child,
        activity=activity,
        kind=fields.pop("kind", RequestKind.BOOKING),
        start_date=min(days),
        end_date=max(days),
        **fields,
    )
    RequestLine.objects.bulk_create(RequestLine(request=request, day=day) for day in days)
    return request


def test_the_family_file_queue_csv_has_french_headings_and_the_request(client, instructor):
    request = guardian_change()
    rows = csv_rows(client.get(FAMILY_FILE_QUEUE, {"export": "csv"}))
    assert rows[0] == ["Date", "Type", "Famille", "Concerne", "État", "Traitée le"]
    assert rows[1][1:] == ["Modification du responsable", "DURANT", request.subject, "En cours d'instruction", ""]
    assert rows[1][0] == f"{timezone.localtime(request.created_at):%d/%m/%Y %H:%M}"


def test_the_family_file_queue_exports_the_values_asked_for_nowhere(client, instructor):
    guardian_change(phone="0699887766")
    rows = csv_rows(client.get(FAMILY_FILE_QUEUE, {"export": "csv"}))
    assert "0699887766" not in ";".join(";".join(row) for row in rows)


def test_the_family_file_queue_exports_the_pending_requests_unless_its_filter_says_otherwise(client, instructor):
    guardian_change("DURANT")
    refused = guardian_change("MARTIN")
    modifications_services.request_refuse(request=refused, by=instructor)
    pending = csv_rows(client.get(FAMILY_FILE_QUEUE, {"export": "csv"}))
    assert [row[2] for row in pending[1:]] == ["DURANT"]
    everything = csv_rows(client.get(FAMILY_FILE_QUEUE, {"state": "all", "export": "csv"}))
    assert sorted(row[2] for row in everything[1:]) == ["DURANT", "MARTIN"]
    searched = csv_rows(client.get(FAMILY_FILE_QUEUE, {"state": "all", "q": "MARTIN", "export": "csv"}))
    assert [(row[2], row[4]) for row in searched[1:]] == [("MARTIN", "Refusée")]
    assert searched[1][5]  # the day it was decided


def test_the_planning_queue_csv_and_xlsx(client, instructor):
    booking_request()
    rows = csv_rows(client.get(PLANNING_QUEUE, {"export": "csv"}))
    assert rows[0] == [
        "Famille",
        "Enfant",
        "Type demande",
        "Activité",
        "Structure",
        "Du",
        "Au",
        "Nombre de jours",
        "Demandée le",
        "État",
        "Traitée le",
    ]
    assert rows[1][:8] == [
        "BLMAN",
        "Léo BLMAN",
        "Ajout de réservation",
        "4/Péri SOIR",
        "Ecole Lux",
        "16/11/2026",
        "17/11/2026",
        "2",
    ]
    assert rows[1][9:] == ["En cours d'instruction", ""]
    sheet = xlsx_sheet(client.get(PLANNING_QUEUE, {"export": "xlsx"}))
    values = [cell.value for cell in sheet[2]]
    assert values[5] == datetime(2026, 11, 16) and values[7] == 2 and values[10] is None
    assert sheet.title == "Demandes de réservation et d'ab"  # a sheet's name holds 31 characters


def test_the_filters_of_the_planning_queue_filter_its_export(client, instructor):
    booking_request("BLMAN", kind=RequestKind.BOOKING)
    booking_request("MARTIN", "Zoé", kind=RequestKind.ABSENCE)
    booking_request("PETIT", "Tom", days=(date(2026, 12, 7),))
    absences = csv_rows(client.get(PLANNING_QUEUE, {"kind": RequestKind.ABSENCE, "export": "csv"}))
    assert [row[0] for row in absences[1:]] == ["MARTIN"]
    december = csv_rows(
        client.get(PLANNING_QUEUE, {"days_from": "2026-12-01", "days_to": "2026-12-31", "export": "csv"})
    )
    assert [row[0] for row in december[1:]] == ["PETIT"]
    searched = csv_rows(client.get(PLANNING_QUEUE, {"q": "zoé", "export": "csv"}))
    assert [row[1] for row in searched[1:]] == ["Zoé MARTIN"]


@pytest.mark.parametrize("url", [FAMILY_FILE_QUEUE, PLANNING_QUEUE])
def test_a_queue_is_not_exported_without_the_view_permission(client, site, url):
    client.force_login(staff(COMMUNICATION))
    guardian_change()
    booking_request()
    assert_refused(client.get(url, {"export": "csv"}))
    assert_refused(client.get(url, {"export": "xlsx"}))
    assert not ModelLogEntry.objects.filter(action=EXPORT_ACTION).exists()


def test_a_queue_export_is_audited(client, instructor):
    booking_request()
    booking_request("MARTIN", "Zoé")
    client.get(PLANNING_QUEUE, {"export": "csv"})
    entry = ModelLogEntry.objects.get(action=EXPORT_ACTION)
    assert (entry.user, entry.data["listing"], entry.data["rows"]) == (instructor, "demandes-reservations", 2)
    assert entry.message == "Liste « Demandes de réservation et d'absence » exportée en CSV : 2 lignes"


def test_a_queue_shows_its_export_buttons(client, instructor):
    page = client.get(PLANNING_QUEUE).content.decode()
    assert "Télécharger en CSV" in page and "export=xlsx" in page


@pytest.mark.parametrize("url", [FAMILY_FILE_QUEUE, PLANNING_QUEUE])
def test_a_queue_export_reads_with_as_many_queries_for_2_rows_as_for_20(client, instructor, url):
    activity = ActivityFactory()

    def requests(count):
        for _ in range(count):
            guardian_change(f"F{Request.objects.count()}")
            booking_request(f"B{Request.objects.count()}", activity=activity)

    requests(2)
    export_queries(client, url)
    few = export_queries(client, url)
    requests(18)
    assert export_queries(client, url) == few
    assert Request.objects.filter(state=RequestState.PENDING).count() == 40
