"""The admin's create, edit and delete screens write through services: a refused actor leaves every row as it
was, a row other rows hold is kept with a French explanation, and each write leaves its audit entry."""

from datetime import date
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.models import ModelLogEntry

from commun.admin_services import RecordProtected, record_delete, record_save
from espace_facturation.models import Regie
from espace_famille.comptes.permissions import COMMUNICATION, INSTRUCTORS, REGISSEURS
from espace_famille.creche.models import CrecheApplication
from espace_famille.dossier import services as dossier_services
from espace_famille.dossier.models import Family, Subscription, Vaccination
from espace_famille.justificatifs.models import DocumentType
from espace_famille.planning import registers
from espace_famille.planning.models import Enrolment
from notifications.models import EmailTemplate
from tests.factories import (
    ActivityFactory,
    ChildFactory,
    EnrolmentFactory,
    FamilyFactory,
    InvoiceFactory,
    RegieFactory,
    UserFactory,
    parent_of,
    role,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def staff(group_name=None, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    if group_name:
        user.groups.add(role(group_name))
    return user


@pytest.fixture
def superuser():
    return staff(is_superuser=True, email="admin@example.org")


def deleted_by(instance) -> list:
    return list(
        ModelLogEntry.objects.filter(object_id=str(instance.pk), action="wagtail.delete").values_list("user", flat=True)
    )


# Deleting ------------------------------------------------------------------------------------------------------


def test_an_instructor_removes_a_vaccine_in_the_admin_and_the_deletion_is_logged(client, site):
    vaccine = Vaccination.objects.create(child=ChildFactory(), name="DTPolio", date=date(2024, 1, 5))
    instructor = staff(INSTRUCTORS, email="instructeur@example.org")
    client.force_login(instructor)

    page = client.get(f"/admin/espace_famille/vaccination/delete/{vaccine.pk}/")
    response = client.post(f"/admin/espace_famille/vaccination/delete/{vaccine.pk}/")

    assert page.status_code == 200 and response.status_code == 302
    assert not Vaccination.objects.exists()
    assert deleted_by(vaccine) == [instructor.pk]


def test_a_deletion_sent_twice_deletes_once_and_is_logged_once(client, site):
    """«Oui, supprimer» clicked twice (or resent by the browser): the second finds nothing left to delete."""
    child = ChildFactory()
    vaccine = Vaccination.objects.create(child=child, name="DTPolio", date=date(2024, 1, 5))
    kept = Vaccination.objects.create(child=child, name="ROR", date=date(2024, 2, 5))
    client.force_login(staff(INSTRUCTORS, email="instructeur@example.org"))
    url = f"/admin/espace_famille/vaccination/delete/{vaccine.pk}/"

    first, second = client.post(url), client.post(url)

    assert first.status_code == 302 and second.status_code == 404
    assert list(Vaccination.objects.all()) == [kept]
    assert len(deleted_by(vaccine)) == 1


def test_an_instructor_ends_an_enrolment_in_the_admin(client, site):
    enrolment = EnrolmentFactory()
    instructor = staff(INSTRUCTORS, email="instructeur@example.org")
    client.force_login(instructor)

    client.post(f"/admin/espace_famille/enrolment/delete/{enrolment.pk}/")

    assert not Enrolment.objects.exists()
    assert deleted_by(enrolment) == [instructor.pk]


def test_a_staff_member_without_the_delete_permission_deletes_nothing():
    vaccine = Vaccination.objects.create(child=ChildFactory(), name="DTPolio", date=date(2024, 1, 5))
    enrolment = EnrolmentFactory()
    communication = staff(COMMUNICATION, email="communication@example.org")

    with pytest.raises(PermissionDenied):
        dossier_services.file_record_delete(model=Vaccination, instance=vaccine, by=communication)
    with pytest.raises(PermissionDenied):
        registers.register_delete(model=Enrolment, instance=enrolment, by=communication)
    with pytest.raises(PermissionDenied):
        dossier_services.subscription_delete(subscription=parent_of(FamilyFactory()).subscriptions.get(), by=None)

    assert Vaccination.objects.exists() and Enrolment.objects.exists() and Subscription.objects.exists()
    assert not ModelLogEntry.objects.filter(action="wagtail.delete").exists()


def test_an_instructor_cannot_delete_a_family_even_by_its_address(client, site):
    family = FamilyFactory()
    client.force_login(staff(INSTRUCTORS, email="instructeur@example.org"))

    response = client.post(f"/admin/espace_famille/family/delete/{family.pk}/")

    assert response.status_code in (302, 403)
    assert Family.objects.filter(pk=family.pk).exists()


def test_a_régie_that_issued_invoices_is_kept_and_the_page_says_why(client, site, superuser):
    regie = RegieFactory(name="Regie BL Enfance")
    InvoiceFactory(regie=regie, number="2026-0001")
    client.force_login(superuser)

    response = client.post(f"/admin/espace_facturation/regie/delete/{regie.pk}/")

    assert response.status_code == 400
    page = text(response)
    assert "« Regie BL Enfance » n'est pas supprimé" in page and "1 facture" in page
    assert "rien n'a été supprimé" in page
    assert Regie.objects.filter(pk=regie.pk).exists()
    assert deleted_by(regie) == []


def test_a_family_with_invoices_is_kept_whole(superuser):
    family = FamilyFactory()
    child = ChildFactory(family=family)
    InvoiceFactory(family=family)

    with pytest.raises(RecordProtected) as refused:
        dossier_services.file_record_delete(model=Family, instance=family, by=superuser)

    assert "facture" in refused.value.message
    assert Family.objects.filter(pk=family.pk).exists() and child.__class__.objects.filter(pk=child.pk).exists()


def test_a_superuser_deletes_a_subscription_in_the_admin_and_it_is_logged(client, site, superuser):
    subscription = parent_of(FamilyFactory()).subscriptions.get()
    client.force_login(superuser)

    client.post(f"/admin/espace_famille/subscription/delete/{subscription.pk}/")

    assert not Subscription.objects.exists()
    assert deleted_by(subscription) == [superuser.pk]


# The régies, document types and e-mail templates -----------------------------------------------------------------


def regie_form(**values):
    return {
        "name": "Regie BL Enfance",
        "service_name": "Regie NEO Technique",
        "municipality": "Ville de Boulogne",
        "address": "",
        "phone": "",
        "email": "",
        "siret": "",
        "due_days": "30",
        "counter": "",
        "mentions": "",
        "payment_backend": "",
        "payfip_client_id": "",
        "account_products": "7066",
        "account_families": "4111",
        "account_cash": "531",
        "account_cheques": "5112",
        "account_bank": "515",
        "debit_notice_days": "14",
        "debit_rejection_fee": "0",
        **values,
    }


def test_a_régisseur_corrects_a_régie_with_its_activities_and_the_change_is_logged(client, site):
    regie, activity = RegieFactory(name="Regie BL Enfance", due_days=30), ActivityFactory()
    regisseur = staff(REGISSEURS, email="regisseur@example.org")
    client.force_login(regisseur)

    response = client.post(
        f"/admin/espace_facturation/regie/edit/{regie.pk}/", regie_form(due_days="45", activities=[activity.pk])
    )

    assert response.status_code == 302
    regie.refresh_from_db()
    assert regie.due_days == 45 and list(regie.activities.all()) == [activity]
    assert ModelLogEntry.objects.get(object_id=str(regie.pk), action="wagtail.edit").user == regisseur


def test_a_régisseur_cannot_create_a_régie(client, site):
    regisseur = staff(REGISSEURS, email="regisseur@example.org")
    client.force_login(regisseur)

    response = client.post("/admin/espace_facturation/regie/create/", regie_form())

    assert response.status_code in (302, 403)
    with pytest.raises(PermissionDenied):
        with transaction.atomic():
            record_save(model=Regie, instance=None, values={"name": "X", "service_name": "Y"}, by=regisseur)
    assert not Regie.objects.exists()


def test_a_superuser_creates_a_document_type_through_the_service(client, site, superuser):
    client.force_login(superuser)

    response = client.post(
        "/admin/justificatifs/documenttype/create/",
        {"name": "Attestation CAF", "validity": "year", "needed_for": "", "position": "0", "active": "on"},
    )

    assert response.status_code == 302, text(response)
    document_type = DocumentType.objects.get(name="Attestation CAF")
    assert ModelLogEntry.objects.get(object_id=str(document_type.pk), action="wagtail.create").user == superuser


def test_a_communication_officer_edits_a_template_and_the_change_is_logged(client, site):
    template = EmailTemplate.objects.get(kind="account_confirmation")
    officer = staff(COMMUNICATION, email="communication@example.org")
    client.force_login(officer)
    url = f"/admin/snippets/notifications/emailtemplate/edit/{template.pk}/"

    response = client.post(
        url,
        {
            "kind": template.kind,
            "subject": "Confirmez votre compte",
            "body": template.body,
            "button_label": template.button_label,
            "zone": "",
        },
    )

    assert response.status_code == 302, text(response)
    template.refresh_from_db()
    assert template.subject == "Confirmez votre compte"
    assert ModelLogEntry.objects.get(object_id=str(template.pk), action="wagtail.edit").user == officer


def test_a_template_change_by_someone_without_the_permission_is_refused(site):
    template = EmailTemplate.objects.get(kind="account_confirmation")
    before = template.subject
    instructor = staff(INSTRUCTORS, email="instructeur@example.org")

    with pytest.raises(PermissionDenied):
        record_save(model=EmailTemplate, instance=template, values={"subject": "Après"}, by=instructor)
    with pytest.raises(PermissionDenied):
        record_delete(model=EmailTemplate, instance=template, by=instructor)

    template.refresh_from_db()
    assert template.subject == before
    assert not ModelLogEntry.objects.filter(object_id=str(template.pk)).exists()


def test_a_superuser_deletes_a_template_through_the_service(client, site, superuser):
    template = EmailTemplate.objects.get(kind="account_confirmation")
    client.force_login(superuser)

    response = client.post(f"/admin/snippets/notifications/emailtemplate/delete/{template.pk}/")

    assert response.status_code == 302
    assert not EmailTemplate.objects.filter(pk=template.pk).exists()
    assert deleted_by(template) == [superuser.pk]


def test_nobody_adds_edits_or_deletes_a_crèche_pre_registration_through_the_snippet_forms(client, site, superuser):
    client.force_login(superuser)
    base = "/admin/snippets/creche/crecheapplication/"

    assert client.get(base).status_code == 200
    assert client.get(f"{base}add/").status_code in (302, 403)
    assert not CrecheApplication.objects.exists()
