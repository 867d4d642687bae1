"""«Historique du site» (Wagtail's report of the audit log) links each object to the screen where staff read it: a
request to its decision screen, a family to its «Fiche famille», a document to its screen, an invoice to its
detail, a message to families to its page, an attendance mark to its day sheet — never to an edit form the object
does not have, which sent staff back to the dashboard (or to no link at all)."""

import re
from datetime import date, datetime
from html import unescape

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import ModelLogEntry

from commun.clock import PARIS
from espace_facturation import services as billing_services
from espace_facturation.models import Invoice
from espace_famille.comptes.permissions import ADMINISTRATORS, INSTRUCTORS, REGISSEURS
from espace_famille.demandes.models import Request, RequestKind
from espace_famille.dossier import services as dossier_services
from espace_famille.dossier.family_page import family_url
from espace_famille.dossier.models import Family
from espace_famille.justificatifs import services as documents_services
from espace_famille.justificatifs.models import Document, DocumentType, Validity
from espace_famille.messagerie import rules as messagerie_rules
from espace_famille.messagerie import services as messagerie_services
from espace_famille.modifications import services as modifications_services
from espace_famille.planning import attendance
from espace_famille.planning import services as planning_services
from espace_famille.planning.attendance import Mark
from espace_famille.planning.models import Attendance, AttendanceStatus
from tests.espace_facturation.factories import billed_household, regie
from tests.espace_famille.justificatifs.test_documents import pdf_bytes, upload
from tests.factories import (
    ActivityFactory,
    ChildFactory,
    EnrolmentFactory,
    FamilyFactory,
    GuardianFactory,
    UserFactory,
    family_parent,
    role,
    service_instructor,
)

pytestmark = pytest.mark.django_db

HISTORY = "/admin/reports/site-history/"
MONDAY = date(2026, 11, 16)
ASKED = datetime(2026, 11, 10, 9, 0, tzinfo=PARIS)


def text(response) -> str:
    return re.sub(r"\s+", " ", unescape(response.content.decode()))


def staff(group_name, email):
    user = UserFactory(is_staff=True, email=email)
    user.groups.add(role(group_name))
    return user


@pytest.fixture
def administrator(client, site):
    user = staff(ADMINISTRATORS, "administrateur@example.org")
    client.force_login(user)
    return user


def rows(page: str) -> list[tuple[str, str | None]]:
    """(label, link) of each entry of the report."""
    found = []
    for cell in re.findall(r'<td class="title">(.*?)</td>', page):
        link = re.search(r'<a href="([^"]+)"[^>]*>\s*(.*?)\s*</a>', cell)
        found.append((link.group(2), link.group(1)) if link else (cell.strip(), None))
    return found


@pytest.fixture
def history(time_machine, administrator):
    """A family opened by the service (LEFEBVRE); a guardian's change asked (DURANT); days booked (MARTIN); a
    document sent and validated (BERNARD); an invoice issued (PETIT); each logged by the services."""
    time_machine.move_to(ASKED, tick=False)
    lefebvre = dossier_services.family_create(name="LEFEBVRE", by=administrator)

    guardian = GuardianFactory(family=FamilyFactory(name="DURANT"), first_name="Jean", phone="0102030405")
    change = modifications_services.family_file_submit(
        family=guardian.family,
        kind=RequestKind.GUARDIAN_CHANGE,
        values={"phone": "0611223344"},
        by=family_parent(guardian.family),
        guardian=guardian,
    )

    activity = ActivityFactory(label="Péri SOIR")
    zoe = ChildFactory(family=FamilyFactory(name="MARTIN"), first_name="Zoé")
    EnrolmentFactory(child=zoe, activity=activity)
    booking = planning_services.booking_request_submit(
        family=zoe.family,
        by=family_parent(zoe.family),
        children=[zoe],
        activity=activity,
        kind="booking",
        days=[MONDAY],
        now=ASKED,
    ).requests[0]

    insurance = DocumentType.objects.create(name="Attestation d'assurance", per_child=True, validity=Validity.YEAR)
    leo = ChildFactory(family=FamilyFactory(name="BERNARD"), first_name="Léo")
    document = documents_services.document_upload(
        family=leo.family,
        document_type=insurance,
        child=leo,
        upload=upload("assurance-bernard.pdf", pdf_bytes()),
        by=family_parent(leo.family),
    )
    documents_services.documents_decide(documents=[document.pk], accept=True, by=service_instructor())

    invoice, _ = billed_household(regie(), "PETIT")
    return {
        "family": lefebvre,
        "change": change,
        "booking": booking,
        "document": Document.objects.get(pk=document.pk),
        "invoice": invoice,
    }


