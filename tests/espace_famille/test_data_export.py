"""«Télécharger mes données»: a guardian gets everything the portal holds about the family, and nothing else."""

import json
from datetime import date
from html import unescape

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from commun.data_export import export_pdf, family_export
from espace_facturation.models import Invoice
from espace_famille.demandes.models import EventKind, RequestEvent, RequestKind
from espace_famille.dossier import services as dossier_services
from espace_famille.dossier.models import AuthorizedContact, Relationship, Vaccination
from espace_famille.modifications import services as modifications_services
from tests.factories import ChildFactory, FamilyFactory, GuardianFactory, UserFactory, service_instructor

pytestmark = pytest.mark.django_db
IBAN = "FR7630006000011234567890189"


@pytest.fixture
def family():
    family = FamilyFactory(
        name="DURANT",
        quotient=850,
        allocataire_number="1234567",
        address_line="892 rue Yves Kermen",
        postcode="92100",
        city="Boulogne-Billancourt",
        account_holder="Jean DURANT",
        iban=IBAN,
        bic="AGRIFRPP882",
    )
    GuardianFactory(family=family, first_name="Jean", mobile="06 12 34 56 78")
    lea = ChildFactory(family=family, first_name="Léa", allergies="Arachide", allows_photo=True)
    Vaccination.objects.create(child=lea, name="Hépatite B", date=date(2016, 4, 5))
    AuthorizedContact.objects.create(
        child=lea, full_name="BARRET Jean-philippe", relationship=Relationship.NEIGHBOUR, can_pick_up=True
    )
    return family


@pytest.fixture
def parent(client, site, family):
    user = UserFactory(email="jean.durant@example.org")
    dossier_services.subscription_create(user=user, family=family, by=service_instructor())
    client.force_login(user)
    return user


def download(client, name, family):
    return client.get(reverse(f"espace_famille:{name}", args=[family.pk]))


def test_json_holds_the_childs_vaccine_and_contact_and_the_full_iban(client, parent, family):
    response = download(client, "my_data_json", family)
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["family"]["iban"] == IBAN and data["family"]["subscriber_code"] == family.subscriber_code
    lea = data["children"][0]
    assert lea["vaccinations"] == [{"name": "Hépatite B", "date": "2016-04-05", "booster_date": None}]
    assert lea["contacts"][0]["full_name"] == "BARRET Jean-philippe" and lea["contacts"][0]["can_pick_up"] is True
    assert lea["allergies"] == "Arachide" and lea["has_photo"] is False
    assert data["guardians"][0]["mobile"] == "06 12 34 56 78"
    assert data["subscriptions"] == [
        {
            "email": "jean.durant@example.org",
            "method": "staff",
            "created_at": data["subscriptions"][0]["created_at"],
            "franceconnect_linked_at": None,
        }
    ]


def test_downloads_are_attachments_named_after_the_family_and_the_day(client, parent, family):
    pdf = download(client, "my_data_pdf", family)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith('attachment; filename="donnees-famille-DURANT-')
    assert pdf["Content-Disposition"].endswith('.pdf"')
    json_response = download(client, "my_data_json", family)
    assert json_response["Content-Type"].startswith("application/json")
    assert json_response["Content-Disposition"].endswith('.json"')


def test_the_pdf_shows_the_family_data_with_french_labels(family, parent):
    other = service_instructor()
    guardian = family.guardians.get()
    request = modifications_services.family_file_submit(
        family=family,
        kind=RequestKind.GUARDIAN_CHANGE,
        values={"mobile": "07 00 00 00 01"},
        by=parent,
        guardian=guardian,
    )
    modifications_services.request_accept(request=request, by=other, message="Numero mis a jour")
    content = export_pdf(family_export(family=family), compress=False)
    assert content.startswith(b"%PDF")
    for text in (b"BARRET Jean-philippe", IBAN.encode(), b"AGRIFRPP882", b"07 00 00 00 01", b"Numero mis a jour"):
        assert text in content
    # Accented letters are kept: WinAnsi codes, written as octal escapes in the page text.
    for text in ("Données de la famille DURANT", "Hépatite B", "J'autorise mon enfant à partir seul"):
        assert pdf_string(text) in content


def pdf_string(text: str) -> bytes:
    return "".join(c if ord(c) < 128 else f"\\{c.encode('cp1252')[0]:03o}" for c in text).encode()


