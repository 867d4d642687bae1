"""«À faire»: what needs a signed-in parent, on the portal's home page and at the top of «Mon espace citoyen»,
then the children's next seven days."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from espace_facturation.models import InvoiceState
from espace_famille.creche.models import CrecheDraft
from espace_famille.demandes.models import Request, RequestKind, RequestState
from espace_famille.justificatifs.models import DocumentType
from espace_famille.messagerie.models import AudienceKind, FamilyMessage, FamilyMessageRecipient
from espace_famille.planning.models import Booking, BookingState
from tests.factories import (
    ActivityFactory,
    ChildFactory,
    EnrolmentFactory,
    FamilyFactory,
    InvoiceFactory,
    parent_of,
    service_instructor,
)

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2026, 12, 7)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(datetime(2026, 12, 7, 10, 0, tzinfo=PARIS), tick=False)


@pytest.fixture
def family(site):
    DocumentType.objects.update(active=False)
    return FamilyFactory(name="MARTIN")


def busy_family(family, *, children=1):
    """A family with something in every part of «À faire»."""
    activity = ActivityFactory(label="Péri SOIR")
    for number in range(children):
        child = ChildFactory(family=family, first_name=f"Léa{number or ''}", allows_hospitalisation=False)
        EnrolmentFactory(child=child, activity=activity)
        Booking.objects.create(
            child=child,
            activity=activity,
            day=MONDAY,
            state=BookingState.BOOKED,
            queued_at=datetime(2026, 11, 1, tzinfo=PARIS),
        )
        Booking.objects.create(
            child=child,
            activity=activity,
            day=MONDAY + timedelta(days=1),
            state=BookingState.WAITING,
            queued_at=datetime(2026, 11, 1, tzinfo=PARIS),
        )
        InvoiceFactory(
            family=family, number=f"{family.name}-004{number}", due_on=date(2026, 12, 20), amount=Decimal("45.00")
        )
    InvoiceFactory(family=family, number=f"{family.name}-0001", state=InvoiceState.PAID, amount_paid=Decimal("6.50"))
    DocumentType.objects.create(name="Attestation d'assurance", mandatory=True)
    message = FamilyMessage.objects.create(
        audience=AudienceKind.FAMILY, family=family, audience_label=family.name, subject="Sortie au musée", body="…"
    )
    FamilyMessageRecipient.objects.create(message=message, family=family)
    CrecheDraft.objects.create(family=family, data={"child_first_name": "Hugo"})
    instructor = service_instructor()
    Request.objects.create(
        family=family,
        kind=RequestKind.ADDRESS_CHANGE,
        state=RequestState.ACCEPTED,
        decided_by=instructor,
        decided_at=datetime(2026, 12, 4, 9, 0, tzinfo=PARIS),
    )
    Request.objects.create(
        family=family,
        kind=RequestKind.FISCAL_CHANGE,
        state=RequestState.REFUSED,
        decided_by=instructor,
        decided_at=datetime(2026, 10, 1, 9, 0, tzinfo=PARIS),
    )
    return family


def test_the_home_page_of_a_signed_in_parent_says_what_to_do_most_urgent_first(client, family):
    busy_family(family)
    client.force_login(parent_of(family))

    page = client.get("/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="password"' not in html  # no more login form
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    expected = [
        "Facture MARTIN-0040 à payer",
        "45,00\xa0€ avant le 20/12/2026",
        "Pièce à fournir : Attestation d&#x27;assurance",
        "Demande acceptée : Modification de l&#x27;adresse principale",
        "Nouveau message : Sortie au musée",
        "Autorisation d&#x27;hospitalisation non donnée pour Léa",
        "Pré-inscription en crèche à terminer",
    ]
    positions = [html.index(text) for text in expected]
    assert positions == sorted(positions)
    assert "MARTIN-0001" not in html  # paid
    assert "Modification des informations fiscales" not in html  # answered two months ago

    week = html[html.index("Les sept prochains jours") :]
    assert "Aujourd'hui, lundi 07/12/2026" in week
    assert "<strong>Léa</strong> · Péri SOIR · 16:30 - 18:30 · <em>Réservé</em>" in week
    assert "<em>En liste d&#x27;attente</em>" in week
    assert week.count('<h3 class="upcoming-day">') == 7
    assert "Dimanche 13/12/2026" in week


def test_mon_espace_starts_with_the_same_list(client, family):
    busy_family(family)
    client.force_login(parent_of(family))

    html = client.get("/mon-espace/").content.decode()

    assert html.index("À faire") < html.index("Mon profil")
    assert "Facture MARTIN-0040 à payer" in html


def test_nothing_to_do_says_so(client, family):
    child = ChildFactory(family=family, allows_hospitalisation=True)
    client.force_login(parent_of(family))

    html = client.get("/").content.decode()

    assert "Rien à faire pour le moment" in html
    assert html.count("Rien de prévu.") == 7
    assert child.first_name not in html


def test_a_parent_sees_only_their_own_family(client, family):
    busy_family(family)
    other = FamilyFactory(name="DURAND")
    client.force_login(parent_of(other))

    html = client.get("/").content.decode()

    assert "Facture MARTIN-0040" not in html
    assert "Sortie au musée" not in html
    assert "Léa" not in html


def test_an_account_without_a_family_is_told_how_to_subscribe(client, site):
    client.force_login(parent_of(FamilyFactory()).__class__.objects.create_user(email="seul@example.org"))

    html = client.get("/").content.decode()

    assert "aucun dossier famille" in html
    assert "M'abonner à un dossier famille" in html


def test_a_visitor_still_sees_the_login_form(client, site):
    html = client.get("/").content.decode()

    assert 'name="password"' in html
    assert "À faire" not in html


def test_the_list_reads_in_as_many_queries_whatever_the_family_holds(client, family):
    busy_family(family, children=1)
    parent = parent_of(family)
    client.force_login(parent)
    client.get("/")  # warm the site's caches
    with CaptureQueriesContext(connection) as small:
        client.get("/")

    larger = busy_family(FamilyFactory(name="BERNARD"), children=4)
    client.force_login(parent_of(larger))
    client.get("/")
    with CaptureQueriesContext(connection) as large:
        client.get("/")

    assert len(large) == len(small)
