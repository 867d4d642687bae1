"""`manage.py invoicing_run`: a month invoiced from cron as a régisseur, or the runs no worker executed; `--dry-run`
changes nothing, and a second run invoices nothing twice."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry

from espace_facturation import services
from espace_facturation.models import Invoice, InvoicingDraft, InvoicingRun, RunState
from espace_famille.comptes.permissions import INSTRUCTORS
from notifications.models import OutboxMessage
from tests.commun.tty import Terminal
from tests.factories import ActivityFactory

from .factories import MONDAYS, NOVEMBER, book, cashier, household, regie, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(site):
    """Two families booked on November's Mondays in an activity of the régie at 2,10 € a day."""
    the_regie = regie()
    activity = ActivityFactory(label="Péri SOIR", price=Decimal("2.10"))
    the_regie.activities.add(activity)
    for name in ("DURANT", "MARTIN"):
        _, child, _ = household(name)
        book(child, activity, MONDAYS)
    return the_regie


@pytest.fixture
def regisseur():
    return staff("Régisseurs")


def invoicing_run(*args, stderr=None) -> str:
    out = io.StringIO()
    call_command("invoicing_run", *args, stdout=out, stderr=stderr or io.StringIO())
    return out.getvalue()


def month_args(regisseur, *more):
    return ("--regie", "Regie BL Enfance", "--month", "2026-11", "--user", regisseur.email, *more)


def state() -> dict:
    return {
        "invoices": Invoice.objects.count(),
        "drafts": InvoicingDraft.objects.count(),
        "runs": InvoicingRun.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "log": ModelLogEntry.objects.count(),
    }


def test_a_dry_run_says_what_it_would_invoice_and_changes_nothing(month, regisseur):
    before = state()
    out = invoicing_run(*month_args(regisseur, "--issued-on", "2026-12-05", "--dry-run"))
    assert "Simulation : aucune facture n'est émise, rien n'est modifié." in out
    assert "Regie BL Enfance, novembre 2026 : 2 factures seraient émises (8 jours), total 16,80\u00a0€" in out
    assert "datées du 05/12/2026" in out
    assert state() == before


def test_the_month_is_invoiced_once(month, regisseur):
    out = invoicing_run(*month_args(regisseur, "--issued-on", "2026-12-05"))

    assert "Regie BL Enfance, novembre 2026 : 2 factures émises, total 16,80\u00a0€." in out
    invoices = list(Invoice.objects.order_by("number").values_list("family__name", "amount", "issued_on"))
    assert sorted(invoices) == [
        ("DURANT", Decimal("8.40"), date(2026, 12, 5)),
        ("MARTIN", Decimal("8.40"), date(2026, 12, 5)),
    ]
    run = InvoicingRun.objects.get()
    assert (run.state, run.created_by, run.invoice_count) == (RunState.DONE, regisseur, 2)
    assert OutboxMessage.objects.filter(kind="invoice_issued").count() == 2

    before = state()
    again = invoicing_run(*month_args(regisseur))
    assert "rien à facturer" in again
    assert state() == before


def test_a_run_started_in_the_admin_is_executed_by_the_pending_mode_once(month):
    draft = services.invoicing_preview(regie=month, month=NOVEMBER, by=cashier())
    services.invoicing_run_start(draft=draft, by=cashier(), issued_on=date(2026, 12, 5))

    before = state()
    dry = invoicing_run("--pending", "--dry-run")
    assert "Regie BL Enfance, novembre 2026 : facturation en attente (2 familles), serait exécutée." in dry
    assert state() == before

    out = invoicing_run("--pending")
    assert "Regie BL Enfance, novembre 2026 : 2 factures émises, total 16,80\u00a0€." in out
    assert Invoice.objects.count() == 2
    assert InvoicingRun.objects.get().state == RunState.DONE
    assert invoicing_run("--pending") == "Aucune facturation en attente.\n"
    assert Invoice.objects.count() == 2


def test_the_progress_bar_follows_the_families_on_a_terminal(month, regisseur):
    terminal = Terminal()
    invoicing_run(*month_args(regisseur), stderr=terminal)
    assert "Facturation Regie BL Enfance, novembre 2026" in terminal.getvalue() and "2/2" in terminal.getvalue()


def test_only_a_regisseur_invoices(month):
    with pytest.raises(CommandError, match="n'a pas le droit de facturer : ajoutez-le aux Régisseurs"):
        invoicing_run(*month_args(staff(INSTRUCTORS)))
    assert Invoice.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--regie", "Inconnue", "--month", "2026-11", "--user", "x@example.org"), "Aucune régie nommée « Inconnue »"),
        (("--regie", "Regie BL Enfance", "--month", "novembre", "--user", "x@example.org"), "Mois « novembre »"),
        (("--regie", "Regie BL Enfance", "--month", "2026-11"), "Indiquez --regie, --month et --user"),
        (("--pending", "--regie", "Regie BL Enfance"), "--pending s'emploie seul"),
    ],
)
def test_a_mistyped_command_says_what_is_wrong_in_french(month, args, message):
    with pytest.raises(CommandError, match=message):
        invoicing_run(*args)
