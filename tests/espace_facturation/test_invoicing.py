"""The invoicing run: the planning × prices stored as a draft, numbered without gaps, idempotent, the family told,
the progress."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from wagtail.models import ModelLogEntry

from espace_facturation import services
from espace_facturation.exceptions import BillingError
from espace_facturation.models import BilledDay, Invoice, InvoicingRun, RunState
from espace_famille.planning.models import ActivityPrice, BookingState
from notifications.models import OutboxMessage
from tests.factories import ActivityFactory

from . import factories
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
def cashier():
    return factories.cashier()


@pytest.fixture
def run(django_capture_on_commit_callbacks, cashier):
    """Preview then issue a month as the admin does; the run's worker (django-q2, synchronous in tests) runs after
    the commit."""

    def start(the_regie, month=NOVEMBER):
        draft = services.invoicing_preview(regie=the_regie, month=month, by=cashier)
        with django_capture_on_commit_callbacks(execute=True):
            the_run = services.invoicing_run_start(draft=draft, by=cashier, issued_on=date(2026, 12, 5))
        the_run.refresh_from_db()
        return the_run

    return start


def totals(draft) -> dict[str, Decimal]:
    return {row.family.name: row.total for row in draft.families.select_related("family")}


def test_booked_days_and_billed_absences_are_billed_not_pending_refused_or_justified_absences(
    the_regie, evening, cashier
):
    family, child, _ = household()
    states = [BookingState.BOOKED, BookingState.ABSENCE_BILLED, BookingState.PENDING, BookingState.ABSENT]
    for day, state in zip(MONDAYS, states, strict=True):
        book(child, evening, [day], state=state)
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier)
    [row] = draft.families.all()
    [line] = row.lines.all()
    assert [day.day for day in line.days.all()] == MONDAYS[:2]
    assert (line.label, line.child_name, line.quantity) == ("4/Péri SOIR", "Léo DURANT", Decimal("2"))
    assert line.amount == Decimal("4.20") and row.total == draft.total == Decimal("4.20")


def test_days_outside_the_month_or_of_another_regies_activities_are_not_billed(the_regie, evening, cashier):
    family, child, _ = household()
    other = ActivityFactory(code="9", price=Decimal("5"))
    book(child, evening, [date(2026, 10, 26), date(2026, 12, 7)])
    book(child, other, MONDAYS)
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier)
    assert not draft.families.exists() and (draft.family_count, draft.total) == (0, Decimal("0"))


def test_the_price_depends_on_the_familys_quotient(the_regie, evening, cashier):
    ActivityPrice.objects.create(activity=evening, quotient_max=600, amount=Decimal("0.90"))
    ActivityPrice.objects.create(activity=evening, quotient_max=None, amount=Decimal("2.40"))
    modest, child_a, _ = household("MODESTE", quotient=450)
    comfortable, child_b, _ = household("AISEE", quotient=1800)
    unknown, child_c, _ = household("INCONNU")
    for child in (child_a, child_b, child_c):
        book(child, evening, MONDAYS)
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier)
    assert totals(draft) == {"MODESTE": Decimal("3.60"), "AISEE": Decimal("9.60"), "INCONNU": Decimal("8.40")}


def test_the_run_issues_what_the_preview_showed_numbered_in_order_and_tells_the_family(the_regie, evening, run):
    households = [household(name) for name in ("ADERNO", "BLMAN", "DURANT")]
    for _, child, _ in households:
        book(child, evening, MONDAYS)
    the_run = run(the_regie)
    assert the_run.state == RunState.DONE and the_run.families_done == the_run.families_total == 3
    assert the_run.invoice_count == 3 and the_run.total_amount == Decimal("25.20")
    invoices = list(Invoice.objects.order_by("number"))
    assert [i.number for i in invoices] == ["2026-0001", "2026-0002", "2026-0003"]
    assert {i.family.name: i.amount for i in invoices} == totals(the_run.draft)
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
    assert second.invoice_count == 0 and Invoice.objects.count() == 1
    book(child, evening, MONDAYS[2:])
    run(the_regie)
    amounts = sorted(Invoice.objects.values_list("amount", flat=True))
    assert amounts == [Decimal("4.20"), Decimal("4.20")]
    assert list(Invoice.objects.order_by("number").values_list("number", flat=True)) == ["2026-0001", "2026-0002"]


def test_numbers_start_again_each_year_and_each_regie_has_its_own(the_regie, evening, cashier):
    second_regie = regie(name="Regie Sports")
    sport = ActivityFactory(code="7", price=Decimal("5"))
    second_regie.activities.add(sport)
    (durant, leo, _), (aderno, timeo, _) = household(), household("ADERNO")
    book(leo, evening, MONDAYS)
    book(timeo, evening, MONDAYS)
    book(leo, sport, MONDAYS)

    def issue(the_regie, family, issued_on):
        draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, family_ids=[family.pk], by=cashier)
        return services.invoice_issue(draft=draft, family=family, issued_on=issued_on, by=cashier).number

    assert issue(the_regie, durant, date(2026, 12, 5)) == "2026-0001"
    assert issue(the_regie, aderno, date(2027, 1, 5)) == "2027-0001"
    assert issue(second_regie, durant, date(2027, 1, 5)) == "2027-0001"


def test_a_family_the_draft_does_not_bill_gets_no_invoice(the_regie, evening, cashier):
    family, child, _ = household()
    other, _, _ = household("AUTRE")
    book(child, evening, MONDAYS)
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier)
    with pytest.raises(BillingError) as refused:
        services.invoice_issue(draft=draft, family=other, issued_on=date(2026, 12, 5), by=cashier)
    assert refused.value.message == "Cet aperçu ne facture rien à cette famille."
    assert not Invoice.objects.exists()


def test_a_run_reports_its_progress_while_it_works(the_regie, evening, run, monkeypatch):
    monkeypatch.setattr(services, "BATCH", 2)
    seen = []
    original = services._issue_from_draft

    def spy(**kwargs):
        seen.append(InvoicingRun.objects.get().families_done)
        return original(**kwargs)

    monkeypatch.setattr(services, "_issue_from_draft", spy)
    for name in ("A", "B", "C", "D", "E"):
        book(household(name)[1], evening, MONDAYS[:1])
    run(the_regie)
    assert seen == [0, 2, 4]
    assert InvoicingRun.objects.get().families_done == 5
