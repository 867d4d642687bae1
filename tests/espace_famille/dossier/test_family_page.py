"""«Fiche famille»: one admin page per family with everything the service knows of it, each part opening its own
screen; health data only for the staff who look after children (and each showing audited); a fixed number of
queries whatever the family's history; reachable from the screens that name a family."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from commun.clock import PARIS
from espace_facturation.models import Payment, PaymentKind
from espace_famille.comptes.roles import COMMUNICATION, INSTRUCTORS, REGISSEURS
from espace_famille.demandes.models import EventKind, Request, RequestEvent, RequestKind
from espace_famille.dossier import audit
from espace_famille.dossier.models import AuthorizedContact, Relationship, Vaccination
from espace_famille.justificatifs.models import Document, DocumentState, DocumentType
from espace_famille.planning.models import BookingState
from tests.espace_facturation.factories import book, household, regie
from tests.factories import ActivityFactory, ChildFactory, EnrolmentFactory, InvoiceFactory, UserFactory, role

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 3, 10, tzinfo=PARIS)
MONDAY = date(2026, 12, 7)
IBAN = "FR7630006000011234567890189"


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def member(name: str):
    user = UserFactory(email=f"{name.split()[0].lower()}-{UserFactory.build().email}")
    user.groups.add(role(name))
    return user


def page(client, user, family) -> str:
    client.force_login(user)
    response = client.get(f"/admin/familles/{family.pk}/")
    assert response.status_code == 200
    return unescape(response.content.decode())


def section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def durant(site):
    """A family with a child (allergy, vaccine, an adult allowed to pick him up), a document, a request with its
    history, a booked day, an invoice and a payment."""
    family, leo, parent = household("DURANT")
    family.iban, family.account_holder = IBAN, "M. Jean DURANT"
    family.save()
    leo.allergies = "Arachide : éviction stricte."
    leo.save()
    Vaccination.objects.create(child=leo, name="ROR", date=date(2016, 11, 24))
    AuthorizedContact.objects.create(
        child=leo, full_name="BARRET Jean", mobile="0623456789", relationship=Relationship.NEIGHBOUR, can_pick_up=True
    )
    insurance = DocumentType.objects.create(name="Attestation d'assurance", per_child=True)
    document_request = Request.objects.create(family=family, kind=RequestKind.DOCUMENT, child=leo)
    Document.objects.create(
        family=family,
        child=leo,
        document_type=insurance,
        request=document_request,
        original_name="a.pdf",
        content_type="application/pdf",
        extension=".pdf",
        size=1,
        state=DocumentState.VALIDATED,
        valid_until=date(2027, 9, 1),
    )
    activity = ActivityFactory(code="4", label="Péri SOIR")
    booking_request = Request.objects.create(family=family, kind=RequestKind.BOOKING, child=leo, activity=activity)
    RequestEvent.objects.create(
        request=booking_request, kind=EventKind.MESSAGE, message="Le jeudi est complet.", visible_to_family=False
    )
    book(leo, activity, [MONDAY])
    EnrolmentFactory(child=leo, activity=activity)
    the_regie = regie()
    invoice = InvoiceFactory(regie=the_regie, family=family, number="2026-0042", amount=Decimal("84.50"))
    Payment.objects.create(
        regie=the_regie,
        family=family,
        kind=PaymentKind.CHEQUE,
        operation_number="OP-1",
        paid_on=date(2026, 11, 20),
        amount=Decimal("10.00"),
    )
    return {"family": family, "leo": leo, "activity": activity, "invoice": invoice, "request": booking_request}


def test_an_instructor_reads_the_whole_family_each_part_opening_its_screen(client, durant):
    family, leo = durant["family"], durant["leo"]
    html = page(client, member(INSTRUCTORS), family)
    assert "Fiche famille" in html and "DURANT" in html
    guardians = section(html, "guardianssection")
    assert "Jean DURANT" in guardians and "/admin/espace_famille/guardian/edit/" in guardians
    children = section(html, "childrensection")
    assert "Arachide : éviction stricte." in children and "ROR (24/11/2016)" in children
    assert "BARRET Jean (Voisin / voisine) — 0623456789 · peut récupérer l'enfant" in children
    assert f"/admin/espace_famille/child/edit/{leo.pk}/" in children
    documents = section(html, "documentssection")
    assert "Attestation d'assurance" in documents and "01/09/2027" in documents and "Validé" in documents
    requests = section(html, "requestssection")
    assert "Ajout de réservation" in requests and "« Le jeudi est complet. » <em>(interne)</em>" in requests
    assert f"/admin/snippets/espace_famille/demandes-planning/inspect/{durant['request'].pk}/" in requests
    bookings = section(html, "bookingssection")
    assert "lun. 07/12/2026" in bookings and "Réservé" in bookings
    assert f"/admin/feuille-de-presence/?activity={durant['activity'].pk}&day=2026-12-07" in bookings
    billing = section(html, "billingsection")
    assert "2026-0042" in billing and "84,50\u00a0€" in billing and "OP-1" in billing
    assert f"/admin/facturation/factures/{durant['invoice'].pk}/pdf/" in billing
    assert "Reste à payer</dt><dd>84,50\u00a0€" in billing
    # The IBAN masked, with no way to read it in full for an instructor.
    identity = section(html, "identitysection")
    assert IBAN not in html and "FR76 •••• •••• •••• •••• •••• 189" in identity and "Afficher l'IBAN" not in identity
    # Each showing of health data is audited, but does not flood the family's journal.
    assert ModelLogEntry.objects.filter(action=audit.HEALTH_READ, object_id=str(leo.pk)).count() == 1
    assert "Données de santé consultées" not in section(html, "journalsection")


def test_the_regie_sees_the_money_not_the_health_data(client, durant):
    html = page(client, member(REGISSEURS), durant["family"])
    assert "2026-0042" in html and "Léo" in html
    assert "Arachide" not in html and "BARRET" not in html and 'id="documentssection"' not in html
    # The régie may read the IBAN in full, through «Afficher l'IBAN» (each showing journaled).
    assert IBAN not in html and f'href="/admin/familles/{durant["family"].pk}/iban/">Afficher l\'IBAN</a>' in html
    assert not ModelLogEntry.objects.filter(action=audit.HEALTH_READ).exists()


def test_who_may_not_open_it(client, durant):
    url = f"/admin/familles/{durant['family'].pk}/"
    client.force_login(member(COMMUNICATION))
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    client.force_login(durant["family"].subscriptions.get().user)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url)["Location"].startswith("/admin/login/")
    client.force_login(member(INSTRUCTORS))
    assert client.get("/admin/familles/999999/").status_code == 404


def test_the_decisions_of_the_service_are_in_the_journal(client, durant):
    from espace_famille.demandes import kinds, services
    from espace_famille.planning import services as planning_services

    family, leo = durant["family"], durant["leo"]
    result = planning_services.booking_request_submit(
        family=family,
        by=family.subscriptions.get().user,
        children=[leo],
        activity=durant["activity"],
        kind=RequestKind.BOOKING,
        days=[MONDAY + timedelta(days=1)],
    )
    instructor = member(INSTRUCTORS)
    [submitted] = result.requests
    services.request_decide(request=submitted, decision=kinds.ACCEPT, by=instructor, message="Bienvenue.")
    journal = section(page(client, instructor, family), "journalsection")
    assert "Demande enregistrée" in journal and "Demande acceptée" in journal and "Bienvenue." in journal


def _queries(client, user, family) -> int:
    client.force_login(user)
    client.get(f"/admin/familles/{family.pk}/")
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/admin/familles/{family.pk}/")
    return len(queries)


def test_the_page_reads_with_a_fixed_number_of_queries(client, durant):
    family, activity = durant["family"], durant["activity"]
    instructor = member(INSTRUCTORS)
    few = _queries(client, instructor, family)
    for name in ("Nathan", "Léa", "Tom"):
        child = ChildFactory(family=family, first_name=name)
        Vaccination.objects.create(child=child, name="ROR", date=date(2017, 1, 1))
        book(child, activity, [MONDAY + timedelta(days=d) for d in (0, 1, 3)], state=BookingState.BOOKED)
        Request.objects.create(family=family, kind=RequestKind.ADDRESS_CHANGE)
        InvoiceFactory(regie=durant["invoice"].regie, family=family)
    assert _queries(client, instructor, family) == few


def test_every_screen_that_names_a_family_opens_its_page(client, durant):
    family = durant["family"]
    url = f'href="/admin/familles/{family.pk}/"'
    client.force_login(member(INSTRUCTORS))
    for screen in (
        "/admin/espace_famille/family/",
        "/admin/espace_famille/guardian/",
        "/admin/espace_famille/child/",
        "/admin/espace_famille/enrolment/",
        "/admin/snippets/espace_famille/demandes-planning/",
        f"/admin/feuille-de-presence/?activity={durant['activity'].pk}&day=2026-12-07",
        "/admin/espace_facturation/invoice/",
    ):
        assert url in client.get(screen).content.decode(), screen
    client.force_login(member(REGISSEURS))
    for screen in ("/admin/espace_facturation/invoice/", "/admin/espace_facturation/payment/"):
        assert url in client.get(screen).content.decode(), screen
