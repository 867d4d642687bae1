"""A régisseur's working day in a real browser: the attendance marked by the instructors, read in «Pointages»,
the dashboard says
November is not invoiced yet, its link opens the invoicing form filled in, the preview bills the days the children
came (not the justified absence), the invoices are issued, then a cheque received at the counter is recorded from
the family's «Fiche famille». No console error, no blocked resource, no axe-core violation on any page."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from commun import formats
from espace_facturation.models import Invoice, InvoiceState
from espace_famille.comptes.roles import INSTRUCTORS, REGISSEURS
from espace_famille.planning import rules
from espace_famille.planning.attendance import Mark, attendance_mark
from espace_famille.planning.calendar import public_holidays
from espace_famille.planning.models import AttendanceStatus, BillingBasis, HolidayRule
from tests.browser.staff import staff_log_in
from tests.espace_facturation.factories import book, household, regie
from tests.espace_famille.planning.test_booking_admin import staff
from tests.factories import ActivityFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def last_month_days() -> list[date]:
    """Four days of last month on which the activity runs (not a public holiday): the live server reads the real
    clock, so the journey is about the month before today's, whatever today is."""
    first = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    holidays = public_holidays(first.year)
    days = [day for day in rules.days_between(first, first + timedelta(days=27), {0, 1, 3, 4}) if day not in holidays]
    return days[:4]


def test_a_regisseur_invoices_the_days_attended_and_records_a_cheque(live_server, page, axe, site):
    page.set_viewport_size({"width": 1280, "height": 900})
    errors = []
    page.on(
        "console",
        lambda message: errors.append(f"{message.text} {message.location}") if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    the_regie = regie()
    days = last_month_days()
    month = formats.month_year(days[0])
    alert = f"{month[0].upper()}{month[1:]} n'est pas encore facturé — Regie BL Enfance"
    activity = ActivityFactory(
        code="5",
        label="Accueil de loisirs",
        price=Decimal("2.10"),
        billing_basis=BillingBasis.ATTENDANCE,
        holiday_rule=HolidayRule.ALWAYS,
    )
    the_regie.activities.add(activity)
    family, leo, _parent = household("DURANT")
    EnrolmentFactory(child=leo, activity=activity, start_date=days[0], end_date=days[-1], weekdays=[0, 1, 3, 4])
    book(leo, activity, days)
    instructor = staff(INSTRUCTORS, email="instructeur@example.org")
    for day, status in zip(days, ["present", "present", "justified", "present"], strict=True):
        attendance_mark(activity=activity, day=day, marks=[Mark(leo.pk, AttendanceStatus(status))], by=instructor)
    cashier = staff(REGISSEURS, email="regisseur@example.org")
    url = live_server.url

    staff_log_in(page, url, cashier)
    # The régie reads the attendance it is about to bill: «Activités › Pointages», the activity's November.
    page.goto(url + f"/admin/pointages/?activity={activity.pk}")
    marks = page.get_by_role("main").inner_text()
    assert marks.count("Léo DURANT") == 4 and "Absent justifié" in marks and marks.count("Présent") == 3
    axe(page)
    page.goto(url + "/admin/")
    alerts = page.get_by_role("region", name="À surveiller")
    assert alert in alerts.inner_text()
    axe(page)
    with page.expect_navigation():
        alerts.get_by_role("link", name=alert).click()
    axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Aperçu").click()
    assert "Aperçu : 1 famille, 3 jours, 6,30\u00a0€" in page.inner_text("main")
    axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Émettre la facture").click()
    invoice = Invoice.objects.get(family=family)
    assert invoice.amount == Decimal("6.30") and invoice.state == InvoiceState.TO_PAY
    assert "Terminée" in page.content()
    axe(page)

    page.goto(url + "/admin/espace_facturation/invoice/")
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("link", name="DURANT", exact=True).first.click()
    assert page.url.endswith(f"/admin/familles/{family.pk}/")
    axe(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Enregistrer un règlement").click()
    assert page.get_by_label("Régie").input_value() == str(the_regie.pk)
    axe(page)
    page.get_by_label("Type de règlement").select_option(label="Chèque")
    page.get_by_label("N° du chèque ou référence").fill("1234567")
    page.get_by_label("Montant reçu").fill("6,30")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le règlement").click()
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.PAID and invoice.amount_paid == Decimal("6.30")
    axe(page)
    assert not errors, errors
