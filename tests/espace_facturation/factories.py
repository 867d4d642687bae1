"""Billing set-ups built through the real services: a régie, a family with a parent, booked days, invoices."""

from datetime import date, datetime, time
from decimal import Decimal
from html import unescape

from django.contrib.auth.models import Permission
from django.utils import timezone

from espace_facturation import services
from espace_facturation.models import PaymentBackend, Regie
from espace_famille.comptes.models import User
from espace_famille.dossier.models import Subscription
from espace_famille.planning.models import Booking, BookingState
from tests.factories import ActivityFactory, ChildFactory, FamilyFactory, GuardianFactory, UserFactory, role

NOVEMBER = date(2026, 11, 1)
MONDAYS = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]


def text(response) -> str:
    return unescape(response.content.decode())


def regie(**fields) -> Regie:
    defaults = {
        "service_name": "Regie NEO Technique",
        "municipality": "Mairie de Boulogne-Billancourt",
        "address": "26 avenue André Morizet\n92100 Boulogne-Billancourt",
        "mentions": "Voies et délais de recours : deux mois (article L. 1617-5 du CGCT).",
        "counter": "Hôtel de ville, du lundi au vendredi de 9h à 12h.",
        "payment_backend": PaymentBackend.SIMULATOR,
    }
    return Regie.objects.create(name=fields.pop("name", "Regie BL Enfance"), **{**defaults, **fields})


def household(name="DURANT", *, quotient=None, email=None):
    """A family with a guardian, a child Léo and a parent account subscribed to it."""
    family = FamilyFactory(
        name=name, quotient=quotient, address_line="1 rue de la Paix", postcode="92100", city="Boulogne"
    )
    GuardianFactory(family=family, first_name="Jean")
    child = ChildFactory(family=family, first_name="Léo")
    parent = UserFactory(email=email or f"{name.lower()}@example.org")
    Subscription.objects.create(user=parent, family=family, method="code")
    return family, child, parent


def book(child, activity, days, state=BookingState.BOOKED):
    at = timezone.make_aware(datetime.combine(date(2026, 10, 1), time(9)))
    return [Booking.objects.create(child=child, activity=activity, day=day, state=state, queued_at=at) for day in days]


def billed_household(the_regie, name="DURANT", *, days=MONDAYS, price="2.10", **kwargs):
    """A household whose child was booked on `days` in an activity of the régie, invoiced for November."""
    family, child, parent = household(name, **kwargs)
    activity = ActivityFactory(label="Péri SOIR", price=Decimal(price))
    the_regie.activities.add(activity)
    book(child, activity, days)
    by = cashier()
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, family_ids=[family.pk], by=by)
    invoice = services.invoice_issue(draft=draft, family=family, issued_on=date(2026, 12, 5), by=by)
    return invoice, parent


# What a régisseur does with money: invoice, record a counter payment, issue a credit note, refund a credit.
CASHIER_PERMISSIONS = ("add_invoicingrun", "add_payment", "add_invoice", "refund_familycredit")


def cashier() -> User:
    """Who invoices and takes payments in set-ups: the billing permissions alone (the staff groups take a while to
    set up)."""
    user = User.objects.filter(email="caisse@example.org").first()
    if user is None:
        user = UserFactory(email="caisse@example.org")
        user.user_permissions.add(
            *Permission.objects.filter(codename__in=CASHIER_PERMISSIONS, content_type__app_label="espace_facturation")
        )
    return user


def issue_month(the_regie, month, issued_on):
    """A régisseur previews the month and issues the draft; the run is executed here rather than by a worker."""
    by = cashier()
    draft = services.invoicing_preview(regie=the_regie, month=month, by=by)
    run = services.invoicing_run_start(draft=draft, issued_on=issued_on, by=by)
    return services.invoicing_run_execute(run=run)


def staff(group_name):
    """A staff member of one of the groups (Régisseurs, Instructeurs…), with its permissions."""
    user = UserFactory(email=f"{group_name.lower()}@example.org")
    user.groups.add(role(group_name))
    return user
