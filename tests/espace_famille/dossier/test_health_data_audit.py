"""Staff reads of a child's health data (allergies, diet, vaccines) are written in the audit log."""

from datetime import date

import pytest
from wagtail.models import ModelLogEntry

from espace_famille.comptes.permissions import INSTRUCTORS
from espace_famille.demandes.models import RequestKind
from espace_famille.dossier import audit
from espace_famille.dossier.models import Child, Vaccination
from espace_famille.modifications import services as modifications_services
from espace_famille.planning import services as planning_services
from tests.espace_famille.planning.test_booking_admin import SHEET, ask, household, staff
from tests.factories import ActivityFactory, ChildFactory, GuardianFactory, parent_of, service_instructor

pytestmark = pytest.mark.django_db


def reads(child: Child) -> list[ModelLogEntry]:
    return list(ModelLogEntry.objects.filter(action=audit.HEALTH_READ, object_id=str(child.pk)))


@pytest.fixture
def instructor(client):
    user = staff(INSTRUCTORS, email="instructeur@example.org")
    client.force_login(user)
    return user


def test_opening_a_child_in_the_admin_is_recorded_with_who_and_where(client, instructor):
    child = ChildFactory(allergies="Arachide")
    response = client.get(f"/admin/espace_famille/child/edit/{child.pk}/")
    assert response.status_code == 200 and "Arachide" in response.content.decode()
    [entry] = reads(child)
    assert entry.user == instructor and entry.data == {"screen": "Fiche enfant"}
    # The site's journal in the admin says it in French.
    journal = client.get("/admin/reports/site-history/", {"action": audit.HEALTH_READ})
    assert "Données de santé consultées" in journal.content.decode()


def test_the_vaccine_list_records_a_read_for_each_child_shown(client, instructor):
    ana, bob = ChildFactory(first_name="Ana"), ChildFactory(first_name="Bob")
    for child in (ana, bob):
        Vaccination.objects.create(child=child, name="DTP", date=date(2020, 1, 1))
    assert client.get("/admin/espace_famille/vaccination/").status_code == 200
    assert len(reads(ana)) == 1 and len(reads(bob)) == 1


def test_the_day_sheet_records_a_read_for_each_child_it_shows(client, instructor):
    activity = ActivityFactory(code="4", label="Péri SOIR")
    child = household(activity, "DURANT", "Léo")
    planning_services.booking_requests_bulk_decide(
        requests=[ask(child, activity, "booking", date(2026, 11, 16)).pk], by=service_instructor(), accept=True
    )
    assert not reads(child)
    client.get(SHEET, {"activity": activity.pk, "day": "2026-11-16"})
    [entry] = reads(child)
    assert entry.data == {"screen": "Feuille de présence"} and entry.user == instructor


def test_a_request_about_a_child_records_a_read_when_opened(client, instructor):
    child = ChildFactory()
    GuardianFactory(family=child.family)
    request = modifications_services.family_file_submit(
        family=child.family,
        kind=RequestKind.CHILD_CHANGE,
        values={"allergies": "Lait"},
        by=parent_of(child.family),
        child=child,
    )
    client.get(f"/admin/snippets/espace_famille/request/inspect/{request.pk}/")
    [entry] = reads(child)
    assert entry.data == {"screen": f"Demande {request.pk}"}


def test_pages_without_health_data_record_nothing(client, instructor):
    child = ChildFactory(allergies="Arachide")
    client.get("/admin/espace_famille/family/")
    client.get("/admin/espace_famille/child/")
    assert not reads(child)
