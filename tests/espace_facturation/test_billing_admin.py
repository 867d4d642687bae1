"""Régisseurs in the admin: the invoicing run with its preview and progress, counter payments, credit notes."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from espace_facturation.models import Invoice, InvoicingRun, Payment, RunState
from espace_famille.permissions import ensure_staff_groups
from espace_famille.rules import PARIS
from tests.factories import ActivityFactory, UserFactory

from .factories import MONDAYS, billed_household, book, household, regie, text

pytestmark = pytest.mark.django_db
D = Decimal
RUN = "/admin/facturation/mois/"
PAYMENT = "/admin/facturation/reglement/"


def staff(group_name):
    user = UserFactory(email=f"{group_name.lower()}@example.org")
    user.groups.add(next(group for group in ensure_staff_groups() if group.name == group_name))
    return user


@pytest.fixture
def regisseur(client, site):
    user = staff("Régisseurs")
    client.force_login(user)
    return user


@pytest.fixture
def the_regie(site):
    return regie()


def test_a_regisseur_previews_then_issues_a_month_and_follows_its_progress(client, regisseur, the_regie, time_machine):
    # The run's form offers the last thirteen months: November 2026 is one of them in December 2026.
    time_machine.move_to(datetime(2026, 12, 3, 10, tzinfo=PARIS), tick=False)
    activity = ActivityFactory(code="4", label="Péri SOIR", price=D("2.10"))
    the_regie.activities.add(activity)
    for name in ("DURANT", "ADERNO"):
        book(household(name)[1], activity, MONDAYS)
    page = text(client.get(RUN, {"regie": the_regie.pk, "month": "2026-11"}))
    assert "Aperçu : 2 familles, 8 jours, 16,80\u00a0€" in page
    assert "Léo DURANT — 4/Péri SOIR : 4 × 2,10\u00a0€ = 8,40\u00a0€" in page
    assert not Invoice.objects.exists()
    # The client runs what the request left for after its commit: the worker (synchronous in tests).
    response = client.post(RUN, {"regie": the_regie.pk, "month": "2026-11", "issued_on": "2026-12-05"})
    run = InvoicingRun.objects.get()
    assert response["Location"] == f"/admin/facturation/mois/{run.pk}/"
    progress = text(client.get(response["Location"]))
    assert "Terminée : 2 familles traitées sur 2, 2 factures émises, 16,80\u00a0€." in progress
    assert 'http-equiv="refresh"' not in progress and "2026-0001" in progress


def test_a_running_run_page_refreshes_itself(client, regisseur, the_regie):
    run = InvoicingRun.objects.create(
        regie=the_regie, month=date(2026, 11, 1), issued_on=date(2026, 12, 5), families_total=4
    )
    page = text(client.get(f"/admin/facturation/mois/{run.pk}/"))
    assert run.state == RunState.RUNNING and 'http-equiv="refresh"' in page and 'value="0"' in page


def test_a_bad_month_choice_is_refused_beside_the_field(client, regisseur, the_regie):
    response = client.post(RUN, {"regie": the_regie.pk, "month": "1999-01", "issued_on": "2026-12-05"})
    assert response.status_code == 400 and "Sélectionnez un choix valide" in text(response)
    assert not InvoicingRun.objects.exists()


def test_a_counter_cheque_is_recorded_and_allocated(client, regisseur, the_regie):
    invoice, _ = billed_household(the_regie)
    url = f"{PAYMENT}?family={invoice.family.pk}&regie={the_regie.pk}"
    page = text(client.get(url))
    assert f"Facture {invoice.number} du 05/12/2026 (reste 8.40 €)" in page
    response = client.post(url, {"kind": "cheque", "reference": "", "paid_on": "2026-12-10", "amount": "8.40"})
    assert response.status_code == 400 and "Indiquez le numéro du chèque." in text(response)
    response = client.post(
        url,
        {
            "kind": "cheque",
            "reference": "564654646",
            "paid_on": "2026-12-10",
            "amount": "5",
            f"invoice_{invoice.pk}": "6",
        },
    )
    assert response.status_code == 400 and "dépassent le montant reçu" in text(response)
    assert not Payment.objects.exists()
    client.post(url, {"kind": "cheque", "reference": "564654646", "paid_on": "2026-12-10", "amount": "8.40"})
    invoice.refresh_from_db()
    assert invoice.state == "paid" and Payment.objects.get().created_by == regisseur


def test_a_credit_note_from_the_admin(client, regisseur, the_regie):
    invoice, _ = billed_household(the_regie)
    url = f"/admin/facturation/factures/{invoice.pk}/avoir/"
    response = client.post(url, {"amount": "9.00", "reason": "erreur"})
    assert response.status_code == 400 and "au plus 8,40 €" in text(response)
    client.post(url, {"amount": "2.10", "reason": "sortie scolaire"})
    assert invoice.credit_notes.get().amount == D("2.10")


def test_instructors_and_parents_cannot_bill(client, the_regie):
    """Wagtail sends a staff member without the permission back to the admin's home, a parent gets 403."""
    invoice, parent = billed_household(the_regie)
    for user, status in ((staff("Instructeurs"), 302), (parent, 403)):
        client.force_login(user)
        for url in (RUN, PAYMENT, f"/admin/facturation/factures/{invoice.pk}/avoir/"):
            response = client.get(url)
            assert response.status_code == status, (user, url)
            assert status == 403 or response["Location"] == "/admin/"
        client.post(RUN, {"regie": the_regie.pk, "month": "2026-11", "issued_on": "2026-12-05"})
    assert not InvoicingRun.objects.exists()
