"""«Agenda» on a phone: a parent who opens the planning at 390 × 844 lands on the agenda — the days that hold
something, each child's entries under the day, the days gone by folded — goes to a date with «Aller au», books a
day there and comes back to the agenda; the week and the month stay one click away. The page of the week stays
within about two screens. The screenshot in the README comes from here."""

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from commun.clock import PARIS
from espace_famille.planning.models import Booking, BookingState
from tests.factories import PASSWORD, ActivityFactory, ChildFactory, EnrolmentFactory, FamilyFactory, parent_of

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "agenda-telephone.png"
SCHOOL_DAYS = [0, 1, 3, 4]
SCREEN = 844
# Wednesday 13 January 2027, 10:00 in Paris, in school time: Monday and Tuesday are gone, Thursday and Friday can
# still be booked («la veille à 12:00»).
NOW = datetime(2027, 1, 13, 10, 0, tzinfo=PARIS)
NEXT_MONDAY = date(2027, 1, 18)
NEXT_FRIDAY = date(2027, 1, 22)


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def demo_like_family():
    """The demo's DURANT family: Léo at the périscolaire, the school meals and the accueil de loisirs on Wednesdays,
    Nathan at the meals and the evening périscolaire; Léo's meals booked around today, and today's morning at the
    accueil de loisirs."""
    today = NOW.date()
    family = FamilyFactory(name="DURANT")
    leo = ChildFactory(family=family, first_name="Léo", birth_date=date(2017, 3, 1))
    nathan = ChildFactory(family=family, first_name="Nathan", birth_date=date(2019, 6, 1))
    morning = ActivityFactory(code="1", label="Péri MATIN", weekdays={d: ("07:35", "08:20") for d in SCHOOL_DAYS})
    meal = ActivityFactory(code="2", label="Repas Ecoles", weekdays={d: ("12:00", "13:30") for d in SCHOOL_DAYS})
    evening = ActivityFactory(code="4", label="Péri SOIR", weekdays={d: ("16:30", "18:30") for d in SCHOOL_DAYS})
    alsh = ActivityFactory(code="5", label="ALSH-IS-Matin", weekdays={2: ("08:00", "12:00")})
    period = {"start_date": date(2026, 9, 1), "end_date": date(2027, 7, 3)}
    for child, activities in ((leo, (morning, meal, evening)), (nathan, (meal, evening))):
        for activity in activities:
            EnrolmentFactory(child=child, activity=activity, weekdays=SCHOOL_DAYS, **period)
    EnrolmentFactory(child=leo, activity=alsh, weekdays=[2], **period)
    for offset in range(-10, 14):
        day = today + timedelta(days=offset)
        if day.weekday() in SCHOOL_DAYS:
            Booking.objects.create(child=leo, activity=meal, day=day, state=BookingState.BOOKED, queued_at=NOW)
    Booking.objects.create(child=leo, activity=alsh, day=today, state=BookingState.BOOKED, queued_at=NOW)
    return family


def log_in(page, url, email):
    page.goto(url + "/compte/login/")
    page.get_by_role("textbox", name="Identifiant (obligatoire)").fill(email)
    page.get_by_role("textbox", name="Mot de passe (obligatoire)").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/mon-espace/")


def height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def days_height(page) -> int:
    """The week itself: the agenda's days, from the first to the folded ones (the site's header, the period's
    toolbar and the side panel around them are the same on every page)."""
    return page.evaluate("Math.round(document.querySelector('.planning-agenda').getBoundingClientRect().height)")


def test_a_parent_opens_the_planning_on_a_phone_and_books_from_the_agenda(live_server, page, axe, site, frozen_now):
    parent = parent_of(demo_like_family())
    url = live_server.url
    log_in(page, url, parent.email)

    page.goto(url + "/espace-famille/planning/")
    page.wait_for_url(re.compile(r"vue=agenda"))
    expect(page.locator(".planning-views [aria-current]")).to_have_text("Agenda")
    expect(page.get_by_role("heading", name="11 — 17 janv. 2027")).to_be_visible()
    expect(page.get_by_role("heading", name="mer. 13/01 aujourd'hui")).to_be_visible()
    expect(page.get_by_text("Jours passés / fermés (2)")).to_be_visible()
    expect(page.get_by_role("heading", name="lun. 11/01")).to_be_hidden()  # folded
    this_week, this_week_days = height(page), days_height(page)
    print(f"Agenda de la semaine : page {this_week} px, jours {this_week_days} px")
    assert this_week_days <= 2 * SCREEN, f"{this_week_days} px"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe(page)
    page.get_by_text("Jours passés / fermés (2)").click()
    expect(page.get_by_role("heading", name="lun. 11/01 — Passé")).to_be_visible()
    axe(page)
    page.get_by_text("Jours passés / fermés (2)").click()
    page.mouse.move(0, 0)  # no entry hovered in the screenshot
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # «Aller au» next Monday: a whole school week to book.
    page.get_by_label("Aller au").fill(NEXT_MONDAY.isoformat())
    page.get_by_role("button", name="Aller", exact=True).click()
    page.wait_for_url(f"**date={NEXT_MONDAY.isoformat()}")
    expect(page.get_by_role("heading", name="18 — 24 janv. 2027")).to_be_visible()
    full_week, full_week_days = height(page), days_height(page)
    print(f"Semaine entière à réserver : page {full_week} px, jours {full_week_days} px")
    assert full_week_days <= 2 * SCREEN, f"{full_week_days} px"

    friday = page.get_by_role("region", name="ven. 22/01")
    friday.get_by_role("link", name=re.compile(r"Nathan 4.Péri SOIR .* demander une réservation")).click()
    expect(
        page.get_by_text("Confirmer la demande de réservation du ven. 22/01 pour Nathan — 4/Péri SOIR ?")
    ).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(re.compile(r"vue=agenda&date=2027-01-22"))
    expect(page.get_by_text("Votre demande de réservation du ven. 22/01 pour Nathan")).to_be_visible()
    nathan = page.get_by_role("region", name="ven. 22/01").locator(".agenda-child", has_text="Nathan")
    expect(nathan.locator(".planning-entry", has_text="Péri SOIR")).to_contain_text("Réservation en attente")
    assert Booking.objects.get(child__first_name="Nathan", day=NEXT_FRIDAY).state == BookingState.PENDING
    axe(page)

    # The week and the month stay one click away, at the same date.
    page.get_by_role("link", name="Semaine (7 jours)").click()
    page.wait_for_url("**vue=semaine&date=2027-01-22")
    expect(page.get_by_role("heading", name="18 — 24 janv. 2027")).to_be_visible()
    week = height(page)
    page.get_by_role("link", name="Mois").click()
    page.wait_for_url("**vue=mois&date=2027-01-22")
    expect(page.get_by_role("heading", name="janvier 2027")).to_be_visible()
    month = height(page)
    print(f"Vue Semaine : {week} px ; vue Mois : {month} px")
    # Measured: the agenda of this week 1673 px, of a whole week to book 2070 px; that week 4265 px, the month 9751.
    assert full_week < 0.6 * week < month
