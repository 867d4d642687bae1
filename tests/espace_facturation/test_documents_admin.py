"""The régie's settings for documents (reminder delays, signatory), the certificates run without the task cluster,
and January's schedule."""

import io
from datetime import date, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from commun.clock import PARIS
from espace_facturation import tasks
from espace_facturation.models import CertificateRun, ChildcareCertificate, Regie, RunState
from espace_famille.comptes.permissions import INSTRUCTORS
from tests.factories import ActivityFactory
from tests.test_admin_writers import regie_form

from .factories import regie, staff, text
from .test_certificates import billed

pytestmark = pytest.mark.django_db


@pytest.fixture
def creche(site):
    """A régie billing a crèche that opens the right to the certificate."""
    activity = ActivityFactory(label="Crèche Les Lutins", childcare_certificate=True)
    the_regie = regie()
    the_regie.activities.add(activity)
    return the_regie, activity


def test_the_regie_sets_its_reminder_delays_and_signatory_a_wrong_delay_is_said_beside_the_field(client, site):
    regie = Regie.objects.create(name="Regie BL Enfance", service_name="Regie NEO Technique")
    client.force_login(staff("Régisseurs"))
    url = f"/admin/espace_facturation/regie/edit/{regie.pk}/"
    refused = client.post(url, regie_form(reminder_days="quinze", signatory_name="Marie DUPONT"))
    assert refused.status_code == 200
    assert "Écrivez des nombres de jours entre 1 et 365 séparés par des virgules" in text(refused)
    regie.refresh_from_db()
    assert regie.reminder_days == "15, 30" and regie.signatory_name == ""
    saved = client.post(
        url,
        regie_form(reminder_days="10, 20, 45", signatory_name="Marie DUPONT", signatory_title="Régisseuse"),
    )
    assert saved.status_code == 302
    regie.refresh_from_db()
    assert (regie.reminder_days, regie.signatory_name, regie.signatory_title) == (
        "10, 20, 45",
        "Marie DUPONT",
        "Régisseuse",
    )


def test_without_the_cluster_a_run_started_in_the_admin_waits_for_cron(
    client, creche, settings, django_capture_on_commit_callbacks
):
    settings.TASKS_RUNNER = "cron"
    billed(creche[0], "DURANT", date(2022, 3, 1), creche[1])
    client.force_login(staff("Régisseurs"))
    url = reverse("espace_facturation_certificates")
    intent = text(client.get(url)).split('name="intent" value="')[1].split('"')[0]
    with mock.patch("django_q.tasks.async_task") as async_task, django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"intent": intent, "year": "2026"})
    async_task.assert_not_called()
    progress = text(client.get(response["Location"]))
    assert "En cours : 0 familles traitées sur 0" in progress and "En file d'attente" in progress
    out = io.StringIO()
    call_command("attestations_frais_de_garde", "--pending", "--dry-run", stdout=out)
    assert "Attestations 2026 : campagne en attente, serait exécutée." in out.getvalue()
    call_command("attestations_frais_de_garde", "--pending", stdout=io.StringIO(), stderr=io.StringIO())
    assert CertificateRun.objects.get().state == RunState.DONE and ChildcareCertificate.objects.count() == 1
    assert "Terminée : 1 famille traitée sur 1, 1 attestation établie." in text(client.get(response["Location"]))


def test_in_january_the_schedule_makes_the_past_years_certificates(creche, time_machine):
    billed(creche[0], "DURANT", date(2022, 3, 1), creche[1])
    time_machine.move_to(datetime(2027, 1, 5, 6, 0, tzinfo=PARIS), tick=False)
    assert tasks.certificates_of_last_year() == "Attestations de frais de garde 2026 : 1 attestation(s)"
    run = CertificateRun.objects.get()
    assert run.year == 2026 and run.created_by is None
    assert tasks._next_january() == datetime(2028, 1, 5, 6, 0, tzinfo=PARIS)


def test_an_instructor_cannot_start_the_certificates(client, site):
    client.force_login(staff(INSTRUCTORS))
    response = client.get(reverse("espace_facturation_certificates"))
    # The admin sends a refused staff member back to its dashboard, with the reason.
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.post(reverse("espace_facturation_certificates"), {"year": "2026"}).status_code == 302
    assert not CertificateRun.objects.exists()


def test_an_activity_is_marked_as_opening_the_certificate_with_its_meal_share(client, site):
    from espace_famille.planning.models import Activity
    from tests.espace_famille.planning.test_booking_admin import ACTIVITIES, activity_form
    from tests.factories import FacilityFactory
    from tests.test_admin import staff as superuser_staff

    client.force_login(superuser_staff(is_superuser=True, email="admin@example.org"))
    facility = FacilityFactory(name="Accueil de loisirs Les Tilleuls")
    data = activity_form(facility, childcare_certificate="on", certificate_excludes_meals="on", meal_price="4.20")
    assert client.post(f"{ACTIVITIES}create/", data).status_code == 302
    activity = Activity.objects.get(code="5")
    assert activity.childcare_certificate and activity.certificate_excludes_meals
    assert activity.meal_price == Decimal("4.20")
    assert client.post(f"{ACTIVITIES}edit/{activity.pk}/", activity_form(facility)).status_code == 302
    activity.refresh_from_db()
    assert not activity.childcare_certificate and activity.meal_price == Decimal("0")