def test_requests_come_with_the_history_the_family_sees_and_not_the_internal_notes(client, parent, family):
    guardian = family.guardians.get()
    request = modifications_services.family_file_submit(
        family=family,
        kind=RequestKind.GUARDIAN_CHANGE,
        values={"mobile": "07 00 00 00 01"},
        by=parent,
        guardian=guardian,
    )
    RequestEvent.objects.create(
        request=request, kind=EventKind.MESSAGE, message="Note interne", visible_to_family=False
    )
    modifications_services.request_accept(request=request, by=service_instructor(), message="Votre numéro est à jour.")
    data = json.loads(download(client, "my_data_json", family).content)
    (exported,) = data["requests"]
    assert exported["kind"] == "guardian" and exported["state"] == "accepted"
    assert exported["changes"] == {"mobile": {"before": "06 12 34 56 78", "after": "07 00 00 00 01"}}
    assert [(event["kind"], event["by"], event["message"]) for event in exported["events"]] == [
        ("submitted", "famille", ""),
        ("accepted", "service", "Votre numéro est à jour."),
    ]


def test_another_familys_data_is_not_found(client, parent):
    other = FamilyFactory(iban=IBAN)
    assert download(client, "my_data_pdf", other).status_code == 404
    assert download(client, "my_data_json", other).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, site, family):
    for name in ("my_data_pdf", "my_data_json"):
        response = download(client, name, family)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("espace_famille:my_data"))["Location"].startswith(reverse("account_login"))


def test_downloads_are_never_stored_by_browsers_or_proxies(client, parent, family):
    for name in ("my_data_pdf", "my_data_json"):
        assert "no-store" in download(client, name, family)["Cache-Control"]


def test_each_download_is_written_in_the_audit_log(client, parent, family):
    download(client, "my_data_pdf", family)
    download(client, "my_data_json", family)
    entries = ModelLogEntry.objects.filter(action="portail.data.export", object_id=str(family.pk)).order_by("pk")
    assert [(entry.user_id, entry.data["format"]) for entry in entries] == [(parent.pk, "pdf"), (parent.pk, "json")]


def test_the_page_offers_both_files_for_each_family_of_the_user(client, parent, family):
    second = FamilyFactory(name="MARTIN")
    dossier_services.subscription_create(user=parent, family=second, by=service_instructor())
    page = unescape(client.get(reverse("espace_famille:my_data")).content.decode())
    assert "Télécharger mes données" in page
    for each in (family, second):
        assert reverse("espace_famille:my_data_pdf", args=[each.pk]) in page
        assert reverse("espace_famille:my_data_json", args=[each.pk]) in page
    assert page.count("Télécharger le document (PDF)") == 2 and page.count("Télécharger le fichier (JSON)") == 2
    # What the copy holds is read from the personal-data registry, section by section.
    for held in (
        "<li>le dossier famille : nom",
        "<li>les pré-inscriptions en crèche avec leurs réponses",
        "<li>les factures",
    ):
        assert held in page, held
    assert "les justificatifs d'absence joints" in page and "les inscriptions des enfants aux activités" in page


def test_mon_espace_links_to_the_download_page(client, parent):
    page = client.get(reverse("espace_famille:mon_espace")).content.decode()
    assert f'href="{reverse("espace_famille:my_data")}"' in page


def test_mon_espace_links_to_the_personal_data_page_the_municipality_edits(client, site, parent):
    page = client.get(reverse("espace_famille:mon_espace")).content.decode()
    assert 'href="/donnees-personnelles/"' in page and "Données personnelles" in page
    policy = client.get("/donnees-personnelles/").content.decode()
    assert "Durées de conservation" in policy and "Télécharger mes données" in policy


def _family_with(children: int):
    family = FamilyFactory()
    GuardianFactory(family=family)
    user = UserFactory()
    dossier_services.subscription_create(user=user, family=family, by=service_instructor())
    for index in range(children):
        child = ChildFactory(family=family, first_name=f"Enfant{index}")
        Vaccination.objects.create(child=child, name="DTP", date=date(2016, 4, 5))
        AuthorizedContact.objects.create(child=child, full_name=f"Contact {index}", relationship=Relationship.OTHER)
        modifications_services.family_file_submit(
            family=family, kind=RequestKind.CHILD_CHANGE, values={"allergies": "Lait"}, by=user, child=child
        )
    return family


def test_the_export_reads_with_a_fixed_number_of_queries(django_assert_num_queries):
    small, large = _family_with(1), _family_with(5)
    # One section of the registry after the other: the family file (the family, guardians, children with vaccines
    # and contacts, subscriptions, requests with lines and events and their authors: 9 reads), the planning
    # (enrolments, bookings, attendance: 3), the invoices, payments and online payments (their lines and allocations
    # when any), the supporting documents, the crèche applications and draft (2), the messages of the service (1).
    with django_assert_num_queries(20):
        family_export(family=small)
    with django_assert_num_queries(20):
        data = family_export(family=large)
    assert len(data["children"]) == 5 and len(data["requests"]) == 5


