"""`make bench` keeps working: its workloads run here at a tiny size on the demo (the figures are the bench's)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from espace_facturation.models import Invoice
from espace_famille.planning.models import Booking, BookingState


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_the_planning_family_and_the_bulk_acceptance_run(demo, capsys):
    from bench import fixtures

    session_key = fixtures.planning_family()
    assert session_key and Booking.objects.filter(child__family__name="BENCH").count() > 50
    fixtures.bulk_acceptance(days=4)
    bulk = Booking.objects.filter(child__first_name__startswith="Bulk")
    assert bulk.count() == 4 and not bulk.exclude(state=BookingState.BOOKED).exists()


def test_the_invoicing_run_bills_the_demos_mix_and_the_pdfs_hold_its_lines(demo, capsys):
    from bench import billing
    from bench.figures import parse

    preview, issue = billing.bench_invoicing_run(families=6)
    assert parse(capsys.readouterr().out) == [preview, issue]
    assert issue.goal == 60 and issue.verdict in {"OK", "MANQUÉ"} and preview.goal is None
    # 1 to 3 children a family, each in one to three activities billed by band of quotient familial.
    assert issue.rows.startswith("6 familles, 12 enfants, ") and "6 factures" in issue.rows
    invoices = Invoice.objects.filter(family__name__startswith="FACT").prefetch_related("lines__activity")
    counts = sorted(len(invoice.lines.all()) for invoice in invoices)
    assert counts[0] >= 1 and counts[-1] >= 6 and sum(counts) / len(counts) > 3, counts
    prices = {
        line.unit_price for invoice in invoices for line in invoice.lines.all() if line.activity.code == "BENCH-PERI"
    }
    assert len(prices) > 1  # the families' quotients fall in different bands

    figure = billing.bench_pdfs(count=2)
    assert figure.label == "2 PDF de facture l'un après l'autre" and figure.goal == 10
    # The figure names the database it ran on: the suite's own, SQLite or PostgreSQL (CI's second pass).
    assert "lignes par facture en moyenne" in figure.rows
    assert figure.database == {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[connection.vendor]
    average = float(figure.rows.split(" lignes")[0].replace(",", "."))
    assert average >= 5


def test_the_certificates_run(demo, capsys):
    from bench import billing
    from espace_facturation.models import ChildcareCertificate

    figure = billing.bench_certificates(count=3)
    assert figure.label == "3 attestations de frais de garde, en une campagne" and figure.rows.startswith("3 familles")
    assert ChildcareCertificate.objects.filter(family__name__startswith="GARDE").count() == 3


def test_the_staff_screens_run(demo, capsys, client):
    from bench import staff

    staff.staff_screens(families=3)
    session, family = capsys.readouterr().out.split()[-2:]
    client.cookies["sessionid"] = session
    assert client.get("/admin/").status_code == 200
    assert "PERSONNEL1" in client.get(f"/admin/familles/{family}/").content.decode()


def test_the_pages_part_prints_each_ratio_against_its_goal(capsys, monkeypatch):
    from bench import run
    from bench.load import Result

    home, family_home = (target for target in run.TARGETS if target.path == "/")
    assert (home.needs_login, home.goal, family_home.needs_login, family_home.goal) == (False, 0.5, True, 0.25)
    results = [
        (home, Result(600, 10, 0, 0, 1, 2, 3)),
        (family_home, Result(200, 10, 0, 0, 1, 2, 3)),
        (run.CEILING, Result(1000, 10, 0, 0, 1, 2, 3)),
    ]
    monkeypatch.setattr(run, "FIGURES", [])
    run.print_pages(results)
    out = capsys.readouterr().out
    assert "page d'accueil (le plafond : vue Django nue) : 0,60× (objectif ≥ 0,50× : OK) — 600 requêtes en 10 s" in out
    assert "accueil d'une famille (le plafond : vue Django nue) : 0,20× (objectif ≥ 0,25× : MANQUÉ)" in out
    assert [figure.verdict for figure in run.FIGURES] == ["OK", "MANQUÉ"]


def test_bench_only_refuses_a_part_it_does_not_know(monkeypatch, capsys):
    from bench import run

    monkeypatch.setattr(run, "ONLY", {"pages", "pagse"})
    assert run.main() == 2
    assert "parties inconnues pagse" in capsys.readouterr().err


def test_the_journal_of_a_year_runs(demo, capsys):
    from bench import journal

    journal.bench_journal(families=3)
    out = capsys.readouterr().out
    assert "Journal comptable d'une année pour 3 familles : 183 lignes" in out


def test_the_direct_debit_lot_runs(db, capsys):
    from bench import debits

    figure = debits.bench_pain008(count=3)
    assert "Lot de prélèvement SEPA de 3 débits" in capsys.readouterr().out
    assert figure.rows.startswith("3 débits")


def test_without_postgresql_the_heavy_parts_say_skipped_and_why(monkeypatch, capsys):
    from bench import run

    monkeypatch.setattr(run, "PG_URL", "postgres://postgres@127.0.0.1:1/bench_nowhere")
    monkeypatch.setattr(run, "ONLY", {"bulk", "digests"})
    monkeypatch.setattr(run, "FIGURES", [])
    monkeypatch.setattr(run, "PART_ERRORS", [])
    run.heavy_parts({})
    out = capsys.readouterr().out
    assert [(figure.part, figure.verdict) for figure in run.FIGURES] == [("bulk", "sauté"), ("digests", "sauté")]
    assert "Acceptation en masse de jours en attente : sauté (PostgreSQL ne répond pas" in out
    assert not run.PART_ERRORS
    monkeypatch.setenv("BENCH_REQUIRE_POSTGRES", "1")
    run.heavy_parts({})
    assert run.PART_ERRORS


def test_a_missed_goal_is_said_and_the_run_is_written_with_its_date(tmp_path, monkeypatch, capsys):
    import json
    from datetime import UTC, datetime

    from bench import run
    from bench.figures import Figure, emit, parse

    kept = emit(Figure(part="bulk", label="Acceptation", value=12.5, goal=10, rows="10 000 jours"))
    assert parse(capsys.readouterr().out) == [kept]
    assert kept.line() == "Acceptation : 12,5 s (objectif ≤ 10,0 s : MANQUÉ) — 10 000 jours"
    monkeypatch.setattr(run, "FIGURES", [kept, Figure(part="digests", label="Accusés", skipped="PostgreSQL absent")])
    monkeypatch.setattr(run, "PART_ERRORS", [])
    monkeypatch.setattr(run, "LAST", tmp_path / "last.json")
    run.summary(datetime(2026, 12, 4, 18, 0, tzinfo=UTC), 0.0, "wrk")
    out = capsys.readouterr().out
    assert "Bilan de la mesure du 04/12/2026 à 18:00 UTC" in out and "1 objectif(s) manqué(s), 1 sautée(s)" in out
    written = json.loads((tmp_path / "last.json").read_text())
    assert written["date"] == "2026-12-04T18:00:00+00:00"
    assert [(f["label"], f["verdict"]) for f in written["figures"]] == [("Acceptation", "MANQUÉ"), ("Accusés", "sauté")]
