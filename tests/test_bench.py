"""`make bench` keeps working: its workloads run here at a tiny size on the demo (the figures are the bench's)."""

import io

import pytest
from django.core.management import call_command

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


def test_the_invoicing_run_and_the_pdfs_run(demo, capsys):
    from bench import billing

    billing.bench_invoicing_run(families=2)
    assert "Facturation d'un mois pour 2 familles : émission" in capsys.readouterr().out
    billing.bench_pdfs(count=2)
    assert "2 PDF de facture" in capsys.readouterr().out
    assert Invoice.objects.filter(family__name__startswith="FACT").count() == 2


def test_the_certificates_run(demo, capsys):
    from bench import billing
    from espace_facturation.models import ChildcareCertificate

    billing.bench_certificates(count=3)
    assert "3 attestations de frais de garde (3 familles)" in capsys.readouterr().out
    assert ChildcareCertificate.objects.filter(family__name__startswith="GARDE").count() == 3


def test_the_staff_screens_run(demo, capsys, client):
    from bench import staff

    staff.staff_screens(families=3)
    session, family = capsys.readouterr().out.split()[-2:]
    client.cookies["sessionid"] = session
    assert client.get("/admin/").status_code == 200
    assert "PERSONNEL1" in client.get(f"/admin/familles/{family}/").content.decode()


def test_the_pages_part_prints_each_ratio_against_its_goal(capsys):
    from bench import run
    from bench.load import Result

    home, family_home = (target for target in run.TARGETS if target.path == "/")
    assert (home.needs_login, home.goal, family_home.needs_login, family_home.goal) == (False, 0.5, True, 0.25)
    results = [
        (home, Result(600, 10, 0, 0, 1, 2, 3)),
        (family_home, Result(200, 10, 0, 0, 1, 2, 3)),
        (run.CEILING, Result(1000, 10, 0, 0, 1, 2, 3)),
    ]
    run.print_pages(results)
    out = capsys.readouterr().out
    assert "page d'accueil : 0.60× le plafond (objectif ≥ 0.5× : objectif tenu)" in out
    assert "accueil d'une famille : 0.20× le plafond (objectif ≥ 0.25× : OBJECTIF MANQUÉ)" in out


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

    debits.bench_pain008(count=3)
    assert "Lot de prélèvement de 3 débits" in capsys.readouterr().out
