"""The bulk decisions' confirmation pages check the permission to decide on GET too: a communication officer is
refused (sent back to the admin's home with Wagtail's «no permission» message, as on every admin page they may
not open) and reads no request's subject, family or child."""

from html import unescape

import pytest

from espace_famille.comptes.permissions import COMMUNICATION, INSTRUCTORS
from espace_famille.demandes.models import Request, RequestKind, RequestState
from tests.espace_famille.creche.factories import creche, submitted_application
from tests.factories import FamilyFactory, UserFactory, role

pytestmark = pytest.mark.django_db


def staff(group_name):
    user = UserFactory()
    user.groups.add(role(group_name))
    return user


@pytest.fixture
def pending(site):
    family = FamilyFactory(name="DURANT")
    address = Request.objects.create(
        family=family, kind=RequestKind.ADDRESS_CHANGE, subject="Déménagement rue des Secrets"
    )
    booking = Request.objects.create(
        family=family, kind=RequestKind.BOOKING, subject="Réservation Péri SOIR de Léonie", state=RequestState.PENDING
    )
    application = submitted_application(family_name="ADERNO", child="Séraphine", choices=[creche("Les Lucioles")])
    return [
        (f"/admin/bulk/espace_famille/request/accept/?id={address.pk}", "Déménagement rue des Secrets"),
        (f"/admin/bulk/espace_famille/request/refuse/?id={address.pk}", "Déménagement rue des Secrets"),
        (f"/admin/bulk/espace_famille/request/booking-accept/?id={booking.pk}", "DURANT"),
        (f"/admin/bulk/espace_famille/request/booking-refuse/?id={booking.pk}", "DURANT"),
        (f"/admin/bulk/creche/crecheapplication/accept/?id={application.pk}", "Séraphine"),
        (f"/admin/bulk/creche/crecheapplication/refuse/?id={application.pk}", "Séraphine"),
    ]


def test_a_communication_officer_is_refused_every_bulk_decision_and_reads_no_subject(client, pending):
    client.force_login(staff(COMMUNICATION))
    for url, secret in pending:
        for response in (client.get(url, follow=True), client.post(url, {"message": ""}, follow=True)):
            page = unescape(response.content.decode())
            assert response.redirect_chain == [("/admin/", 302)], url
            assert "Désolé, vous n'avez pas les autorisations pour accéder à cette zone." in page, url
            assert secret not in page, url


def test_an_instructor_reaches_the_confirmation_pages(client, pending):
    client.force_login(staff(INSTRUCTORS))
    for url, secret in pending:
        response = client.get(url)
        assert response.status_code == 200 and secret in unescape(response.content.decode()), url
