"""The admin's «Tableau de bord», per role: the requests waiting by kind, today's children and the occupancy grid
for instructors, the billing alerts for régisseurs, documents about to expire; a fixed number of queries."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commun.clock import PARIS
from espace_facturation.models import Invoice, InvoiceState
from espace_famille.comptes.models import User
from espace_famille.comptes.roles import COMMUNICATION, INSTRUCTORS, REGISSEURS
from espace_famille.demandes.models import Request, RequestKind, RequestState
from espace_famille.justificatifs.models import Document, DocumentState, DocumentType
from espace_famille.planning import rules
from espace_famille.planning.models import Booking, BookingState, Closure
from tests.espace_facturation.factories import book, household, regie
from tests.factories import ActivityFactory, ChildFactory, FamilyFactory, InvoiceFactory, UserFactory, role

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 3, 10, tzinfo=PARIS)  # a Thursday
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def member(name: str):
    email = f"{name.split()[0].lower()}@example.org"
    if user := User.objects.filter(email=email).first():
        return user
    user = UserFactory(email=email)
    user.groups.add(role(name))
    return user


def dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return unescape(response.content.decode())


def panel(page: str, panel_id: str) -> str:
    start = page.index(f'id="{panel_id}-section"')
    return page[start : page.index("</section>", start)]


def waiting(kind, *, days_ago: int, family=None):
    request = Request.objects.create(family=family or FamilyFactory(), kind=kind, subject="s")
    Request.objects.filter(pk=request.pk).update(created_at=NOW - timedelta(days=days_ago))
    return request


# Instructors ---------------------------------------------------------------------------------------------------


def test_an_instructor_sees_the_requests_waiting_by_kind_with_the_age_of_the_oldest(client, site):
    waiting(RequestKind.BOOKING, days_ago=3)
    waiting(RequestKind.BOOKING, days_ago=1)
    waiting(RequestKind.ADDRESS_CHANGE, days_ago=0)
    decided = waiting(RequestKind.DOCUMENT, days_ago=9)
    Request.objects.filter(pk=decided.pk).update(state=RequestState.ACCEPTED)
    page = panel(dashboard(client, member(INSTRUCTORS)), "demandes-a-traiter")
    booking_row = page[page.index("Ajout de réservation") :]
    assert 'href="/admin/snippets/espace_famille/demandes-planning/"' in page
    assert '<td class="portail-number">2</td>' in booking_row[:100]
    assert "depuis 3 jours" in booking_row and "(30/11/2026 à 10:00)" in booking_row
    assert "Modification de l'adresse principale" in page and "aujourd'hui" in page
    # The oldest first; a decided request is not waiting.
    assert page.index("Ajout de réservation") < page.index("Modification de l'adresse principale")
    assert "Pièce justificative" not in page
    assert '<th scope="row">Total</th><td class="portail-number">3</td>' in page


def test_the_occupancy_grid_colours_each_day_and_opens_its_day_sheet(client, site):
    activity = ActivityFactory(code="4", label="Péri SOIR", capacity=2, weekdays=[0, 1, 3, 4])
    full_day, nearly_day, closed_day = date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 10)
    children = [ChildFactory(first_name=name) for name in ("Léo", "Léa", "Tom")]
    book(children[0], activity, [full_day, nearly_day, TODAY])
    book(children[1], activity, [full_day, TODAY], state=BookingState.ABSENCE_PENDING)
    book(children[2], activity, [full_day])
    Booking.objects.filter(child=children[2]).update(state=BookingState.WAITING)
    Closure.objects.create(label="Grève", start_date=closed_day, end_date=closed_day, activity=activity)
    page = dashboard(client, member(INSTRUCTORS))
    grid = panel(page, "occupation")
    sheet = "/admin/feuille-de-presence/?activity={}&day={}"
    cell = grid[: grid.index(sheet.format(activity.pk, "2026-12-07"))]
    assert cell[cell.rindex("<td") :] == '<td class="portail-occupancy--full"><a href="'
    assert "lundi 07/12/2026, 2 places prises sur 2, 1 en liste d'attente, complet" in grid
    assert ">2/2 +1</a>" in grid
    assert "mardi 08/12/2026, 1 place prise sur 2" in grid and ">1/2</a>" in grid
    assert 'title="Fermé : Grève"' in grid
    # Weekends, where nothing runs, have no column; the headings read «lun. 07/12».
    assert "sam. 05/12" not in grid and "lun. 07/12" in grid
    # Today: one child expected (the other declared an absence).
    today = panel(page, "aujourdhui")
    assert "jeudi 03/12/2026" in page
    assert "Péri SOIR" in today and '<td class="portail-number">1</td>' in today
    # The cell opens the day sheet of that activity and day, with the children booked.
    sheet_page = unescape(
        client.get(f"/admin/feuille-de-presence/?activity={activity.pk}&day=2026-12-07").content.decode()
    )
    assert "Léo" in sheet_page and "Léa" in sheet_page


@pytest.mark.parametrize(
    ("holding", "capacity", "waiting_", "level"),
    [
        (0, None, 0, rules.FREE),
        (50, None, 3, rules.FREE),
        (3, 10, 0, rules.FREE),
        (8, 10, 0, rules.NEARLY_FULL),
        (10, 10, 0, rules.FULL),
        (4, 10, 1, rules.FULL),
    ],
)
def test_how_full_a_day_is(holding, capacity, waiting_, level):
    assert rules.occupancy_level(holding=holding, capacity=capacity, waiting=waiting_) == level


def test_documents_about_to_expire_are_an_alert_until_a_newer_one_is_sent(client, site):
    family = FamilyFactory(name="DURANT")
    insurance = DocumentType.objects.create(name="Attestation d'assurance")

    def document(valid_until, state=DocumentState.VALIDATED):
        request = Request.objects.create(family=family, kind=RequestKind.DOCUMENT)
        return Document.objects.create(
            family=family,
            document_type=insurance,
            request=request,
            original_name="a.pdf",
            content_type="application/pdf",
            extension=".pdf",
            size=1,
            state=state,
            valid_until=valid_until,
        )

    document(TODAY + timedelta(days=12))
    page = panel(dashboard(client, member(INSTRUCTORS)), "a-surveiller")
    assert "1 pièce justificative expire d'ici 30 jours" in page
    assert "DURANT — Attestation d'assurance (15/12/2026)" in page
    document(None, state=DocumentState.PENDING)
    assert "expire" not in dashboard(client, member(INSTRUCTORS))


# Régisseurs ----------------------------------------------------------------------------------------------------


def test_a_regisseur_is_alerted_of_invoices_past_due_and_of_a_month_not_invoiced(client, site):
    the_regie = regie()
    late = InvoiceFactory(regie=the_regie, due_on=TODAY - timedelta(days=1), amount=Decimal("40.00"))
    Invoice.objects.filter(pk=late.pk).update(amount_paid=Decimal("10.50"), state=InvoiceState.PARTIAL)
    InvoiceFactory(regie=the_regie, due_on=TODAY + timedelta(days=5), amount=Decimal("99.00"))
    InvoiceFactory(regie=the_regie, due_on=TODAY - timedelta(days=9), state=InvoiceState.PAID)
    activity = ActivityFactory()
    the_regie.activities.add(activity)
    book(household()[1], activity, [date(2026, 11, 2), date(2026, 11, 3)])
    page = panel(dashboard(client, member(REGISSEURS)), "a-surveiller")
    assert "1 facture échue non réglée" in page and "29,50\u00a0€ restent à recouvrer." in page
    assert "Novembre 2026 n'est pas encore facturé — Regie BL Enfance" in page and "2 jours à facturer." in page
    assert f'href="/admin/facturation/mois/?regie={the_regie.pk}&month=2026-11"' in page
    # The alert opens the invoices past due, and only them.
    listing = unescape(client.get("/admin/espace_facturation/invoice/?echeance=oui").content.decode())
    assert late.number in listing and "2018-" not in listing.replace(late.number, "")
    # The month's form is filled in.
    form = unescape(client.get(f"/admin/facturation/mois/?regie={the_regie.pk}&month=2026-11").content.decode())
    assert 'value="2026-11" selected' in form


# Who sees what -------------------------------------------------------------------------------------------------


def test_each_role_sees_its_own_panels(client, site):
    waiting(RequestKind.BOOKING, days_ago=2)
    InvoiceFactory(regie=regie(), due_on=TODAY - timedelta(days=1))
    instructor = dashboard(client, member(INSTRUCTORS))
    assert all(f'id="{name}-section"' in instructor for name in ("demandes-a-traiter", "aujourdhui", "occupation"))
    assert "facture échue" not in instructor
    cashier = dashboard(client, member(REGISSEURS))
    assert "facture échue" in cashier and 'id="demandes-a-traiter-section"' not in cashier
    editor = dashboard(client, member(COMMUNICATION))
    assert not any(f'id="{name}-section"' in editor for name in ("demandes-a-traiter", "occupation", "a-surveiller"))


def _queries(client, user) -> int:
    client.force_login(user)
    client.get("/admin/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200
    return len(queries)


def test_the_dashboard_reads_with_a_fixed_number_of_queries(client, site):
    the_regie = regie()
    activity = ActivityFactory(capacity=20)
    the_regie.activities.add(activity)
    instructor, cashier = member(INSTRUCTORS), member(REGISSEURS)

    def families(count):
        for _ in range(count):
            family, child, _parent = household(f"F{FamilyFactory.build().name}")
            book(child, activity, [TODAY, date(2026, 12, 7), date(2026, 11, 2)])
            waiting(RequestKind.BOOKING, days_ago=1, family=family)
            InvoiceFactory(regie=the_regie, family=family, due_on=TODAY - timedelta(days=2))

    families(2)
    few = _queries(client, instructor), _queries(client, cashier)
    families(10)
    assert (_queries(client, instructor), _queries(client, cashier)) == few
