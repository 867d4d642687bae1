"""Export of the queue of documents to check: French headings, the queue's type filter, the view permission, a
fixed number of queries; never the file itself."""

from datetime import datetime

import pytest
from wagtail.models import ModelLogEntry

from commun.listing_exports import EXPORT_ACTION
from espace_famille.comptes.permissions import COMMUNICATION, INSTRUCTORS
from espace_famille.dossier.models import Subscription
from espace_famille.justificatifs import services
from espace_famille.justificatifs.models import DocumentType, Validity
from tests.espace_famille.justificatifs.test_documents import pdf_bytes, upload
from tests.exports import assert_refused, content, csv_rows, export_queries, xlsx_sheet
from tests.factories import ChildFactory, FamilyFactory, UserFactory, role

pytestmark = pytest.mark.django_db

QUEUE = "/admin/pieces-justificatives/"


def staff(group_name):
    user = UserFactory(email=f"{group_name.lower().replace(' ', '')}@example.org", is_staff=True)
    user.groups.add(role(group_name))
    return user


@pytest.fixture
def instructor(client, site):
    user = staff(INSTRUCTORS)
    client.force_login(user)
    return user


@pytest.fixture
def insurance():
    return DocumentType.objects.create(name="Attestation d'assurance", per_child=True, validity=Validity.YEAR)


@pytest.fixture
def address_proof():
    return DocumentType.objects.create(name="Justificatif de domicile", validity=Validity.SEMESTER)


def sent(document_type, name="DURANT", child_name=None, file_name="attestation.pdf"):
    family = FamilyFactory(name=name)
    child = ChildFactory(family=family, first_name=child_name) if child_name else None
    parent = UserFactory(email=f"{name.lower()}@example.org")
    Subscription.objects.create(user=parent, family=family, method="code")
    return services.document_upload(
        family=family, document_type=document_type, child=child, upload=upload(file_name, pdf_bytes()), by=parent
    )


def test_the_documents_csv_and_xlsx(client, instructor, insurance):
    sent(insurance, child_name="Léo")
    response = client.get(QUEUE, {"export": "csv"})
    rows = csv_rows(response)
    assert rows[0] == ["Document", "Famille", "Enfant", "Déposé le", "Nom du fichier", "État"]
    assert rows[1][:3] == ["Attestation d'assurance", "DURANT", "Léo DURANT"]
    assert rows[1][4:] == ["attestation.pdf", "En attente de validation"]
    assert b"%PDF" not in content(client.get(QUEUE, {"export": "csv"}))
    sheet = xlsx_sheet(client.get(QUEUE, {"export": "xlsx"}))
    assert isinstance(sheet.cell(row=2, column=4).value, datetime)


def test_the_type_filter_of_the_documents_queue_filters_its_export(client, instructor, insurance, address_proof):
    sent(insurance, child_name="Léo")
    sent(address_proof, name="MARTIN", file_name="facture-edf.pdf")
    rows = csv_rows(client.get(QUEUE, {"type": address_proof.pk, "export": "csv"}))
    assert [(row[0], row[1]) for row in rows[1:]] == [("Justificatif de domicile", "MARTIN")]
    page = client.get(QUEUE, {"type": address_proof.pk}).content.decode()
    assert f"type={address_proof.pk}&amp;export=csv" in page


def test_documents_are_not_exported_without_the_queue_and_view_permission(client, site, insurance):
    client.force_login(staff(COMMUNICATION))
    sent(insurance, child_name="Léo")
    assert_refused(client.get(QUEUE, {"export": "csv"}))
    assert not ModelLogEntry.objects.filter(action=EXPORT_ACTION).exists()


def test_the_documents_export_reads_with_as_many_queries_for_2_rows_as_for_20(client, instructor, insurance):
    def documents(count, start):
        for index in range(start, start + count):
            sent(insurance, name=f"FAMILLE{index}", child_name="Léo")

    documents(2, 0)
    export_queries(client, QUEUE)
    few = export_queries(client, QUEUE)
    documents(18, 2)
    assert export_queries(client, QUEUE) == few