def test_the_export_holds_the_familys_invoices_and_payments(family, parent):
    from decimal import Decimal

    from commun.data_export import export_pdf
    from espace_facturation import payments
    from tests.espace_facturation.factories import billed_household, cashier, regie

    invoice, _ = billed_household(regie(), "AUTRE")
    invoice.family = family
    Invoice.objects.filter(pk=invoice.pk).update(family=family)
    payments.payment_record(
        regie=invoice.regie,
        family=family,
        kind="cheque",
        amount=Decimal("8.40"),
        paid_on=date(2026, 12, 9),
        reference="564654646",
        by=cashier(),
    )
    data = family_export(family=family)
    [exported] = data["invoices"]
    assert exported["number"] == invoice.number and exported["amount"] == "8.40" and exported["state"] == "paid"
    assert exported["lines"][0]["label"] == invoice.lines.get().label
    [payment] = data["payments"]
    assert payment["reference"] == "564654646" and payment["invoices"] == [invoice.number]
    from io import BytesIO

    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(export_pdf(data))).pages)
    assert "Factures" in text and invoice.number in text and "Chèque 564654646" in text


def test_the_export_says_which_accounts_open_with_franceconnect(family, parent):
    import io

    from pypdf import PdfReader

    from espace_famille.comptes.models import FranceConnectIdentity

    FranceConnectIdentity.objects.create(user=parent, sub="sub-de-test")
    data = family_export(family=family)
    assert data["subscriptions"][0]["franceconnect_linked_at"] is not None
    other = UserFactory(email="claire.durant@example.org")
    dossier_services.subscription_create(user=other, family=family, by=service_instructor())
    rows = {row["email"]: row["franceconnect_linked_at"] for row in family_export(family=family)["subscriptions"]}
    assert rows["claire.durant@example.org"] is None

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(export_pdf(data))).pages)
    assert "FranceConnect" in text and "lié le" in text


def test_the_export_holds_the_familys_crèche_applications_messages_and_justifications_and_no_other_familys(
    client, parent, family
):
    from io import BytesIO

    from django.core.files.base import ContentFile
    from pypdf import PdfReader

    from espace_famille.creche import services as creche_services
    from espace_famille.demandes.models import Request
    from tests.espace_famille.creche.factories import creche, submitted_application

    def absence(owner, file_name):
        request = Request.objects.create(family=owner, kind=RequestKind.ABSENCE, subject="Léa — Cantine")
        request.justification.save(file_name, ContentFile(b"%PDF-1.4"), save=True)
        RequestEvent.objects.create(request=request, kind=EventKind.MESSAGE, message=f"Message de {owner.name}")

    staff = service_instructor(is_staff=True)
    values = {"child_first_name": "Noé", "child_last_name": "DURANT", "entry_date": "2027-09-01"}
    creche_services.draft_save(family=family, values={**values, "choice1": creche("Les Lutins").pk}, by=parent)
    request = creche_services.application_submit(family=family, by=parent)
    creche_services.decide(request=request, by=staff, decision="refused", message="Plus de place en septembre")
    creche_services.draft_save(family=family, values={"child_first_name": "Zoé"}, by=parent)
    absence(family, "certificat-medical.pdf")
    other = submitted_application(family_name="AUTRE", child="Intrus", choices=[creche("Les Petits Pas")])
    creche_services.decide(request=other.request, by=staff, decision="refused", message="Refus pour AUTRE")
    absence(other.request.family, "autre-certificat.pdf")

    response = download(client, "my_data_json", family)
    data = json.loads(response.content)

    [application] = data["creche"]["applications"]
    assert (application["child_first_name"], application["state"]) == ("Noé", "refused")
    assert application["answers"]["choice_names"] == ["Les Lutins"]
    assert data["creche"]["draft"]["answers"] == {"child_first_name": "Zoé"}
    by_kind = {exported["kind"]: exported for exported in data["requests"]}
    assert [e["message"] for e in by_kind["creche"]["events"]] == ["", "Plus de place en septembre"]
    assert by_kind["absence"]["justification"] == "certificat-medical.pdf"
    assert [e["message"] for e in by_kind["absence"]["events"]] == ["Message de DURANT"]
    for foreign in (b"Intrus", b"Refus pour AUTRE", b"autre-certificat.pdf", b"Message de AUTRE", b"Les Petits Pas"):
        assert foreign not in response.content

    pdf = download(client, "my_data_pdf", family).content
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    for shown in ("Pré-inscriptions en crèche", "Pré-inscription de Noé", "Les Lutins", "Plus de place en septembre"):
        assert shown in text, shown
    assert "certificat-medical.pdf" in text and "Pré-inscription en cours (brouillon)" in text
    assert "Intrus" not in text and "Refus pour AUTRE" not in text
    assert "01/09/2027" in text and "2027-09-01" not in text, "the answers' days are written in French"
