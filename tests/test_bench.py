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


def test_the_staff_screens_run(demo, capsys, client):
    from bench import staff

    staff.staff_screens(families=3)
    session, family = capsys.readouterr().out.split()[-2:]
    client.cookies["sessionid"] = session
    assert client.get("/admin/").status_code == 200
    assert "PERSONNEL1" in client.get(f"/admin/familles/{family}/").content.decode()
