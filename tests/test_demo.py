"""The demo municipality: the guide's families with a filled-in file, and requests in the instructors' queue."""

from datetime import date, datetime
from decimal import Decimal
from html import unescape

import pytest
from django.core.management import call_command
from django.utils import timezone

from commun.clock import PARIS
from espace_facturation.models import BilledDay, Invoice, InvoiceLine, InvoiceNature, InvoiceState
from espace_famille.comptes.models import User
from espace_famille.demandes.models import FAMILY_FILE_KINDS, Request, RequestEvent, RequestKind, RequestState
from espace_famille.dossier.models import Family, Relationship
from espace_famille.planning.models import Activity, Attendance, AttendanceStatus, BillingBasis, Booking, Enrolment

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
    # The accueil de loisirs' register of the last month invoiced: every kind of mark, the billed ones invoiced.
    assert set(Attendance.objects.values_list("status", flat=True)) == set(AttendanceStatus.values)
    assert all(mark.day < today for mark in Attendance.objects.all())
    # Léo present twice (his absence with a certificate is not billed), Timéo present, absent without notice, come
    # without a booking.
    assert BilledDay.objects.filter(attendance__isnull=False).count() == 5


def test_the_accueil_de_loisirs_bills_its_register_which_the_instructor_marked(durant, client):
    leisure = Activity.objects.get(code="7")
    assert leisure.get_billing_basis_display() == "Facturation : présences"
    assert Activity.objects.exclude(billing_basis=BillingBasis.BOOKINGS).get() == leisure
    # October 2026's last three Wednesdays, marked on the evening of each by the instructor.
    marks = Attendance.objects.filter(activity=leisure).select_related("child", "marked_by").order_by("day", "pk")
    assert [(mark.day, mark.child.first_name, mark.status) for mark in marks] == [
        (date(2026, 10, 14), "Léo", AttendanceStatus.PRESENT),
        (date(2026, 10, 14), "Timéo", AttendanceStatus.PRESENT),
        (date(2026, 10, 21), "Léo", AttendanceStatus.ABSENT_JUSTIFIED),
        (date(2026, 10, 21), "Timéo", AttendanceStatus.ABSENT_UNJUSTIFIED),
        (date(2026, 10, 28), "Léo", AttendanceStatus.PRESENT),
        (date(2026, 10, 28), "Timéo", AttendanceStatus.PRESENT_UNBOOKED),
    ]
    assert {mark.marked_by.email for mark in marks} == {"instructeur@example.org"}
    # The invoicing run billed the marks: Léo's two afternoons present, not his absence with a certificate.
    line = InvoiceLine.objects.get(invoice__family=durant, activity=leisure)
    assert (line.quantity, line.unit_price, line.amount) == (Decimal("2"), Decimal("6.50"), Decimal("13.00"))
    assert line.invoice.period_start == date(2026, 10, 1) and line.invoice.state == InvoiceState.TO_PAY
    timeo = InvoiceLine.objects.get(invoice__family__subscriber_code="ADERNO2026", activity=leisure)
    assert sorted(timeo.days.values_list("state", flat=True)) == ["present", "unbooked", "unjustified"]

    client.force_login(User.objects.get(email="instructeur@example.org"))
    listing = unescape(client.get("/admin/pointages/", {"activity": leisure.pk}).content.decode())
    assert "Certificat médical remis par la famille" in listing and "Présent sans réservation" in listing
    sheet = client.get("/admin/feuille-de-presence/", {"activity": leisure.pk, "day": "2026-10-28"})
    assert sheet.status_code == 200 and "Timéo ADERNO" in unescape(sheet.content.decode())


def test_no_demo_invoice_has_an_empty_detail_and_each_adds_up(durant):
    for invoice in Invoice.objects.prefetch_related("lines"):
        lines = list(invoice.lines.all())
        assert lines, f"{invoice} n'a aucune ligne"
        assert sum(line.amount for line in lines) == invoice.amount, invoice
        assert all(line.quantity * line.unit_price == line.amount for line in lines), invoice
    guide = InvoiceLine.objects.filter(invoice__number="2018-2544").get()
    assert (guide.child_name, guide.label, guide.amount) == ("Léo DURANT", "5/ALSH-IS-Matin", Decimal("6.50"))
