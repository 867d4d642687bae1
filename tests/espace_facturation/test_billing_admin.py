"""Régisseurs in the admin: the invoicing run with its preview and progress, counter payments, credit notes."""

import io
from datetime import date, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command

from commun.clock import PARIS
from commun.intents import FIELD
from espace_facturation import payments, services
from espace_facturation.models import Invoice, InvoicingDraft, InvoicingRun, Payment, RunState
from espace_famille.planning.models import Booking, BookingState
from tests.factories import ActivityFactory, UserFactory
from tests.intents import intent_in, submit

from .factories import MONDAYS, billed_household, book, cashier, household, regie, staff, text

pytestmark = pytest.mark.django_db
D = Decimal
RUN = "/admin/facturation/mois/"
PAYMENT = "/admin/facturation/reglement/"


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
    assert "Aperçu" in text(client.get(RUN))
    previewed = client.post(RUN, {"regie": the_regie.pk, "month": "2026-11"})
    draft = InvoicingDraft.objects.get()
    assert previewed["Location"] == f"/admin/facturation/mois/apercu/{draft.pk}/"
    page = text(client.get(previewed["Location"]))
    assert "Aperçu : 2 familles, 8 jours, 16,80\u00a0€" in page
    assert "Léo DURANT — 4/Péri SOIR : 4 × 2,10\u00a0€ = 8,40\u00a0€" in page
    assert "Émettre les 2 factures" in page and not Invoice.objects.exists()
    # The client runs what the request left for after its commit: the worker (synchronous in tests).
    response = submit(client, previewed["Location"], {"issued_on": "2026-12-05"})
    run = InvoicingRun.objects.get()
    assert run.draft == draft and response["Location"] == f"/admin/facturation/mois/{run.pk}/"
    progress = text(client.get(response["Location"]))
    assert "Terminée : 2 familles traitées sur 2, 2 factures émises, 16,80\u00a0€." in progress
    assert 'http-equiv="refresh"' not in progress and "2026-0001" in progress
    # Back on the draft: it says it is issued and offers no second «Émettre».
    page = text(client.get(previewed["Location"]))
    assert "Cet aperçu est émis" in page and "Émettre les" not in page


def test_without_the_cluster_a_run_issued_in_the_admin_waits_for_cron(
    client, regisseur, the_regie, settings, time_machine, django_capture_on_commit_callbacks
):
    settings.TASKS_RUNNER = "cron"
    time_machine.move_to(datetime(2026, 12, 3, 10, tzinfo=PARIS), tick=False)
    activity = ActivityFactory(code="4", label="Péri SOIR", price=D("2.10"))
    the_regie.activities.add(activity)
    book(household("DURANT")[1], activity, MONDAYS)
    preview = client.post(RUN, {"regie": the_regie.pk, "month": "2026-11"})["Location"]
    with mock.patch("django_q.tasks.async_task") as async_task, django_capture_on_commit_callbacks(execute=True):
        response = submit(client, preview, {"issued_on": "2026-12-05"})
    async_task.assert_not_called()
    progress = text(client.get(response["Location"]))
    assert "En cours : 0 familles traitées sur 1" in progress
    assert "En file d'attente : la facturation commence dans quelques minutes." in progress
    assert not Invoice.objects.exists()

    call_command("invoicing_run", "--pending", stdout=io.StringIO())
    progress = text(client.get(response["Location"]))
    assert "Terminée : 1 famille traitée sur 1, 1 facture émise, 8,40\u00a0€." in progress
    assert "En file d'attente" not in progress


def test_a_draft_whose_bookings_changed_is_not_issued_and_offers_a_new_preview(client, regisseur, the_regie):
    activity = ActivityFactory(code="4", label="Péri SOIR", price=D("2.10"))
    the_regie.activities.add(activity)
    child = household()[1]
    book(child, activity, MONDAYS)
    url = client.post(RUN, {"regie": the_regie.pk, "month": "2026-11"})["Location"]
    shown = client.get(url)
    Booking.objects.filter(child=child, day=MONDAYS[0]).update(state=BookingState.CANCELLED)
    response = client.post(url, {"issued_on": "2026-12-05", FIELD: intent_in(shown)})
    page = text(response)
    assert response.status_code == 400 and "Les réservations ont changé depuis l'aperçu : recalculez l'aperçu." in page
    assert "Recalculer l'aperçu" in page and "Émettre la facture" not in page
    assert not InvoicingRun.objects.exists() and not Invoice.objects.exists()
    # Opened again, the page says so before anyone presses «Émettre»; a new preview bills the three days left.
    assert "Les réservations ont changé depuis l'aperçu" in text(client.get(url))
    fresh = client.post(RUN, {"regie": the_regie.pk, "month": "2026-11"})["Location"]
    assert fresh != url and "Aperçu : 1 famille, 3 jours, 6,30\u00a0€" in text(client.get(fresh))


def test_a_running_run_page_refreshes_itself(client, regisseur, the_regie):
    run = InvoicingRun.objects.create(
        regie=the_regie, month=date(2026, 11, 1), issued_on=date(2026, 12, 5), families_total=4
    )
    page = text(client.get(f"/admin/facturation/mois/{run.pk}/"))
    assert run.state == RunState.RUNNING and 'http-equiv="refresh"' in page and 'value="0"' in page


def test_a_bad_month_choice_is_refused_beside_the_field(client, regisseur, the_regie):
    response = client.post(RUN, {"regie": the_regie.pk, "month": "1999-01"})
    assert response.status_code == 400 and "Sélectionnez un choix valide" in text(response)
    assert not InvoicingDraft.objects.exists() and not InvoicingRun.objects.exists()


