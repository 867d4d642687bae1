"""«Justificatifs» in the admin: every document whatever its state, read-only, filtered by state, type and validity,
searched by family or child, exported with the listing's filters; each row opens the document's screen, each family
its «Fiche famille»; only staff who may see documents see it."""

import re
from datetime import datetime
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from commun.clock import PARIS
from commun.listing_exports import EXPORT_ACTION
from espace_famille.comptes.permissions import COMMUNICATION, INSTRUCTORS, REGISSEURS
from espace_famille.dossier.family_page import family_url
from espace_famille.dossier.models import Subscription
from espace_famille.justificatifs import services
from espace_famille.justificatifs.models import Document, DocumentState, DocumentType, Validity
from tests.espace_famille.justificatifs.test_documents import pdf_bytes, upload
from tests.exports import assert_refused, csv_rows, export_queries, xlsx_sheet
from tests.factories import ChildFactory, FamilyFactory, UserFactory, role

pytestmark = pytest.mark.django_db

LISTING = "/admin/justificatifs/"
TODAY = datetime(2026, 11, 24, 10, 0, tzinfo=PARIS)


def text(response) -> str:
    """The page, its spaces collapsed («<th> Document </th>»)."""
    return re.sub(r"\s+", " ", unescape(response.content.decode()))


