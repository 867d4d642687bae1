"""«À faire» on a phone: a signed-in parent lands on what needs them, most urgent first, and follows a line to the
screen where it is done. The screenshot in the README comes from here."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from espace_famille.messagerie.models import AudienceKind, FamilyMessage, FamilyMessageRecipient
from espace_famille.planning.models import Booking, BookingState
from tests.factories import PASSWORD, ActivityFactory, ChildFactory, EnrolmentFactory, InvoiceFactory, parent_of

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "a-faire-telephone.png"


def test_a_parent_reads_what_to_do_on_a_phone_and_pays(live_server, page, axe, site):
    today = timezone.localdate()
    child = ChildFactory(first_name="Léa", allows_hospitalisation=True)
    family = child.family
    activity = ActivityFactory(label="Péri SOIR", weekdays=list(range(7)))
    EnrolmentFactory(
        child=child,
        activity=activity,
        start_date=today - timedelta(days=30),
        end_date=today + timedelta(days=60),
        weekdays=list(range(7)),
    )
    for offset in (0, 1):
        Booking.objects.create(
            child=child,
            activity=activity,
            day=today + timedelta(days=offset),
            state=BookingState.BOOKED,
            queued_at=timezone.now(),
        )
    invoice = InvoiceFactory(
        family=family, number="2026-0042", issued_on=today, due_on=today + timedelta(days=14), amount=Decimal("45.00")
    )
    message = FamilyMessage.objects.create(
        audience=AudienceKind.FAMILY, family=family, audience_label=family.name, subject="Sortie au musée", body="…"
    )
    FamilyMessageRecipient.objects.create(message=message, family=family)
    parent = parent_of(family)

    page.goto(live_server.url + "/compte/login/")
    page.get_by_role("textbox", name="Identifiant (obligatoire)").fill(parent.email)
    page.get_by_role("textbox", name="Mot de passe (obligatoire)").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/mon-espace/")
    page.goto(live_server.url + "/")

    todo = page.get_by_role("region", name="À faire")
    assert todo.get_by_text("Facture 2026-0042 à payer").is_visible()
    assert todo.get_by_text("Nouveau message : Sortie au musée").is_visible()
    week = page.get_by_role("region", name="Les sept prochains jours")
    assert week.get_by_text("Aujourd'hui", exact=False).is_visible()
    assert week.get_by_text("Réservé").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    axe(page)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    todo.get_by_role("link", name="Voir et payer la facture 2026-0042").click()
    page.wait_for_url(f"**/factures/{invoice.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2026-0042")
