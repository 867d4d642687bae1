"""The registry of the admin listings' exports, and how an exported value is written in CSV and XLSX."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from wagtail import hooks

from commun import listing_exports
from commun.listing_exports import Column, ListingExport, csv_value, xlsx_value
from espace_famille.dossier.models import Family

# Every listing of the brief exports: the «Demandes» queues, bookings, the family files, documents and billing.
EXPECTED = {
    "demandes-dossier-famille",
    "demandes-reservations",
    "preinscriptions-creche",
    "pieces-a-verifier",
    "reservations",
    "familles",
    "responsables",
    "enfants",
    "factures",
    "reglements",
}


def test_every_admin_listing_registers_its_export():
    hooks.search_for_hooks()  # the admin registrations, where apps register their listings' exports
    assert {export.name for export in listing_exports.registered()} >= EXPECTED


def test_a_name_is_registered_once():
    export = listing_exports.get("familles")
    assert listing_exports.register(export) is export
    with pytest.raises(ImproperlyConfigured):
        listing_exports.register(ListingExport(name="familles", title="Autre", model=Family, columns=()))


def test_two_columns_never_share_a_heading():
    with pytest.raises(ImproperlyConfigured):
        listing_exports.register(
            ListingExport(
                name="doublon", title="Doublon", model=Family, columns=(Column("Nom", "name"), Column("Nom", "city"))
            )
        )


def test_the_export_permission_is_the_listings_view_permission():
    assert listing_exports.get("factures").view_permission == "espace_facturation.view_invoice"
    assert listing_exports.get("pieces-a-verifier").view_permission == "justificatifs.view_document"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (None, ""),
        (True, "Oui"),
        (False, "Non"),
        (date(2026, 12, 3), "03/12/2026"),
        (datetime(2026, 12, 3, 13, 5, tzinfo=UTC), "03/12/2026 14:05"),  # Paris time
        (Decimal("12.5"), "12,50"),
        (Decimal("-3.011"), "-3,01"),
        (Decimal("1234.50"), "1234,50"),
        (7, "7"),
        ("DURANT", "DURANT"),
    ],
)
def test_a_csv_cell_is_french(value, written):
    assert csv_value(value) == written


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://x")', "+33 6 12", "-2+3", "@SUM(A1)"])
def test_a_csv_cell_a_spreadsheet_would_run_is_written_as_text(typed):
    assert csv_value(typed) == f"'{typed}"


def test_an_xlsx_cell_keeps_its_type():
    assert xlsx_value(None) is None
    assert xlsx_value(True) == "Oui"
    assert xlsx_value(date(2026, 12, 3)) == date(2026, 12, 3)
    assert xlsx_value(datetime(2026, 7, 1, 10, 0, tzinfo=UTC)) == datetime(2026, 7, 1, 12, 0)
    assert xlsx_value(Decimal("12.50")) == Decimal("12.50")
    assert xlsx_value(3) == 3


def test_a_column_reads_a_path_and_stops_at_none():
    class Row:
        family = None

        def get_state_display(self):
            return "Réservé"

    assert Column("Famille", "family.name").read(Row()) is None
    assert Column("État", "get_state_display").read(Row()) == "Réservé"
    assert Column("Fixe", lambda row: "x").read(Row()) == "x"
