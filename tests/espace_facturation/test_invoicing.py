"""The invoicing run: the planning × prices, numbered without gaps, idempotent, the family told, the progress."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from wagtail.models import ModelLogEntry

from espace_facturation import services
from espace_facturation.exceptions import BillingError
from espace_facturation.models import BilledDay, Invoice, InvoiceLine, InvoicingRun, RunState
from espace_famille.planning.models import ActivityPrice, BookingState
from notifications.models import OutboxMessage
from tests.factories import ActivityFactory, UserFactory

from .factories import MONDAYS, NOVEMBER, book, household, regie

pytestmark = pytest.mark.django_db


@pytest.fixture
def the_regie(site):
    return regie()


@pytest.fixture
def evening(the_regie):
    activity = ActivityFactory(code="4", label="Péri SOIR", price=Decimal("2.10"))
    the_regie.activities.add(activity)
    return activity


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Start a run as the admin does; its worker (django-q2, synchronous in tests) runs after the commit."""

    def start(the_regie, month=NOVEMBER):
        with django_capture_on_commit_callbacks(execute=True):
            the_run = services.invoicing_run_start(
                regie=the_regie, month=month, by=UserFactory(), issued_on=date(2026, 12, 5)
            )
        the_run.refresh_from_db()
        return the_run

    return start


def test_booked_days_and_billed_absences_are_billed_not_pending_refused_or_justified_absences(the_regie, evening):
    family, child, _ = household()
    states = [BookingState.BOOKED, BookingState.ABSENCE_BILLED, BookingState.PENDING, BookingState.ABSENT]
    for day, state in zip(MONDAYS, states, strict=True):
        book(child, evening, [day], state=state)
    [preview] = services.invoicing_preview(regie=the_regie, month=NOVEMBER)
    [line] = preview.lines
    assert line.days == MONDAYS[:2] and line.label == "4/Péri SOIR" and line.child_name == "Léo DURANT"
    assert line.amount == Decimal("4.20") and preview.total == Decimal("4.20")


def test_days_outside_the_month_or_of_another_regies_activities_are_not_billed(the_regie, evening):
    family, child, _ = household()
    other = ActivityFactory(code="9", price=Decimal("5"))
    book(child, evening, [date(2026, 10, 26), date(2026, 12, 7)])
    book(child, other, MONDAYS)
    assert services.invoicing_preview(regie=the_regie, month=NOVEMBER) == []


def test_the_price_depends_on_the_familys_quotient(the_regie, evening):
    ActivityPrice.objects.create(activity=evening, quotient_max=600, amount=Decimal("0.90"))
    ActivityPrice.objects.create(activity=evening, quotient_max=None, amount=Decimal("2.40"))
    modest, child_a, _ = household("MODESTE", quotient=450)
    comfortable, child_b, _ = household("AISEE", quotient=1800)
    unknown, child_c, _ = household("INCONNU")
    for child in (child_a, child_b, child_c):
        book(child, evening, MONDAYS)
    totals = {p.family_name: p.total for p in services.invoicing_preview(regie=the_regie, month=NOVEMBER)}
    assert totals == {"MODESTE": Decimal("3.60"), "AISEE": Decimal("9.60"), "INCONNU": Decimal("8.40")}


def test_the_run_issues_what_the_preview_showed_numbered_in_order_and_tells_the_family(the_regie, evening, run):
    households = [household(name) for name in ("ADERNO", "BLMAN", "DURANT")]
    for _, child, _ in households:
        book(child, evening, MONDAYS)
    preview = {p.family_name: p.total for p in services.invoicing_preview(regie=the_regie, month=NOVEMBER)}
    the_run = run(the_regie)
    the_run.refresh_from_db()
    assert the_run.state == RunState.DONE and the_run.families_done == the_run.families_total == 3
    assert the_run.invoice_count == 3 and the_run.total_amount == Decimal("25.20")
    invoices = list(Invoice.objects.order_by("number"))
    assert [i.number for i in invoices] == ["2026-0001", "2026-0002", "2026-0003"]
    assert {i.family.name: i.amount for i in invoices} == preview
    first = invoices[0]
    assert first.due_on == date(2027, 1, 4) and first.period_start == NOVEMBER and first.left_to_pay == Decimal("8.40")
    assert BilledDay.objects.count() == 12
    emails = OutboxMessage.objects.filter(kind="invoice_issued")
    assert emails.count() == 3
    durant = emails.get(to_email="durant@example.org")
    assert (
        "Votre facture n° 2026-0003 de novembre 2026 " in durant.body_text
        and "Montant : 8,40\u00a0€" in durant.body_text
    )
    assert "04/01/2027" in durant.body_text and f"/espace-facturation/factures/{invoices[2].pk}/" in durant.body_html
    assert ModelLogEntry.objects.filter(action="portail.invoice.issue").count() == 3
    assert len(mail.outbox) == 3


