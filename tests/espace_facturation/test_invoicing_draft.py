"""The issued invoice is the previewed one: issuing turns a stored draft into invoices, by one code path, refuses a
draft the planning has left behind, never issues a draft twice, and only for a régisseur."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from espace_facturation import services
from espace_facturation.exceptions import DraftStale
from espace_facturation.models import (
    BilledDay,
    Invoice,
    InvoiceSequence,
    InvoicingDraft,
    InvoicingDraftFamily,
    InvoicingRun,
    RunState,
)
from espace_famille.planning.models import ActivityPrice, Booking, BookingState
from notifications.models import OutboxMessage
from tests.factories import ActivityFactory

from . import factories
from .factories import MONDAYS, NOVEMBER, book, household, regie, staff

pytestmark = pytest.mark.django_db
STALE = "Les réservations ont changé depuis l'aperçu : recalculez l'aperçu."
ISSUED_ON = date(2026, 12, 5)


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
def run_draft(django_capture_on_commit_callbacks, cashier):
    """«Émettre» on a draft: the run starts, and its worker (synchronous in tests) runs after the commit."""

    def issue(draft):
        with django_capture_on_commit_callbacks(execute=True):
            run = services.invoicing_run_start(draft=draft, by=cashier, issued_on=ISSUED_ON)
        run.refresh_from_db()
        return run

    return issue


def draft_lines(draft) -> dict[int, list[tuple]]:
    """Per family, each line of the draft as an invoice line reads, with its days and their states."""
    return {
        row.family_id: [
            (
                line.child_id,
                line.activity_id,
                line.child_name,
                line.label,
                line.period_start,
                line.period_end,
                line.quantity,
                line.unit_price,
                line.amount,
                sorted((day.booking_id, day.state) for day in line.days.all()),
            )
            for line in row.lines.all()
        ]
        for row in draft.families.all()
    }


def invoice_lines(invoice) -> list[tuple]:
    return [
        (
            line.child_id,
            line.activity_id,
            line.child_name,
            line.label,
            line.period_start,
            line.period_end,
            line.quantity,
            line.unit_price,
            line.amount,
            sorted((day.booking_id, day.state) for day in line.days.all()),
        )
        for line in invoice.lines.all()
    ]


def test_the_issued_invoices_are_the_draft_line_for_line_and_day_for_day(the_regie, evening, cashier, run_draft):
    ActivityPrice.objects.create(activity=evening, quotient_max=600, amount=Decimal("0.90"))
    (_, leo, _), (_, timeo, _) = household(quotient=450), household("ADERNO")
    morning = ActivityFactory(code="1", label="Péri MATIN", price=Decimal("1.55"))
    the_regie.activities.add(morning)
    book(leo, evening, MONDAYS)
    book(leo, morning, MONDAYS[1:], state=BookingState.ABSENCE_BILLED)
    book(timeo, evening, MONDAYS[:3])
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier)
    shown = draft_lines(draft)
    totals = {row.family_id: row.total for row in draft.families.all()}

    run = run_draft(draft)

    invoices = {invoice.family_id: invoice for invoice in Invoice.objects.filter(run=run)}
    assert {family_id: invoice_lines(invoice) for family_id, invoice in invoices.items()} == shown
    assert {family_id: invoice.amount for family_id, invoice in invoices.items()} == totals
    assert totals[leo.family_id] == Decimal("8.25") and totals[timeo.family_id] == Decimal("6.30")
    assert run.total_amount == draft.total == Decimal("14.55") and BilledDay.objects.count() == draft.day_count == 10
    assert set(InvoicingDraftFamily.objects.values_list("invoice_id", flat=True)) == {i.pk for i in invoices.values()}


def test_a_booking_changed_between_preview_and_issue_refuses_the_draft_and_takes_no_number(the_regie, evening, cashier):
    family, child, _ = household()
    book(child, evening, MONDAYS)
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier)
    # The family declared an absence in time on the second Monday after the régisseur's preview.
    Booking.objects.filter(child=child, day=MONDAYS[1]).update(state=BookingState.ABSENT)

    for issue in (
        lambda: services.invoice_issue(draft=draft, family=family, issued_on=ISSUED_ON, by=cashier),
        lambda: services.invoicing_run_start(draft=draft, issued_on=ISSUED_ON, by=cashier),
    ):
        with pytest.raises(DraftStale) as refused:
            issue()
        assert refused.value.message == STALE
    assert not Invoice.objects.exists() and not InvoicingRun.objects.exists() and not BilledDay.objects.exists()
    assert InvoiceSequence.objects.get(regie=the_regie).last_number == 0

    fresh = services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier)
    invoice = services.invoice_issue(draft=fresh, family=family, issued_on=ISSUED_ON, by=cashier)
    assert fresh != draft and (invoice.number, invoice.amount) == ("2026-0001", Decimal("6.30"))


@pytest.mark.parametrize("change", ["price", "quotient", "new family", "billed meanwhile"])
def test_a_price_a_quotient_a_new_family_or_a_day_billed_meanwhile_makes_the_draft_out_of_date(
    the_regie, evening, cashier, change
):
    family, child, _ = household()
    book(child, evening, MONDAYS)
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier)
    assert not services.draft_out_of_date(draft=draft)
    if change == "price":
        evening.price = Decimal("2.40")
        evening.save()
    elif change == "quotient":
        ActivityPrice.objects.create(activity=evening, quotient_max=600, amount=Decimal("0.90"))
        family.quotient = 450
        family.save()
    elif change == "new family":
        book(household("AUTRE")[1], evening, MONDAYS[:1])
    else:
        only = services.invoicing_preview(regie=the_regie, month=NOVEMBER, family_ids=[family.pk], by=cashier)
        services.invoice_issue(draft=only, family=family, issued_on=ISSUED_ON, by=cashier)
    assert services.draft_out_of_date(draft=draft)
    with pytest.raises(DraftStale):
        services.invoicing_run_start(draft=draft, issued_on=ISSUED_ON, by=cashier)


def test_a_draft_going_out_of_date_during_its_run_stops_it_with_the_message(the_regie, evening, cashier, monkeypatch):
    """The batches issued stay issued; the rest waits for a new preview."""
    (aderno, first_child, _), (durant, second_child, _) = household("ADERNO"), household("DURANT")
    for child in (first_child, second_child):
        book(child, evening, MONDAYS)
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier)
    run = services.invoicing_run_start(draft=draft, issued_on=ISSUED_ON, by=cashier)
    monkeypatch.setattr(services, "BATCH", 1)
    original = services._issue_from_draft

    def cancelled_meanwhile(**kwargs):
        Booking.objects.filter(child=second_child, day=MONDAYS[0]).update(state=BookingState.CANCELLED)
        return original(**kwargs)

    monkeypatch.setattr(services, "_issue_from_draft", cancelled_meanwhile)
    with pytest.raises(DraftStale):
        services.invoicing_run_execute(run=run)
    run.refresh_from_db()
    assert (run.state, run.error, run.families_done, run.invoice_count) == (RunState.FAILED, STALE, 1, 1)
    assert Invoice.objects.get().family == aderno

    fresh = services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier)
    assert list(fresh.families.values_list("family_id", "total")) == [(durant.pk, Decimal("6.30"))]


def test_issuing_a_draft_twice_gives_the_same_invoices_and_never_doubles(the_regie, evening, cashier, run_draft):
    (durant, leo, _), (aderno, timeo, _) = household(), household("ADERNO")
    book(leo, evening, MONDAYS)
    book(timeo, evening, MONDAYS[:2])
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier)
    assert services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier) == draft

    once = services.invoice_issue(draft=draft, family=durant, issued_on=ISSUED_ON, by=cashier)
    again = services.invoice_issue(draft=draft, family=durant, issued_on=date(2026, 12, 20), by=cashier)
    run = run_draft(draft)
    assert services.invoicing_run_start(draft=draft, issued_on=ISSUED_ON, by=cashier) == run
    assert services.invoicing_run_execute(run=run) == run

    assert again == once and again.issued_on == ISSUED_ON
    assert Invoice.objects.count() == 2 and InvoicingRun.objects.count() == 1
    assert sorted(Invoice.objects.values_list("number", flat=True)) == ["2026-0001", "2026-0002"]
    assert (run.state, run.families_done, run.invoice_count) == (RunState.DONE, 2, 1)
    assert Invoice.objects.get(run=run).family == aderno
    assert BilledDay.objects.count() == 6 and OutboxMessage.objects.filter(kind="invoice_issued").count() == 2


def test_the_single_family_issue_and_the_run_write_identical_invoices(the_regie, evening, cashier, run_draft):
    """Two families booked alike (same names, same days): one invoiced alone, the other by the run."""
    (alone, leo, _), (_, twin, _) = household(email="a@example.org"), household(email="b@example.org")
    book(leo, evening, MONDAYS)
    book(twin, evening, MONDAYS)
    single = services.invoicing_preview(regie=the_regie, month=NOVEMBER, family_ids=[alone.pk], by=cashier)
    by_itself = services.invoice_issue(draft=single, family=alone, issued_on=ISSUED_ON, by=cashier)
    by_run = Invoice.objects.get(run=run_draft(services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier)))

    def written(invoice):
        lines = [line[2:-1] + (len(line[-1]),) for line in invoice_lines(invoice)]
        fields = ("nature", "issued_on", "due_on", "period_start", "period_end", "amount", "amount_paid", "state")
        return {name: getattr(invoice, name) for name in fields}, invoice.emission_code, lines

    assert written(by_itself) == written(by_run)
    assert (by_itself.number, by_run.number) == ("2026-0001", "2026-0002")
    for invoice in (by_itself, by_run):
        email = OutboxMessage.objects.get(kind="invoice_issued", key__startswith=f"invoice_issued:{invoice.pk}:")
        assert f"Votre facture n° {invoice.number}" in email.body_text and "8,40\u00a0€" in email.body_text
        entry = invoice_log(invoice)
        assert entry.user == cashier and entry.data["number"] == invoice.number and entry.data["amount"] == "8.40"


def invoice_log(invoice):
    from wagtail.models import ModelLogEntry

    return ModelLogEntry.objects.get(action="portail.invoice.issue", object_id=str(invoice.pk))


def test_only_a_regisseur_previews_and_issues(the_regie, evening, cashier):
    family, child, parent = household()
    book(child, evening, MONDAYS)
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier)
    for who in (staff("Instructeurs"), parent, None):
        for act in (
            lambda who=who: services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=who),
            lambda who=who: services.invoice_issue(draft=draft, family=family, issued_on=ISSUED_ON, by=who),
            lambda who=who: services.invoicing_run_start(draft=draft, issued_on=ISSUED_ON, by=who),
        ):
            with pytest.raises(PermissionDenied):
                act()
    assert InvoicingDraft.objects.count() == 1 and not Invoice.objects.exists() and not InvoicingRun.objects.exists()


def _issue_queries(the_regie, evening, cashier, names) -> int:
    families = []
    for name in names:
        family, child, _ = household(name)
        book(child, evening, MONDAYS)
        families.append(family.pk)
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, family_ids=families, by=cashier)
    run = services.invoicing_run_start(draft=draft, by=cashier, issued_on=ISSUED_ON)  # its worker not started
    with CaptureQueriesContext(connection) as issued:
        run = services.invoicing_run_execute(run=run)
    assert run.invoice_count == len(names)
    return len(issued)


def test_issuing_takes_the_same_queries_for_two_families_or_five(the_regie, evening, cashier):
    """Each family's invoice and e-mail are written without a query of their own (the portal's address, for the
    e-mails' links, looked up once): a run of 5,000 families takes a few queries per batch, not per family."""
    _issue_queries(the_regie, evening, cashier, ["AA"])  # the year's sequence made, the content types known
    two = _issue_queries(the_regie, evening, cashier, ["BB", "CC"])
    five = _issue_queries(the_regie, evening, cashier, ["DD", "EE", "FF", "GG", "HH"])
    assert five == two