def test_each_object_of_the_site_history_links_to_its_own_screen(client, history):
    page = text(client.get(HISTORY))
    entries = rows(page)
    expected = {
        str(history["family"]): ("LEFEBVRE", family_url(history["family"].pk)),
        str(history["change"]): ("DURANT", f"/admin/snippets/espace_famille/request/inspect/{history['change'].pk}/"),
        str(history["booking"]): (
            "MARTIN",
            f"/admin/snippets/espace_famille/demandes-planning/inspect/{history['booking'].pk}/",
        ),
        # The document's request and the document itself: the document's screen.
        history["document"].request.subject: ("BERNARD", f"/admin/justificatifs/inspect/{history['document'].pk}/"),
        str(history["document"]): ("BERNARD", f"/admin/justificatifs/inspect/{history['document'].pk}/"),
        str(history["invoice"]): (
            "PETIT",
            f"/admin/espace_facturation/invoice/inspect/{history['invoice'].pk}/",
        ),
    }
    seen = {}
    for label, link in entries:
        for name, (family, url) in expected.items():
            if label == name or label.endswith(f"— {name}"):
                assert link == url, (label, link)
                response = client.get(link)
                assert response.status_code == 200, (label, link)
                assert family in text(response), (label, link)
                seen[name] = link
    assert set(seen) == set(expected)
    assert "Fiche famille LEFEBVRE" in text(client.get(seen[str(history["family"])]))


def test_staff_see_no_link_to_a_screen_they_may_not_open(history):
    regisseur = staff(REGISSEURS, "regisseur@example.org")
    instructor = staff(INSTRUCTORS, "instructeur@example.org")
    document, invoice = history["document"], history["invoice"]
    assert AdminURLFinder(regisseur).get_edit_url(document) is None
    assert AdminURLFinder(regisseur).get_edit_url(history["change"]) is None
    assert AdminURLFinder(instructor).get_edit_url(document) == f"/admin/justificatifs/inspect/{document.pk}/"
    assert AdminURLFinder(regisseur).get_edit_url(invoice) == f"/admin/espace_facturation/invoice/inspect/{invoice.pk}/"


def test_every_object_the_portal_logs_links_to_a_page_that_opens(client, administrator, history, time_machine):
    """The other objects the services log: the invoicing run and its preview, a message to families, an attendance
    mark. Each link answers a page (not a redirection to the dashboard)."""
    the_regie = history["invoice"].regie
    draft = billing_services.invoicing_preview(regie=the_regie, month=date(2026, 11, 1), by=administrator)
    run = billing_services.invoicing_run_start(draft=draft, issued_on=date(2026, 12, 5), by=administrator)
    activity = history["booking"].activity
    zoe = history["booking"].child
    attendance.attendance_mark(
        activity=activity,
        day=MONDAY,
        marks=[Mark(zoe.pk, AttendanceStatus.PRESENT_UNBOOKED, "")],
        by=administrator,
        now=datetime(2026, 11, 16, 18, 0, tzinfo=PARIS),
    )
    message = messagerie_services.message_send(
        audience=messagerie_rules.Audience(kind=messagerie_rules.FAMILY, family=history["booking"].family),
        subject="Sortie au musée",
        body="Prévoir un goûter.",
        by_email=True,
        by_sms=False,
        by=administrator,
    )
    finder = AdminURLFinder(administrator)
    for instance in (
        run,
        draft,
        Attendance.objects.get(child=zoe),
        message,
        Family.objects.get(pk=history["family"].pk),
        Invoice.objects.get(pk=history["invoice"].pk),
        *Request.objects.all(),
    ):
        assert ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
        ).exists(), instance
        url = finder.get_edit_url(instance)
        assert url and url != "/admin/", instance
        assert client.get(url).status_code == 200, (instance, url)
