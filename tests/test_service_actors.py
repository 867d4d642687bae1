"""The services check their actor themselves, behind the views' 404: a parent of another family, or a staff member
without the permission of the screen, gets PermissionDenied and nothing is written."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import ModelLogEntry

from commun.clock import PARIS
from espace_facturation import payments
from espace_facturation.models import OnlinePayment, PaymentBackend
from espace_famille.comptes.permissions import COMMUNICATION, INSTRUCTORS
from espace_famille.creche import services as creche_services
from espace_famille.creche.models import CrecheDraft
from espace_famille.demandes.models import Request, RequestKind
from espace_famille.dossier import services as dossier_services
from espace_famille.dossier.models import Family, Guardian
from espace_famille.justificatifs import services as justificatifs_services
from espace_famille.justificatifs.models import Document, DocumentType, Validity
from espace_famille.modifications import services as modifications_services
from espace_famille.planning import registers
from espace_famille.planning import services as planning_services
from espace_famille.planning.calendar_feed import calendar_token_renew
from espace_famille.planning.models import Activity, ActivitySlot, Booking, Closure, Enrolment, Facility
from tests.factories import (
    ActivityFactory,
    ChildFactory,
    EnrolmentFactory,
    FamilyFactory,
    GuardianFactory,
    InvoiceFactory,
    RegieFactory,
    UserFactory,
    parent_of,
    role,
)

pytestmark = pytest.mark.django_db

# A Monday of the enrolment the factories make, asked a week before: a day the rules would book.
MONDAY = date(2026, 11, 16)
ASKED = datetime(2026, 11, 10, 9, 0, tzinfo=PARIS)


@pytest.fixture
def family():
    return FamilyFactory(name="DURANT")


@pytest.fixture
def stranger():
    """A parent, linked to another family file."""
    return parent_of(FamilyFactory(name="AUTRE"), email="autre@example.org")


def instructor():
    user = UserFactory(email="instructeur@example.org")
    user.groups.add(role(INSTRUCTORS))
    return user


def junk_upload(name="fichier.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 rien", content_type="application/pdf")


# The family space ----------------------------------------------------------------------------------------------


def test_a_parent_of_another_family_cannot_ask_to_change_this_file(family, stranger):
    with pytest.raises(PermissionDenied):
        modifications_services.family_file_submit(
            family=family, kind=RequestKind.ADDRESS_CHANGE, values={"city": "Lyon"}, by=stranger
        )

    assert not Request.objects.exists()


def test_a_parent_asks_to_change_its_own_file(family):
    request = modifications_services.family_file_submit(
        family=family, kind=RequestKind.ADDRESS_CHANGE, values={"city": "Lyon"}, by=parent_of(family)
    )

    assert request.family == family and request.changes["city"]["after"] == "Lyon"


def test_a_parent_of_another_family_cannot_change_a_photo(family, stranger):
    guardian = GuardianFactory(family=family)

    with pytest.raises(PermissionDenied):
        modifications_services.photo_update(person=guardian, upload=junk_upload("photo.png"), by=stranger)

    guardian.refresh_from_db()
    assert not guardian.photo


def test_a_parent_of_another_family_cannot_book_its_children(family, stranger):
    child = ChildFactory(family=family)
    activity = ActivityFactory()
    EnrolmentFactory(child=child, activity=activity)

    with pytest.raises(PermissionDenied):
        planning_services.booking_request_submit(
            family=family, by=stranger, children=[child], activity=activity, kind="booking", days=[MONDAY], now=ASKED
        )

    assert not Request.objects.exists() and not Booking.objects.exists()


def test_a_staff_member_without_the_permission_to_decide_cannot_book_for_a_family(family):
    child = ChildFactory(family=family)
    activity = ActivityFactory()
    EnrolmentFactory(child=child, activity=activity)

    with pytest.raises(PermissionDenied):
        planning_services.booking_request_submit(
            family=family,
            by=UserFactory(is_staff=True),
            children=[child],
            activity=activity,
            kind="booking",
            days=[MONDAY],
            now=ASKED,
        )

    assert not Request.objects.exists() and not Booking.objects.exists()


def test_an_instructor_books_for_a_family_without_an_account(family):
    child = ChildFactory(family=family)
    activity = ActivityFactory()
    EnrolmentFactory(child=child, activity=activity)

    result = planning_services.booking_request_submit(
        family=family, by=instructor(), children=[child], activity=activity, kind="booking", days=[MONDAY], now=ASKED
    )

    assert [request.family for request in result.requests] == [family]


def test_a_parent_of_another_family_cannot_upload_its_documents(family, stranger):
    document_type = DocumentType.objects.create(name="Justificatif de domicile", validity=Validity.SEMESTER)

    with pytest.raises(PermissionDenied):
        justificatifs_services.document_upload(
            family=family, document_type=document_type, child=None, upload=junk_upload(), by=stranger
        )

    assert not Document.objects.exists() and not Request.objects.exists()


def test_a_parent_of_another_family_cannot_write_or_submit_its_crèche_pre_registration(family, stranger):
    with pytest.raises(PermissionDenied):
        creche_services.draft_save(family=family, values={"child_first_name": "Intrus"}, by=stranger)
    assert not CrecheDraft.objects.exists()

    creche_services.draft_save(family=family, values={"child_first_name": "Lou"}, by=parent_of(family))
    with pytest.raises(PermissionDenied):
        creche_services.application_submit(family=family, by=stranger)

    assert CrecheDraft.objects.get(family=family).data == {"child_first_name": "Lou"}
    assert not Request.objects.exists()


def test_a_parent_cannot_renew_the_calendar_address_of_another_account(family):
    parent, other = parent_of(family), parent_of(family, email="conjoint@example.org")
    subscription = parent.subscriptions.get()

    with pytest.raises(PermissionDenied):
        calendar_token_renew(subscription=subscription, by=other)

    subscription.refresh_from_db()
    assert subscription.calendar_token is None
    assert calendar_token_renew(subscription=subscription, by=parent).calendar_token


# Billing -----------------------------------------------------------------------------------------------------


def test_a_parent_of_another_family_cannot_start_paying_its_invoice(family, stranger):
    invoice = InvoiceFactory(family=family, regie=RegieFactory(payment_backend=PaymentBackend.SIMULATOR))

    with pytest.raises(PermissionDenied):
        payments.online_payment_start(invoices=[invoice], by=stranger)

    assert not OnlinePayment.objects.exists()


# The planning's registers ------------------------------------------------------------------------------------


def activity_values(**values):
    return {
        "facility": Facility.objects.create(name="Ecole Lux"),
        "code": "5",
        "label": "ALSH Matin",
        "capacity": 24,
        "price": Decimal("3.10"),
        **values,
    }


def test_an_instructor_reads_activities_but_cannot_create_one():
    with pytest.raises(PermissionDenied):
        registers.activity_save(
            activity=None,
            values=activity_values(),
            week={0: (time(7, 30), time(8, 20), "all")},
            prices=[],
            by=instructor(),
        )

    assert not Activity.objects.exists() and not ActivitySlot.objects.exists()


def test_an_instructor_cannot_change_an_activity_nor_add_a_closure():
    activity = ActivityFactory(capacity=10)

    with pytest.raises(PermissionDenied):
        registers.activity_save(activity=activity, values={"capacity": 30}, week={}, prices=[], by=instructor())
    with pytest.raises(PermissionDenied):
        registers.register_save(
            model=Closure,
            instance=None,
            values={"label": "Grève", "start_date": MONDAY, "end_date": MONDAY},
            by=UserFactory(email="autre-agent@example.org"),
        )

    activity.refresh_from_db()
    assert activity.capacity == 10 and activity.slots.exists()
    assert not Closure.objects.exists()


def test_an_instructor_enrols_a_child_and_the_entry_is_logged(family):
    child, activity, by = ChildFactory(family=family), ActivityFactory(), instructor()

    enrolment = registers.register_save(
        model=Enrolment,
        instance=None,
        values={"child": child, "activity": activity, "start_date": MONDAY, "end_date": MONDAY, "weekdays": [0]},
        by=by,
    )

    assert Enrolment.objects.get() == enrolment
    entry = ModelLogEntry.objects.get(object_id=str(enrolment.pk), action="wagtail.create")
    assert entry.user == by


def test_an_administrator_saves_an_activity_with_its_week_and_tariffs():
    admin = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)

    activity = registers.activity_save(
        activity=None,
        values=activity_values(),
        week={0: (time(7, 30), time(8, 20), "all"), 3: (time(7, 30), time(8, 20), "all")},
        prices=[(600, Decimal("1.20")), (None, Decimal("3.10"))],
        by=admin,
    )

    assert sorted(activity.slots.values_list("weekday", flat=True)) == [0, 3]
    tariffs = list(activity.prices.values_list("quotient_max", "amount"))
    assert tariffs == [(600, Decimal("1.20")), (None, Decimal("3.10"))]
    assert ModelLogEntry.objects.filter(object_id=str(activity.pk), action="wagtail.create", user=admin).exists()


# The family files in the admin -------------------------------------------------------------------------------


def test_a_staff_member_without_the_permission_cannot_correct_a_family_file(family):
    guardian = GuardianFactory(family=family, phone="0102030405")
    communication = UserFactory(email="communication@example.org", is_staff=True)
    communication.groups.add(role(COMMUNICATION))

    with pytest.raises(PermissionDenied):
        dossier_services.file_record_save(model=Guardian, instance=guardian, values={"phone": "0611"}, by=communication)

    guardian.refresh_from_db()
    assert guardian.phone == "0102030405"
    assert not ModelLogEntry.objects.filter(object_id=str(guardian.pk), action="wagtail.edit").exists()


def test_an_instructor_corrects_a_guardian_and_the_change_is_logged(family):
    guardian, by = GuardianFactory(family=family, phone="0102030405"), instructor()

    dossier_services.file_record_save(model=Guardian, instance=guardian, values={"phone": "0611223344"}, by=by)

    guardian.refresh_from_db()
    assert guardian.phone == "0611223344"
    assert ModelLogEntry.objects.get(object_id=str(guardian.pk), action="wagtail.edit").user == by


# Billing staff services -------------------------------------------------------------------------------------


def test_an_instructor_cannot_record_a_payment_issue_a_credit_note_nor_refund_a_credit(family):
    from espace_facturation import credits, services
    from espace_facturation.models import CreditMovement, FamilyCredit, Invoice, Payment

    invoice = InvoiceFactory(family=family)
    credit = FamilyCredit.objects.create(regie=invoice.regie, family=family, balance=Decimal("5.00"))
    by = instructor()

    with pytest.raises(PermissionDenied):
        payments.payment_record(
            regie=invoice.regie, family=family, kind="cash", amount=Decimal("6.50"), paid_on=MONDAY, by=by
        )
    with pytest.raises(PermissionDenied):
        services.credit_note_issue(invoice=invoice, amount=Decimal("1.00"), reason="erreur", by=by)
    with pytest.raises(PermissionDenied):
        credits.credit_refund(credit=credit, amount=Decimal("5.00"), method="transfer", by=None)

    invoice.refresh_from_db()
    credit.refresh_from_db()
    assert invoice.amount_paid == 0 and credit.balance == Decimal("5.00")
    assert not Payment.objects.exists() and not CreditMovement.objects.exists()
    assert Invoice.objects.count() == 1


def test_a_régisseur_records_a_counter_payment_and_the_entry_names_them(family):
    from espace_facturation.models import Payment
    from tests.espace_facturation.factories import staff

    invoice = InvoiceFactory(family=family)
    regisseur = staff("Régisseurs")

    payment = payments.payment_record(
        regie=invoice.regie, family=family, kind="cash", amount=Decimal("6.50"), paid_on=MONDAY, by=regisseur
    )

    assert Payment.objects.get() == payment and payment.created_by == regisseur
    assert ModelLogEntry.objects.get(action="portail.payment.record").user == regisseur


def test_an_invoicing_run_whose_author_lost_the_permission_issues_nothing():
    from espace_facturation import services
    from espace_facturation.models import Invoice, InvoicingRun, RunState
    from tests.espace_facturation.factories import NOVEMBER, billed_household, book, cashier, household, regie

    the_regie = regie()
    billed_household(the_regie)
    family, child, _ = household("MARTIN")
    book(child, the_regie.activities.get(), [date(2026, 11, 2)])
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, by=cashier())
    run = services.invoicing_run_start(draft=draft, issued_on=date(2026, 12, 5), by=cashier())
    cashier().user_permissions.clear()

    with pytest.raises(PermissionDenied):
        services.invoicing_run_execute(run=InvoicingRun.objects.get(pk=run.pk))

    run.refresh_from_db()
    assert run.state == RunState.FAILED and not Invoice.objects.filter(family=family).exists()


# Family files and subscriptions ------------------------------------------------------------------------------


def test_only_staff_with_the_permission_open_a_family_file(stranger):
    communication = UserFactory(email="communication@example.org", is_staff=True)
    communication.groups.add(role(COMMUNICATION))

    for by in (None, stranger, communication):
        with pytest.raises(PermissionDenied):
            dossier_services.family_create(name="INTRUS", by=by)

    assert not Family.objects.filter(name="INTRUS").exists()
    assert not ModelLogEntry.objects.filter(action="wagtail.create").exists()
    family = dossier_services.family_create(name="NOUVELLE", by=instructor())
    assert ModelLogEntry.objects.get(object_id=str(family.pk), action="wagtail.create").user.email == (
        "instructeur@example.org"
    )


def test_a_parent_cannot_link_someone_else_to_a_family_through_the_staff_path(family, stranger):
    other = UserFactory(email="victime@example.org")

    with pytest.raises(PermissionDenied):
        dossier_services.subscription_create(user=other, family=family, by=stranger)
    with pytest.raises(PermissionDenied):
        dossier_services.subscription_create(user=other, family=family, by=None)

    assert not other.subscriptions.exists()


def test_a_parent_links_only_its_own_account_by_the_family_code(family):
    from django.contrib.auth.models import AnonymousUser

    from espace_famille.dossier.models import SubscriptionMethod

    parent = UserFactory(email="nouveau@example.org")
    with pytest.raises(ValueError):
        dossier_services.subscription_claim(family=family, method=SubscriptionMethod.STAFF, by=parent)
    with pytest.raises(PermissionDenied):
        dossier_services.subscription_claim(family=family, method=SubscriptionMethod.CODE, by=AnonymousUser())

    subscription, created = dossier_services.subscription_claim(
        family=family, method=SubscriptionMethod.CODE, by=parent
    )

    assert created and subscription.user == parent and subscription.method == SubscriptionMethod.CODE
    assert ModelLogEntry.objects.get(action="portail.subscription.create").user == parent


def test_an_instructor_links_an_account_and_the_link_is_logged(family):
    from espace_famille.dossier.models import SubscriptionMethod

    parent, by = UserFactory(email="nouveau@example.org"), instructor()

    subscription, _ = dossier_services.subscription_create(user=parent, family=family, by=by)

    assert subscription.method == SubscriptionMethod.STAFF
    assert ModelLogEntry.objects.get(action="portail.subscription.create").user == by


# Notifications and cancellations ----------------------------------------------------------------------------


def test_someone_without_the_permission_cannot_resend_an_email_nor_send_a_template_test(site):
    from notifications import services as notification_services
    from notifications.models import EmailTemplate, OutboxMessage

    template = EmailTemplate.objects.get(kind="account_confirmation")
    row = notification_services.queue(kind="account_confirmation", to="a@example.org", key="k", context={})
    count, by = OutboxMessage.objects.count(), instructor()

    with pytest.raises(PermissionDenied):
        notification_services.outbox_resend(message_id=row.pk, by=by)
    with pytest.raises(PermissionDenied):
        notification_services.template_send_test(template=template, to="a@example.org", by=by)

    assert OutboxMessage.objects.count() == count
    assert not ModelLogEntry.objects.filter(action__in=["portail.outbox.resend", "portail.email.test"]).exists()


def test_a_parent_cannot_cancel_a_booked_day_through_the_staff_cancellation(family):
    from espace_famille.planning.cancellation import booking_cancel
    from espace_famille.planning.models import BookingState

    child = ChildFactory(family=family)
    booking = Booking.objects.create(
        child=child, activity=ActivityFactory(), day=MONDAY, state=BookingState.BOOKED, queued_at=ASKED
    )

    with pytest.raises(PermissionDenied):
        booking_cancel(booking=booking, by=parent_of(family), reason="")

    booking.refresh_from_db()
    assert booking.state == BookingState.BOOKED and not Request.objects.exists()