def test_a_counter_cheque_is_recorded_and_allocated(client, regisseur, the_regie):
    invoice, _ = billed_household(the_regie)
    url = f"{PAYMENT}?family={invoice.family.pk}&regie={the_regie.pk}"
    page = text(client.get(url))
    assert f"Facture {invoice.number} du 05/12/2026 (reste 8,40\u00a0€)" in page
    response = submit(client, url, {"kind": "cheque", "reference": "", "paid_on": "2026-12-10", "amount": "8.40"})
    assert response.status_code == 400 and "Indiquez le numéro du chèque." in text(response)
    response = submit(
        client,
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
    submit(client, url, {"kind": "cheque", "reference": "564654646", "paid_on": "2026-12-10", "amount": "8.40"})
    invoice.refresh_from_db()
    assert invoice.state == "paid" and Payment.objects.get().created_by == regisseur


def test_a_credit_note_from_the_admin(client, regisseur, the_regie):
    invoice, _ = billed_household(the_regie)
    url = f"/admin/facturation/factures/{invoice.pk}/avoir/"
    response = submit(client, url, {"amount": "9.00", "reason": "erreur"})
    assert response.status_code == 400 and "au plus 8,40\u00a0€" in text(response)
    submit(client, url, {"amount": "2.10", "reason": "sortie scolaire"})
    assert invoice.credit_notes.get().amount == D("2.10")


def test_instructors_and_parents_cannot_bill(client, the_regie):
    """Wagtail sends a staff member without the permission back to the admin's home, a parent gets 403."""
    invoice, parent = billed_household(the_regie)
    instructor = staff("Instructeurs")
    for user, status in ((instructor, 302), (parent, 403)):
        client.force_login(user)
        for url in (RUN, PAYMENT, f"/admin/facturation/factures/{invoice.pk}/avoir/"):
            response = client.get(url)
            assert response.status_code == status, (user, url)
            assert status == 403 or response["Location"] == "/admin/"
        client.post(RUN, {"regie": the_regie.pk, "month": "2026-11"})
        draft = InvoicingDraft.objects.create(regie=the_regie, month=date(2026, 11, 1), fingerprint="-")
        assert client.get(f"{RUN}apercu/{draft.pk}/").status_code == status
        client.post(f"{RUN}apercu/{draft.pk}/", {"issued_on": "2026-12-05"})
    assert not InvoicingDraft.objects.filter(created_by__in=[instructor, parent]).exists()
    assert InvoicingDraft.objects.filter(created_by=None).count() == 2 and not InvoicingRun.objects.exists()


@pytest.fixture
def superuser(site):
    return UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("who", ["regisseur", "superuser"])
def test_nobody_creates_edits_or_deletes_money_records_in_the_admin(client, the_regie, request, who, time_machine):
    """Invoices come only from runs and credit notes, their states only from payments: a régisseur (who holds
    «add invoice» for credit notes) cannot create an invoice with any number, nor set «Payée» by hand."""
    time_machine.move_to(datetime(2026, 12, 10, 10, tzinfo=PARIS), tick=False)  # the credit note's year
    user = request.getfixturevalue(who)
    client.force_login(user)
    invoice, _ = billed_household(the_regie)
    payment = payments.payment_record(
        regie=the_regie, family=invoice.family, kind="cash", amount=D("1.00"), paid_on=date(2026, 12, 9), by=cashier()
    )
    for model, pk in (("invoice", invoice.pk), ("payment", payment.pk), ("invoicingrun", None)):
        base = f"/admin/espace_facturation/{model}/"
        urls = [f"{base}create/"] + ([f"{base}edit/{pk}/", f"{base}delete/{pk}/"] if pk else [])
        for url in urls:
            for response in (client.get(url), client.post(url, {"number": "2026-9999", "state": "paid"})):
                assert response.status_code in (302, 403, 404), (url, response.status_code)
                assert response.status_code != 302 or response["Location"] == "/admin/", url
    listing = text(client.get("/admin/espace_facturation/invoice/"))
    assert invoice.number in listing and "/admin/espace_facturation/invoice/create/" not in listing
    assert f"/admin/espace_facturation/invoice/edit/{invoice.pk}/" not in listing
    assert client.get(f"/admin/espace_facturation/invoice/inspect/{invoice.pk}/").status_code == 200
    invoice.refresh_from_db()
    assert (invoice.state, invoice.amount_paid, invoice.number) == ("partial", D("1.00"), "2026-0001")
    assert list(Invoice.objects.values_list("number", flat=True)) == ["2026-0001"]
    # The next number follows without a gap.
    note = services.credit_note_issue(invoice=invoice, amount=D("1.00"), reason="erreur", by=user)
    assert note.number == "2026-0002"


def test_staff_who_read_invoices_open_their_pdf_from_the_admin(client, regisseur, the_regie):
    """The invoice list of the admin links each invoice's PDF (the family's own address gave staff a 404)."""
    invoice, parent = billed_household(the_regie)
    url = f"/admin/facturation/factures/{invoice.pk}/pdf/"
    assert url in text(client.get("/admin/espace_facturation/invoice/"))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="facture-{invoice.number}.pdf"' in response["Content-Disposition"]
    assert client.get("/admin/facturation/factures/999999/pdf/").status_code == 404
    client.force_login(staff("Instructeurs"))
    assert client.get(url).status_code == 200
    client.force_login(staff("Chargés de communication"))
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    client.force_login(parent)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url)["Location"].startswith("/admin/login/")