def test_running_a_month_twice_bills_nothing_twice_and_then_only_the_new_days(the_regie, evening, run):
    family, child, _ = household()
    book(child, evening, MONDAYS[:2])
    run(the_regie)
    second = run(the_regie)
    second.refresh_from_db()
    assert second.invoice_count == 0 and Invoice.objects.count() == 1
    book(child, evening, MONDAYS[2:])
    run(the_regie)
    amounts = sorted(Invoice.objects.values_list("amount", flat=True))
    assert amounts == [Decimal("4.20"), Decimal("4.20")]
    assert list(Invoice.objects.order_by("number").values_list("number", flat=True)) == ["2026-0001", "2026-0002"]


def test_a_day_billed_meanwhile_gives_back_its_number(the_regie, evening):
    family, child, _ = household()
    book(child, evening, MONDAYS)
    [preview] = services.invoicing_preview(regie=the_regie, month=NOVEMBER)
    services.invoice_issue(regie=the_regie, family=family, lines=preview.lines, issued_on=date(2026, 12, 5))
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        services.invoice_issue(regie=the_regie, family=family, lines=preview.lines, issued_on=date(2026, 12, 5))
    book(household("AUTRE")[1], evening, MONDAYS[:1])
    [other] = services.invoicing_preview(regie=the_regie, month=NOVEMBER)
    invoice = services.invoice_issue(
        regie=the_regie, family=other_family(other), lines=other.lines, issued_on=date(2026, 12, 5)
    )
    assert invoice.number == "2026-0002"


def other_family(preview):
    from espace_famille.dossier.models import Family

    return Family.objects.get(pk=preview.family_id)


def test_numbers_start_again_each_year_and_each_regie_has_its_own(the_regie, evening):
    second_regie = regie(name="Regie Sports")
    family, child, _ = household()
    book(child, evening, MONDAYS)
    [preview] = services.invoicing_preview(regie=the_regie, month=NOVEMBER)
    lines = preview.lines
    a = services.invoice_issue(regie=the_regie, family=family, lines=lines[:1], issued_on=date(2026, 12, 5))
    InvoiceLine.objects.all().delete()
    BilledDay.objects.all().delete()
    b = services.invoice_issue(regie=the_regie, family=family, lines=lines, issued_on=date(2027, 1, 5))
    BilledDay.objects.all().delete()
    c = services.invoice_issue(regie=second_regie, family=family, lines=lines, issued_on=date(2027, 1, 5))
    assert (a.number, b.number, c.number) == ("2026-0001", "2027-0001", "2027-0001")


def test_an_invoice_without_lines_is_refused(the_regie):
    family, _, _ = household()
    with pytest.raises(BillingError):
        services.invoice_issue(regie=the_regie, family=family, lines=[], issued_on=date(2026, 12, 5))
    assert not Invoice.objects.exists()


def test_a_run_reports_its_progress_while_it_works(the_regie, evening, run, monkeypatch):
    monkeypatch.setattr(services, "BATCH", 2)
    seen = []
    original = services._issue_batch

    def spy(**kwargs):
        seen.append(InvoicingRun.objects.get().families_done)
        return original(**kwargs)

    monkeypatch.setattr(services, "_issue_batch", spy)
    for name in ("A", "B", "C", "D", "E"):
        book(household(name)[1], evening, MONDAYS[:1])
    run(the_regie)
    assert seen == [0, 2, 4]
    assert InvoicingRun.objects.get().families_done == 5
