"""Facturation › Prélèvements for régisseurs only: a lot previewed (families, amounts, total), generated once (the form
submitted twice), its pain.008 downloaded, a rejection entered with its reason code, the bank's return imported; a
mandate's PDF for staff, its IBAN in full only for whoever may read IBANs."""

import io

import pytest
from pypdf import PdfReader

from commun.intents import FIELD
from espace_facturation.models import DebitBatch, DebitState, Mandate
from tests.intents import intent_in, submit

from ..factories import staff, text
from .helpers import IBAN, debit_regie, generated_batch, instructor, notified_household

pytestmark = pytest.mark.django_db

DEBITS = "/admin/facturation/prelevements/"


def pdf_text(response) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def before_the_debit(time_machine):
    """10/01/2027: the lot of 15/01/2027 is the next one (whatever the clock of the run), the régisseur signs in
    then."""
    time_machine.move_to("2027-01-10T10:00:00+01:00")


def test_a_regisseur_previews_then_generates_the_lot_once(before_the_debit, client, regisseur):
    the_regie = debit_regie()
    notified_household(the_regie, "DURANT")
    notified_household(the_regie, "ADERNO")

    chosen = client.get(DEBITS, {"regie": the_regie.pk, "collection_date": ""})
    preview_url = f"{DEBITS}apercu/{the_regie.pk}/2027-01-15/"
    assert chosen.status_code == 302 and chosen.url == preview_url
    preview = client.get(preview_url)
    page = text(preview)
    assert "2 prélèvements, 16,80" in page and "DURANT" in page and "ADERNO" in page
    assert not DebitBatch.objects.exists()

    token = intent_in(preview)
    first = client.post(preview_url, {FIELD: token})
    second = client.post(preview_url, {FIELD: token})

    batch = DebitBatch.objects.get()
    assert first.status_code == 302 and first.url == f"{DEBITS}{batch.pk}/"
    assert second.status_code == 302 and second.url == f"{DEBITS}{batch.pk}/"
    lot = text(client.get(first.url))
    assert "2 prélèvements, somme de contrôle 16,80" in lot and "2 FRST" in lot
    download = client.get(f"{DEBITS}{batch.pk}/pain008.xml")
    assert download["Content-Type"].startswith("application/xml")
    assert b"<NbOfTxs>2</NbOfTxs>" in download.content
    listing = text(client.get(DEBITS))
    assert "Lots de prélèvement" in listing and "15/01/2027" in listing


def test_a_bad_date_or_an_unknown_regie_is_said_never_a_500(client, regisseur):
    the_regie = debit_regie()

    assert client.get(DEBITS, {"regie": the_regie.pk, "collection_date": "demain"}).status_code == 400
    assert client.get(DEBITS, {"regie": "999", "collection_date": ""}).status_code == 400
    assert client.get(f"{DEBITS}apercu/{the_regie.pk}/2027-13-45/").status_code == 404
    nothing = client.get(DEBITS, {"regie": the_regie.pk, "collection_date": ""})
    assert nothing.status_code == 400 and "Aucune facture à prélever à venir" in text(nothing)


def test_a_rejection_is_entered_with_its_reason(client, regisseur):
    the_regie = debit_regie()
    tx = generated_batch(the_regie).transactions.get()
    url = f"{DEBITS}rejet/{tx.pk}/"

    empty = submit(client, url, {"reason": ""})
    assert empty.status_code == 400 and "Choisissez le motif du rejet" in text(empty)
    page = text(client.get(url))
    assert "AM04 — Provision insuffisante" in page and "MD01 — Pas de mandat valide" in page
    done = submit(client, url, {"reason": "AM04"})

    assert done.status_code == 302
    tx.refresh_from_db()
    assert tx.state == DebitState.REJECTED and tx.reason == "AM04"
    assert "AM04 — Provision insuffisante" in text(client.get(done.url))


def test_a_rejection_of_a_settled_debit_is_entered_from_the_lot_page(client, regisseur):
    from datetime import date

    from espace_facturation import debits
    from espace_facturation.models import Invoice, InvoiceState

    batch = generated_batch(debit_regie())
    tx = batch.transactions.get()
    debits.batches_settle(today=date(2027, 1, 16))
    tx.refresh_from_db()
    url = f"{DEBITS}rejet/{tx.pk}/"
    lot = text(client.get(f"{DEBITS}{batch.pk}/"))
    assert "<td>Prélevé</td>" in lot and "<td>Payée</td>" in lot and url in lot
    assert f"Le règlement par prélèvement {tx.payment.operation_number} est annulé" in text(client.get(url))

    done = submit(client, url, {"reason": "MD01"})

    assert done.status_code == 302
    tx.refresh_from_db()
    assert tx.state == DebitState.REJECTED and tx.payment.cancelled_on is not None
    assert Invoice.objects.get(pk=tx.invoice_id).state == InvoiceState.TO_PAY
    lot = text(client.get(done.url))
    assert "Rejeté : MD01 — Pas de mandat valide" in lot and "<td>À payer</td>" in lot and url not in lot


def test_the_banks_return_is_imported_from_the_lot_page(client, regisseur):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_rejections import PAIN002

    batch = generated_batch(debit_regie())
    tx = batch.transactions.get()
    content = PAIN002.format(msg=batch.message_id, e2e=tx.end_to_end_id).encode()
    url = f"{DEBITS}{batch.pk}/"

    bad = submit(client, url, {"file": SimpleUploadedFile("retour.xml", b"<a/>")})
    assert bad.status_code == 400 and "pain.002" in text(bad)
    done = submit(client, url, {"file": SimpleUploadedFile("retour.xml", content)})

    assert done.status_code == 302
    tx.refresh_from_db()
    assert tx.state == DebitState.REJECTED
    assert "1 rejet(s) enregistré(s). Références inconnues" in text(client.get(url))


@pytest.mark.parametrize("group", ["Instructeurs", "Chargés de communication"])
def test_only_regisseurs_reach_the_debit_screens(client, site, group):
    batch = generated_batch(debit_regie())
    tx = batch.transactions.get()
    client.force_login(instructor() if group == "Instructeurs" else staff(group))

    for url in (
        DEBITS,
        f"{DEBITS}apercu/{batch.regie_id}/2027-01-15/",
        f"{DEBITS}{batch.pk}/",
        f"{DEBITS}{batch.pk}/pain008.xml",
        f"{DEBITS}rejet/{tx.pk}/",
    ):
        assert client.get(url).status_code in (302, 403), url
    assert client.post(f"{DEBITS}rejet/{tx.pk}/", {"reason": "AM04"}).status_code in (302, 403)
    tx.refresh_from_db()
    assert tx.state == DebitState.PENDING


def test_staff_download_a_mandate_masked_unless_they_may_read_ibans(client, regisseur):
    notified_household(debit_regie())
    mandate = Mandate.objects.get()
    url = f"/admin/facturation/mandats/{mandate.pk}/pdf/"

    page = pdf_text(client.get(url))

    assert "Mandat de prélèvement SEPA" in page and mandate.reference in page and "FR12ZZZ123456" in page
    # Régisseurs hold view_full_iban: the mandate as signed.
    assert "FR76 3000 6000 0112 3456 7890 189" in page
    client.force_login(instructor())
    assert client.get(url).status_code in (302, 403)


def test_the_mandates_listing_shows_each_mandate(client, regisseur):
    notified_household(debit_regie())
    mandate = Mandate.objects.get()

    page = text(client.get("/admin/espace_facturation/mandate/"))

    assert mandate.reference in page and IBAN not in page