def staff(group_name, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(role(group_name))
    return user


def at(time_machine, moment):
    time_machine.move_to(moment, tick=False)


@pytest.fixture
def instructor(client, site):
    user = staff(
        INSTRUCTORS, email="instructeur@example.org", civility="Mme", first_name="Inès", last_name="Structrice"
    )
    client.force_login(user)
    return user


@pytest.fixture
def insurance():
    return DocumentType.objects.create(name="Attestation d'assurance", per_child=True, validity=Validity.YEAR)


@pytest.fixture
def address_proof():
    return DocumentType.objects.create(name="Justificatif de domicile", validity=Validity.SEMESTER)


def sent(document_type, family, child=None, file_name="attestation.pdf"):
    """Sent by a parent of the family, through the real service."""
    parent = Subscription.objects.filter(family=family).select_related("user").first()
    if parent is None:
        user = UserFactory(email=f"parent-{family.name.lower()}@example.org")
        Subscription.objects.create(user=user, family=family, method="code")
    else:
        user = parent.user
    return services.document_upload(
        family=family, document_type=document_type, child=child, upload=upload(file_name, pdf_bytes()), by=user
    )


@pytest.fixture
def documents(time_machine, instructor, insurance, address_proof):
    """Léo DURANT's insurance validated a year ago (expired since 02/11/2026) and its new one waiting; the MARTIN
    family's proof of address validated in June (valid until 10/12/2026: within 30 days); Zoé BERNARD's insurance
    refused. Sent and decided through the services, on the days named."""
    durant, martin, bernard = (FamilyFactory(name=name) for name in ("DURANT", "MARTIN", "BERNARD"))
    leo = ChildFactory(family=durant, first_name="Léo")
    zoe = ChildFactory(family=bernard, first_name="Zoé")
    at(time_machine, datetime(2025, 11, 1, 10, 0, tzinfo=PARIS))
    old = sent(insurance, durant, leo, "assurance-2025.pdf")
    at(time_machine, datetime(2025, 11, 2, 9, 30, tzinfo=PARIS))
    services.documents_decide(documents=[old.pk], accept=True, by=instructor)
    at(time_machine, datetime(2026, 6, 10, 8, 0, tzinfo=PARIS))
    proof = sent(address_proof, martin, file_name="facture-edf.pdf")
    at(time_machine, datetime(2026, 6, 10, 14, 0, tzinfo=PARIS))
    services.documents_decide(documents=[proof.pk], accept=True, by=instructor)
    at(time_machine, datetime(2026, 11, 12, 11, 0, tzinfo=PARIS))
    refused = sent(insurance, bernard, zoe, "scan.pdf")
    at(time_machine, datetime(2026, 11, 13, 16, 45, tzinfo=PARIS))
    services.documents_decide(documents=[refused.pk], accept=False, by=instructor, message="Document illisible")
    at(time_machine, datetime(2026, 11, 20, 18, 0, tzinfo=PARIS))
    pending = sent(insurance, durant, leo, "assurance-2026.pdf")
    at(time_machine, TODAY)
    return {"old": old, "proof": proof, "refused": refused, "pending": pending, "durant": durant}


def rows_of(page: str) -> list[str]:
    """Each row's document link, in the listing's order."""
    return re.findall(r'<a href="/admin/justificatifs/inspect/(\d+)/">', page)


def test_the_listing_shows_every_document_whatever_its_state(client, documents):
    page = text(client.get(LISTING))
    assert "Justificatifs" in page
    for shown in ("En attente de validation", "Validé", "Refusé", "Léo DURANT", "Zoé BERNARD"):
        assert shown in page
    for heading in ("Document", "Famille", "Enfant", "État", "Déposé le", "Valable jusqu'au", "Traité le"):
        assert f"> {heading} </a>" in page
    assert f'href="{family_url(documents["durant"].pk)}">DURANT</a>' in page
    assert "02/11/2026 (expiré)" in page and "10/12/2026" in page and "10/12/2026 (expiré)" not in page
    assert "13/11/2026 à 16:45" in page and "Mme Inès STRUCTRICE" in page
    # The latest sent first, each row opening the document's screen.
    order = ("pending", "refused", "proof", "old")
    assert rows_of(page) == [str(documents[name].pk) for name in order]


def test_a_row_opens_the_document_its_file_its_decision_and_its_history(client, documents):
    refused = text(client.get(f"{LISTING}inspect/{documents['refused'].pk}/"))
    assert "Attestation d'assurance" in refused and "Zoé BERNARD" in refused and "Refusé" in refused
    assert f'href="/espace-famille/pieces-justificatives/fichier/{documents["refused"].pk}/">scan.pdf</a>' in refused
    assert "13/11/2026 à 16:45" in refused and "Mme Inès STRUCTRICE" in refused
    assert "Demande refusée" in refused and "« Document illisible »" in refused
    assert "Pièces à vérifier" not in refused.split("<main", 1)[-1].split("</header>", 1)[0]
    pending = text(client.get(f"{LISTING}inspect/{documents['pending'].pk}/"))
    queue = f"/admin/pieces-justificatives/?type={documents['pending'].document_type_id}"
    assert f'href="{queue}"' in pending and "Traiter dans « Pièces à vérifier »" in pending
    assert client.get(f"{LISTING}inspect/999999/").status_code == 404


def test_the_listing_writes_nothing_whoever_asks(client, documents):
    document = documents["pending"]
    for user in (None, UserFactory(is_staff=True, is_superuser=True)):
        if user:
            client.force_login(user)
        assert client.get(f"{LISTING}new/").status_code in (302, 403)
        assert client.get(f"{LISTING}edit/{document.pk}/").status_code in (302, 403)
        assert client.post(f"{LISTING}edit/{document.pk}/", {"valid_until": "2030-01-01"}).status_code in (302, 403)
        assert client.post(f"{LISTING}delete/{document.pk}/").status_code in (302, 403)
    assert Document.objects.count() == 4
    document.refresh_from_db()
    assert document.state == DocumentState.PENDING and document.valid_until is None
    page = text(client.get(LISTING))
    assert f"{LISTING}edit/" not in page and f"{LISTING}delete/" not in page and f"{LISTING}new/" not in page


@pytest.mark.parametrize(
    ("filters", "shown"),
    [
        ({"state": DocumentState.PENDING}, ["pending"]),
        ({"state": DocumentState.VALIDATED}, ["proof", "old"]),
        ({"state": DocumentState.REFUSED}, ["refused"]),
        ({"validity": "expire-bientot"}, ["proof"]),
        ({"validity": "expire"}, ["old"]),
        ({"q": "bernard"}, ["refused"]),
        ({"q": "léo durant"}, ["pending", "old"]),
    ],
)
def test_the_filters_and_search_filter_the_listing_and_its_export(client, documents, filters, shown):
    assert rows_of(text(client.get(LISTING, filters))) == [str(documents[name].pk) for name in shown]
    rows = csv_rows(client.get(LISTING, {**filters, "export": "csv"}))
    assert [row[3] for row in rows[1:]] == [documents[name].original_name for name in shown]


def test_the_type_filter(client, documents, address_proof):
    assert rows_of(text(client.get(LISTING, {"document_type": address_proof.pk}))) == [str(documents["proof"].pk)]


@pytest.mark.parametrize(
    ("ordering", "order"),
    [
        ("valid_until", ["old", "proof", "pending", "refused"]),
        ("-valid_until", ["proof", "old", "pending", "refused"]),
        ("uploaded_at", ["old", "proof", "refused", "pending"]),
        ("-decided_at", ["refused", "proof", "old", "pending"]),
    ],
)
def test_the_listing_orders_by_its_dates_those_without_one_last(client, documents, ordering, order):
    page = text(client.get(LISTING, {"ordering": ordering}))
    assert rows_of(page) == [str(documents[name].pk) for name in order]


def test_the_csv_has_french_headings_and_every_document(client, documents):
    rows = csv_rows(client.get(LISTING, {"export": "csv"}))
    assert rows[0] == [
        "Famille",
        "Enfant",
        "Document",
        "Nom du fichier",
        "État",
        "Déposé le",
        "Valable jusqu'au",
        "Traité le",
        "Traité par",
    ]
    assert rows[1:] == [
        ["DURANT", "Léo DURANT", "Attestation d'assurance", "assurance-2026.pdf", "En attente de validation"]
        + ["20/11/2026 18:00", "", "", ""],
        ["BERNARD", "Zoé BERNARD", "Attestation d'assurance", "scan.pdf", "Refusé"]
        + ["12/11/2026 11:00", "", "13/11/2026 16:45", "Mme Inès STRUCTRICE"],
        ["MARTIN", "", "Justificatif de domicile", "facture-edf.pdf", "Validé"]
        + ["10/06/2026 08:00", "10/12/2026", "10/06/2026 14:00", "Mme Inès STRUCTRICE"],
        ["DURANT", "Léo DURANT", "Attestation d'assurance", "assurance-2025.pdf", "Validé"]
        + ["01/11/2025 10:00", "02/11/2026", "02/11/2025 09:30", "Mme Inès STRUCTRICE"],
    ]
    entry = ModelLogEntry.objects.get(action=EXPORT_ACTION)
    assert (entry.data["listing"], entry.data["rows"], entry.data["format"]) == ("justificatifs", 4, "CSV")


def test_the_xlsx_holds_days_and_times_as_dates(client, documents):
    sheet = xlsx_sheet(client.get(LISTING, {"export": "xlsx", "state": DocumentState.VALIDATED}))
    assert [cell.value for cell in sheet[1]][:3] == ["Famille", "Enfant", "Document"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][:5] == ("MARTIN", None, "Justificatif de domicile", "facture-edf.pdf", "Validé")
    assert rows[0][5:] == (
        datetime(2026, 6, 10, 8, 0),
        datetime(2026, 12, 10),
        datetime(2026, 6, 10, 14, 0),
        "Mme Inès STRUCTRICE",
    )
    assert len(rows) == 2 and rows[1][6] == datetime(2026, 11, 2)


def test_justificatifs_sits_in_the_menu_beside_the_queue(client, documents):
    names = re.findall(r'"name": "([^"]+)"', text(client.get("/admin/")))
    assert names[names.index("pieces-a-verifier") + 1] == "justificatifs"


@pytest.mark.parametrize("group_name", [COMMUNICATION, REGISSEURS])
def test_without_the_view_permission_there_is_no_listing_no_screen_no_export_and_no_menu_item(
    client, documents, group_name
):
    client.force_login(staff(group_name, email="autre@example.org"))
    assert_refused(client.get(LISTING, {"export": "csv"}))
    assert client.get(LISTING).status_code in (302, 403)
    assert client.get(f"{LISTING}inspect/{documents['pending'].pk}/").status_code in (302, 403)
    assert '"name": "justificatifs"' not in text(client.get("/admin/"))
    assert not ModelLogEntry.objects.filter(action=EXPORT_ACTION).exists()


def test_anonymous_visitors_are_sent_to_the_login(client, site):
    response = client.get(LISTING)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_listing_its_export_and_a_document_read_with_as_many_queries_for_5_documents_as_for_30(
    client, time_machine, instructor, insurance, address_proof
):
    def more(count, start):
        for index in range(start, start + count):
            family = FamilyFactory(name=f"FAMILLE{index}")
            if index % 2:
                document = sent(insurance, family, ChildFactory(family=family, first_name="Léo"))
            else:
                document = sent(address_proof, family)
            if index % 3 == 0:
                services.documents_decide(documents=[document.pk], accept=bool(index % 2), by=instructor, message="Vu")

    def queries(url, **params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, params).status_code == 200
        return len(captured)

    def counts():
        first = Document.objects.order_by("pk").first()
        return (
            queries(LISTING),
            queries(LISTING, state=DocumentState.VALIDATED, q="famille"),
            export_queries(client, LISTING),
            queries(f"{LISTING}inspect/{first.pk}/"),
        )

    at(time_machine, TODAY)
    more(5, 0)
    counts()
    few = counts()
    more(25, 5)
    assert Document.objects.count() == 30
    assert counts() == few
