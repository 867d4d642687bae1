"""The demo municipality: the guide's families with a filled-in file, and requests in the instructors' queue."""

from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from commun.clock import PARIS
from espace_facturation.models import Invoice, InvoiceNature, InvoiceState
from espace_famille.demandes.models import FAMILY_FILE_KINDS, Request, RequestEvent, RequestKind, RequestState
from espace_famille.dossier.models import Family, Relationship
from espace_famille.planning.models import Booking, Enrolment

pytestmark = pytest.mark.django_db


def load_demo():
    with open("/dev/null", "w") as quiet:
        call_command("load_demo", stdout=quiet)


# A Wednesday in term time: the fixed day the demo's file and requests are read at.
TERM_TIME = datetime(2026, 11, 18, 10, tzinfo=PARIS)
# Days the demo must load a lived-in planning at, whatever the calendar brings: the eve of the Christmas
# holidays (next Monday is in them), New Year's Eve just before midnight, a public-holiday Monday (Whit Monday),
# the last day of the school year, mid-August, and the nights the clocks change.
AWKWARD_MOMENTS = [
    datetime(2026, 12, 14, 10, tzinfo=PARIS),
    datetime(2026, 12, 31, 23, 30, tzinfo=PARIS),
    datetime(2027, 5, 17, 10, tzinfo=PARIS),
    datetime(2027, 7, 2, 17, tzinfo=PARIS),
    datetime(2027, 8, 15, 10, tzinfo=PARIS),
    datetime(2027, 3, 28, 3, 30, tzinfo=PARIS),
    datetime(2027, 10, 31, 2, 30, tzinfo=PARIS),
]


@pytest.fixture
def durant(time_machine):
    time_machine.move_to(TERM_TIME, tick=False)
    load_demo()
    return Family.objects.get(subscriber_code="DURANT2026")


def test_the_durant_file_holds_what_the_guide_shows(durant):
    lea = durant.children.get(first_name="Léa")
    assert lea.birth_date == date(2010, 1, 1)
    assert [(v.name, v.date, v.booster_date) for v in lea.vaccinations.all()] == [
        ("Hépatite B", date(2016, 4, 5), None)
    ]
    contacts = [(c.full_name, c.relationship, c.emergency_call, c.can_pick_up) for c in lea.contacts.all()]
    assert contacts == [
        ("BARRET Jean-philippe", Relationship.NEIGHBOUR, False, True),
        ("LOUVOIS Anne", Relationship.UNCLE_AUNT, False, True),
    ]
    assert durant.iban == "FR7630006000011234567890189" and durant.bic == "AGRIFRPP882"
    assert durant.city == "Boulogne-Billancourt" and durant.quotient and durant.allocataire_number
    jean = durant.guardians.get(first_name="Jean")
    assert (jean.civility, jean.quality, jean.mobile) == ("M.", "pere", "06 12 34 56 78")


def test_the_demo_has_one_pending_and_one_accepted_family_file_request(durant):
    requests = Request.objects.filter(family=durant, kind=RequestKind.GUARDIAN_CHANGE)
    pending = requests.get(state=RequestState.PENDING)
    assert pending.guardian.first_name == "Jean" and pending.changes["mobile"]["after"] == "07 81 23 45 67"
    assert pending.author.email == "jean.durant@example.org"
    accepted = requests.get(state=RequestState.ACCEPTED)
    assert accepted.decided_by.email == "instructeur@example.org"
    assert accepted.guardian.mobile == "06 98 76 54 32"
    assert RequestEvent.objects.filter(request=accepted, visible_to_family=True).exclude(message="").exists()
    # The file itself waits for the instructor: Jean's number is unchanged.
    assert durant.guardians.get(first_name="Jean").mobile == "06 12 34 56 78"


def test_loading_twice_adds_nothing(durant):
    counts = {model: model.objects.count() for model in (Family, Request, RequestEvent, Booking, Enrolment)} | {
        "vaccinations": durant.children.get(first_name="Léa").vaccinations.count()
    }
    load_demo()
    assert {model: model.objects.count() for model in (Family, Request, RequestEvent, Booking, Enrolment)} | {
        "vaccinations": durant.children.get(first_name="Léa").vaccinations.count()
    } == counts
    assert Request.objects.filter(family=durant, kind__in=FAMILY_FILE_KINDS, state=RequestState.PENDING).count() == 1
    assert durant.children.get(first_name="Léa").contacts.count() == 2


def test_the_demo_planning_has_booked_pending_and_refused_days_around_today(durant):
    states = set(Booking.objects.filter(child__family=durant).values_list("state", flat=True))
    assert {"booked", "pending", "refused", "absent"} <= states
    refused = Request.objects.get(family=durant, kind=RequestKind.BOOKING, activity__code="4")
    assert refused.state == RequestState.PENDING
    assert refused.events.filter(message__startswith="Le jeudi, le périscolaire du soir est complet").exists()
    assert Enrolment.objects.filter(child__family=durant).count() == 8


@pytest.mark.parametrize("moment", AWKWARD_MOMENTS, ids=lambda moment: f"{moment:%Y-%m-%dT%H:%M}")
def test_the_demo_loads_a_lived_in_planning_and_its_billing_whatever_the_day(moment, time_machine):
    time_machine.move_to(moment, tick=False)
    load_demo()
    today = timezone.localdate()
    durant = Family.objects.get(subscriber_code="DURANT2026")
    planned = Booking.objects.filter(child__family=durant, day__gt=today)
    assert {"booked", "pending", "refused", "absent"} <= set(planned.values_list("state", flat=True))
    # Every child is enrolled for the school year the planning is in.
    first_day = planned.order_by("day").first().day
    assert Enrolment.objects.filter(child__first_name="Léo", start_date__lte=first_day, end_date__gte=first_day)
    assert Request.objects.filter(family=durant, kind=RequestKind.BOOKING, state=RequestState.PENDING).exists()
    # Two past months billed: the first paid by cheque, the second left to pay; a credit note for Annette.
    invoices = Invoice.objects.filter(family=durant, nature=InvoiceNature.INVOICE, period_start__isnull=False)
    assert [i.state for i in invoices.order_by("period_start")] == [InvoiceState.PAID, InvoiceState.TO_PAY]
    assert all(invoice.issued_on <= today and invoice.period_end < today for invoice in invoices)
    assert Invoice.objects.filter(family__subscriber_code="BLMAN2026", nature=InvoiceNature.CREDIT_NOTE).exists()
