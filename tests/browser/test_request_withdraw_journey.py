"""«Mes demandes» on a 360 px phone: the detail of a request shows its changes «Avant / Après» without scrolling
sideways, and the parent withdraws it after confirming. axe-core checks every page."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from commun.clock import PARIS
from espace_famille.demandes.models import Request, RequestKind, RequestState
from espace_famille.modifications import services as modifications_services
from espace_famille.planning import services as planning_services
from tests.browser.test_family_file_journey import log_in
from tests.factories import (
    ActivityFactory,
    ChildFactory,
    EnrolmentFactory,
    FamilyFactory,
    GuardianFactory,
    parent_of,
)

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 11, 10, 9, 0, tzinfo=PARIS)
MONDAY = date(2026, 11, 16)
PHONE = {"width": 360, "height": 740}
# Nothing wider than the screen: neither the page nor the table's own scrolling region.
NO_SIDEWAYS_SCROLL = """[document.documentElement, ...document.querySelectorAll(".table-wrap")]
    .every(box => box.scrollWidth <= box.clientWidth)"""
# Each row of the «Avant / Après» table as the phone lays it out: one block per cell, each led by its column's name.
STACKED_ROWS = """Array.from(document.querySelectorAll(".stack-table > tbody > tr")).map(row => {
    if (getComputedStyle(row).display !== "block") return ["not stacked"];
    return Array.from(row.children).map(cell => {
        const before = getComputedStyle(cell, "::before").content;
        // «"Avant" " : " / ""»: the label's strings, then after the slash the text screen readers get (none).
        const shown = before && before !== "none" ? before.split(" / ")[0] : "";
        const label = (shown.match(/"(?:[^"\\\\]|\\\\.)*"/g) || []).map(part => JSON.parse(part)).join("");
        return (label + cell.innerText).replace(/\\s+/g, " ").trim();
    });
})"""


def stacked_rows(page) -> list[list[str]]:
    return page.evaluate(STACKED_ROWS)


def test_a_parent_reads_the_changes_asked_and_withdraws_a_request_on_a_phone(live_server, page, axe, site, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    family = FamilyFactory(name="DURANT", iban="FR7630006000011234567890189", account_holder="M. Jean DURANT")
    GuardianFactory(family=family, first_name="Jean")
    parent = parent_of(family, email="jean.durant@example.org")
    bank = modifications_services.family_file_submit(
        family=family,
        kind=RequestKind.BANK_CHANGE,
        values={"iban": "FR7611315000011234567890138", "account_holder": "Mme Anne DURANT-LONGUENOMDEFAMILLE"},
        by=parent,
    )
    child = ChildFactory(family=family, first_name="Léa")
    activity = ActivityFactory(code="4", label="Péri SOIR")
    EnrolmentFactory(child=child, activity=activity)
    page.set_viewport_size(PHONE)
    url = live_server.url

    log_in(page, url, parent.email)
    page.wait_for_url("**/mon-espace/")
    page.goto(url + f"/mon-espace/demandes/{bank.pk}/")
    assert stacked_rows(page) == [
        ["Titulaire du compte", "Avant : M. Jean DURANT", "Après : Mme Anne DURANT-LONGUENOMDEFAMILLE"],
        ["IBAN", "Avant : FR76 •••• •••• •••• •••• •••• 189", "Après : FR76 •••• •••• •••• •••• •••• 138"],
    ]
    assert "FR7611315000011234567890138" not in page.content().replace(" ", "")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    axe(page)

    page.get_by_role("link", name="Retirer ma demande").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Retirer ma demande"
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Oui, retirer ma demande").click()
    assert "Votre demande a été retirée." in page.content()
    assert "Retirée par la famille" in page.content()
    assert page.get_by_role("link", name="Retirer ma demande").count() == 0
    axe(page)
    bank.refresh_from_db()
    assert bank.state == RequestState.WITHDRAWN

    # A booking request's days: four columns, stacked too.
    planning_services.booking_request_submit(
        family=family, by=parent, children=[child], activity=activity, kind="booking", days=[MONDAY]
    )
    booking = Request.objects.get(kind=RequestKind.BOOKING)
    page.goto(url + f"/mon-espace/demandes/{booking.pk}/")
    assert stacked_rows(page) == [
        ["lun. 16/11/2026", "Avant : Non réservé", "Après : Réservé", "Décision : En cours d'instruction"]
    ]
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    axe(page)
