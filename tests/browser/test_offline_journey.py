"""The installed portal offline, in Chromium on a phone: the last planning seen stays readable with the moment it was
kept and its actions disabled, another page says «Vous êtes hors ligne», and signing out leaves no planning on the
device."""
# ruff: noqa: F811 (the planning fixtures are imported, then named as test arguments)

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_planning_journey import log_in
from tests.espace_famille.planning.planning_setup import (  # noqa: F401 (fixtures)
    activities,
    children,
    enrolled,
    family,
    frozen_now,
    parent,
)

pytestmark = pytest.mark.django_db(transaction=True)
# The README's screenshots of the planning read offline and of the «hors ligne» page.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

PLANNING = "/espace-famille/planning/?vue=semaine&date=2018-11-19"
# Every address the caches of the portal hold on the device.
CACHED_ADDRESSES = """async () => {
  const addresses = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) addresses.push(request.url);
  }
  return addresses;
}"""


def kept_plannings(page) -> list[str]:
    return [address for address in page.evaluate(CACHED_ADDRESSES) if "/espace-famille/planning/" in address]


def test_the_last_planning_seen_stays_readable_offline_until_the_parent_signs_out(
    live_server, page, axe, site, parent, enrolled, frozen_now
):
    url = live_server.url
    log_in(page, url, parent.email)
    # «Mon espace citoyen» registered the worker: once it looks after the pages, the planning opened is kept.
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.goto(url + PLANNING)
    expect(page.get_by_role("heading", name="19 — 25 nov. 2018")).to_be_visible()
    banner = page.locator("[data-offline-banner]")
    expect(banner).to_be_hidden()
    page.wait_for_function("async () => (await (await caches.open('portail-planning')).keys()).length === 1")

    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="19 — 25 nov. 2018")).to_be_visible()
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Hors ligne : planning enregistré le 15/11/2018 à 10:00")
    assert re.search(r"Hors ligne : planning enregistré le \d\d/\d\d/\d{4} à \d\d:\d\d", banner.inner_text())
    # The days are still read, but no request can be made from them.
    expect(page.locator(".planning-entry").first).to_be_visible()
    assert page.locator(".planning-days a[href]").count() == 0
    assert page.locator(".planning-days a[aria-disabled='true']").count() > 0
    expect(page.get_by_text("Réservations", exact=True)).to_have_attribute("aria-disabled", "true")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_disabled()
    # The show/hide boxes work without the portal.
    expect(page.get_by_role("checkbox", name="Léo BLMAN")).to_be_enabled()
    axe(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "planning-hors-ligne.png"))

    page.goto(url + "/espace-facturation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes hors ligne")
    expect(page.get_by_role("link", name="Réessayer")).to_have_attribute("href", url + "/espace-facturation/")
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") == (
        "rgb(11, 93, 107)"
    )  # the site's stylesheet, kept on the device too
    axe(page)
    page.screenshot(path=str(SCREENSHOTS / "hors-ligne.png"))

    page.context.set_offline(False)
    page.goto(url + PLANNING)
    expect(banner).to_be_hidden()
    assert kept_plannings(page)
    # Something else the portal's origin stores on the device, to see the browser obey Clear-Site-Data.
    page.evaluate("localStorage.setItem('trace', 'parent')")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(url + "/")
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    assert kept_plannings(page) == []
    assert page.evaluate("localStorage.getItem('trace')") is None

    # Offline again, signed out: the planning's address shows «Vous êtes hors ligne», not the previous parent's days.
    page.context.set_offline(True)
    page.goto(url + PLANNING)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes hors ligne")
    page.context.set_offline(False)
