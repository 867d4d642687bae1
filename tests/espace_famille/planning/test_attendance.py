"""The attendance register («Feuille de présence»): staff mark each child present, absent (justified or not) or
present without a booking; the form is safe to send twice, refused to those who may not mark, locked once the day is
invoiced, and reads with a fixed number of queries."""

from datetime import date, datetime
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from commun.clock import PARIS
from espace_facturation import services as billing_services
from espace_facturation.models import Invoice, InvoiceState, Regie
from espace_famille.comptes.permissions import ADMINISTRATORS, COMMUNICATION, INSTRUCTORS, REGISSEURS
from espace_famille.planning import attendance
from espace_famille.planning import services as planning_services
from espace_famille.planning.attendance import Mark
from espace_famille.planning.cancellation import booking_cancel
from espace_famille.planning.exceptions import AttendanceNotAllowed
from espace_famille.planning.models import Activity, Attendance, AttendanceStatus, BillingBasis, Booking, BookingState
from tests.factories import (
    ActivityFactory,
    ChildFactory,
    EnrolmentFactory,
    FacilityFactory,
    FamilyFactory,
    UserFactory,
    family_parent,
    role,
    service_instructor,
)

pytestmark = pytest.mark.django_db

SHEET = "/admin/feuille-de-presence/"
MONDAY = date(2026, 11, 16)
ASKED = datetime(2026, 11, 10, 9, 0, tzinfo=PARIS)
EVENING_OF_MONDAY = datetime(2026, 11, 16, 18, 0, tzinfo=PARIS)
PRESENT, JUSTIFIED, UNJUSTIFIED, UNBOOKED = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.ABSENT_JUSTIFIED,
    AttendanceStatus.ABSENT_UNJUSTIFIED,
    AttendanceStatus.PRESENT_UNBOOKED,
)


def text(response) -> str:
    return unescape(response.content.decode())


def page_messages(response) -> list[str]:
    return [unescape(str(message)).strip() for message in get_messages(response.wsgi_request)]


def staff(group_name, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(role(group_name))
    return user


@pytest.fixture
def evening():
    return ActivityFactory(code="4", label="Péri SOIR", facility=FacilityFactory(name="Ecole Lux"))


@pytest.fixture
def instructor(client):
    user = staff(INSTRUCTORS, email="instructeur@example.org", first_name="Inès", last_name="Structrice")
    client.force_login(user)
    return user


@pytest.fixture
def monday_evening(time_machine):
    """The sheet is marked on the day itself, at the end of the activity."""
    time_machine.move_to(EVENING_OF_MONDAY, tick=False)


def enrolled(activity, name, first_name):
    child = ChildFactory(family=FamilyFactory(name=name), first_name=first_name)
    EnrolmentFactory(child=child, activity=activity)
    return child


def booked(activity, *names, day=MONDAY):
    """Children enrolled and booked on `day` through the real services: asked by their parents, accepted."""
    children = [enrolled(activity, name, first) for name, first in names]
    requests = [
        planning_services.booking_request_submit(
            family=child.family,
            by=family_parent(child.family),
            children=[child],
            activity=activity,
            kind="booking",
            days=[day],
            now=ASKED,
        ).requests[0]
        for child in children
    ]
    planning_services.booking_requests_bulk_decide(
        requests=[r.pk for r in requests], by=service_instructor(), accept=True
    )
    return children


def marks(activity, day=MONDAY) -> dict[str, str]:
    return {
        mark.child.first_name: mark.status
        for mark in Attendance.objects.filter(activity=activity, day=day).select_related("child")
    }


def sheet_url(activity, day=MONDAY) -> str:
    return f"{SHEET}?activity={activity.pk}&day={day.isoformat()}"


# Marking ----------------------------------------------------------------------------------------------------------


def test_an_instructor_marks_each_child_and_is_sent_back_to_the_sheet(client, instructor, evening, monday_evening):
    ana, bob, cle = booked(evening, ("AUBRY", "Ana"), ("BERTIN", "Bob"), ("CARON", "Clé"))
    page = text(client.get(sheet_url(evening)))
    assert "Enfants attendus (3)" in page and "0 pointé sur 3" in page
    assert page.count('class="attendance__radio"') == 9  # présent, absent justifié, absent non justifié × 3
    assert "Tous présents" in page and "Enregistrer le pointage" in page

    response = client.post(
        sheet_url(evening),
        {
            "action": "save",
            f"mark_{ana.pk}": PRESENT,
            f"mark_{bob.pk}": JUSTIFIED,
            f"note_{bob.pk}": "Certificat médical apporté",
            f"mark_{cle.pk}": UNJUSTIFIED,
        },
    )

    assert response.status_code == 302 and response["Location"] == sheet_url(evening)
    assert page_messages(response) == ["Pointage enregistré : 3 enfants pointés."]
    assert marks(evening) == {"Ana": PRESENT, "Bob": JUSTIFIED, "Clé": UNJUSTIFIED}
    bob_mark = Attendance.objects.get(child=bob)
    assert bob_mark.note == "Certificat médical apporté" and bob_mark.marked_by == instructor
    # The bookings stay as they were: attendance says what happened, the booking what was asked.
    assert set(Booking.objects.filter(activity=evening).values_list("state", flat=True)) == {BookingState.BOOKED}
    entries = ModelLogEntry.objects.filter(action=attendance.MARK_ACTION)
    assert entries.count() == 3 and {entry.user for entry in entries} == {instructor}
    assert entries.get(object_id=str(bob_mark.pk)).data == {
        "day": "2026-11-16",
        "from": "",
        "to": JUSTIFIED,
        "note": "Certificat médical apporté",
    }
    page = text(client.get(sheet_url(evening)))
    assert "3 pointés sur 3" in page and "Inès STRUCTRICE, le 16/11/2026 à 18:00" in page


def test_the_register_sent_twice_changes_nothing_the_second_time(client, instructor, evening, monday_evening):
    ana, bob = booked(evening, ("AUBRY", "Ana"), ("BERTIN", "Bob"))
    form = {"action": "save", f"mark_{ana.pk}": PRESENT, f"mark_{bob.pk}": UNJUSTIFIED}
    assert "Pointage enregistré : 2 enfants pointés." in text(client.post(sheet_url(evening), form, follow=True))
    first = list(Attendance.objects.order_by("pk").values_list("pk", "status", "marked_at"))

    again = client.post(sheet_url(evening), form)

    assert again.status_code == 302
    assert page_messages(again) == ["Pointage enregistré : rien n'a changé."]
    assert list(Attendance.objects.order_by("pk").values_list("pk", "status", "marked_at")) == first
    assert ModelLogEntry.objects.filter(action=attendance.MARK_ACTION).count() == 2


def test_a_changed_mark_is_written_with_where_it_came_from(instructor, evening, monday_evening):
    [ana] = booked(evening, ("AUBRY", "Ana"))
    attendance.attendance_mark(activity=evening, day=MONDAY, marks=[Mark(ana.pk, PRESENT)], by=instructor)
    result = attendance.attendance_mark(activity=evening, day=MONDAY, marks=[Mark(ana.pk, JUSTIFIED)], by=instructor)
    assert (result.marked, result.unchanged) == (1, 0)
    assert marks(evening) == {"Ana": JUSTIFIED}
    last = ModelLogEntry.objects.filter(action=attendance.MARK_ACTION).latest("pk")
    assert (last.data["from"], last.data["to"]) == (PRESENT, JUSTIFIED)
    assert last.message == "Présence pointée : Présent → Absent justifié"


def test_all_present_marks_the_expected_children_not_yet_marked(client, instructor, evening, monday_evening):
    ana, bob, cle = booked(evening, ("AUBRY", "Ana"), ("BERTIN", "Bob"), ("CARON", "Clé"))
    # Clé's family declared an absence, still to decide: she is not presumed present.
    planning_services.booking_request_submit(
        family=cle.family, by=family_parent(cle.family), children=[cle], activity=evening, kind="absence", days=[MONDAY]
    )
    response = client.post(sheet_url(evening), {"action": "all_present", f"mark_{bob.pk}": UNJUSTIFIED})

    assert page_messages(response) == ["Pointage enregistré : 2 enfants pointés."]
    assert marks(evening) == {"Ana": PRESENT, "Bob": UNJUSTIFIED}
    client.post(sheet_url(evening), {"action": "all_present"})
    assert marks(evening) == {"Ana": PRESENT, "Bob": UNJUSTIFIED}
    assert ModelLogEntry.objects.filter(action=attendance.MARK_ACTION).count() == 2


def test_a_child_who_came_without_a_booking_is_added_from_the_enrolled_children(
    client, instructor, evening, monday_evening
):
    [ana] = booked(evening, ("AUBRY", "Ana"))
    zoe = enrolled(evening, "ZOLA", "Zoé")
    ChildFactory(family=FamilyFactory(name="AILLEURS"), first_name="Noé")  # not enrolled: not offered
    page = text(client.get(sheet_url(evening)))
    assert "Enfant venu sans réservation" in page and "Zoé ZOLA (ZOLA)" in page and "Noé" not in page

    response = client.post(sheet_url(evening), {"action": "add", "add_child": zoe.pk, f"mark_{ana.pk}": PRESENT})

    assert page_messages(response) == ["Pointage enregistré : 2 enfants pointés."]
    assert marks(evening) == {"Ana": PRESENT, "Zoé": UNBOOKED}
    assert not Booking.objects.filter(child=zoe).exists()
    page = text(client.get(sheet_url(evening)))
    assert "Zoé ZOLA" in page and "Non réservé" in page and "Retirer de la feuille" in page
    assert f'name="mark_{zoe.pk}" id="mark_{zoe.pk}_{UNBOOKED}" value="{UNBOOKED}" checked' in page

    removed = client.post(sheet_url(evening), {"action": "save", "remove": zoe.pk, f"mark_{ana.pk}": PRESENT})
    assert page_messages(removed) == ["Pointage enregistré : un enfant retiré de la feuille."]
    assert marks(evening) == {"Ana": PRESENT}
    assert ModelLogEntry.objects.filter(action=attendance.CLEAR_ACTION).count() == 1
    twice = client.post(sheet_url(evening), {"action": "save", "remove": zoe.pk}, follow=True)
    assert "Pointage enregistré : rien n'a changé." in text(twice)
    assert ModelLogEntry.objects.filter(action=attendance.CLEAR_ACTION).count() == 1


def test_a_mark_the_child_cannot_take_is_refused_in_french_and_nothing_is_written(
    client, instructor, evening, monday_evening
):
    [ana] = booked(evening, ("AUBRY", "Ana"))
    zoe = enrolled(evening, "ZOLA", "Zoé")
    with pytest.raises(AttendanceNotAllowed) as refused:
        attendance.attendance_mark(
            activity=evening, day=MONDAY, marks=[Mark(ana.pk, PRESENT), Mark(zoe.pk, PRESENT)], by=instructor
        )
    assert refused.value.messages == [
        "Zoé ZOLA : cet enfant n'a pas de réservation ce jour-là : pointez-le « Présent sans réservation »."
    ]
    stranger = ChildFactory(family=FamilyFactory(name="AILLEURS"), first_name="Noé")
    with pytest.raises(AttendanceNotAllowed) as refused:
        attendance.attendance_mark(activity=evening, day=MONDAY, marks=[Mark(stranger.pk, UNBOOKED)], by=instructor)
    assert refused.value.messages == ["Noé AILLEURS : cet enfant n'est pas inscrit à cette activité ce jour-là."]
    assert not Attendance.objects.exists()

    response = client.post(sheet_url(evening), {"action": "save", f"mark_{ana.pk}": "malade"})
    assert response.status_code == 400 and "corrigez les erreurs" in text(response)
    assert not Attendance.objects.exists()


def test_a_day_to_come_or_a_closed_day_is_not_marked(client, instructor, evening, time_machine):
    [ana] = booked(evening, ("AUBRY", "Ana"))
    time_machine.move_to(datetime(2026, 11, 16, 7, 0, tzinfo=PARIS), tick=False)
    tomorrow = date(2026, 11, 17)
    with pytest.raises(AttendanceNotAllowed) as refused:
        attendance.attendance_mark(activity=evening, day=tomorrow, marks=[Mark(ana.pk, PRESENT)], by=instructor)
    assert "un jour à venir ne se pointe pas" in refused.value.messages[0]
    page = text(client.get(sheet_url(evening, tomorrow)))
    assert "Le pointage de ce jour sera possible le jour même." in page and "attendance__radio" not in page
    time_machine.move_to(datetime(2026, 11, 18, 20, 0, tzinfo=PARIS), tick=False)
    wednesday = date(2026, 11, 18)  # the activity does not run on Wednesdays
    with pytest.raises(AttendanceNotAllowed) as refused:
        attendance.attendance_mark(activity=evening, day=wednesday, marks=[Mark(ana.pk, UNBOOKED)], by=instructor)
    assert refused.value.messages == ["Ana AUBRY : l'activité n'a pas lieu ce jour de la semaine."]
    assert not Attendance.objects.exists()


# Permissions -----------------------------------------------------------------------------------------------------


def test_a_communication_officer_is_refused_and_nothing_is_marked(client, evening, monday_evening):
    [ana] = booked(evening, ("AUBRY", "Ana"))
    officer = staff(COMMUNICATION)
    client.force_login(officer)
    response = client.post(sheet_url(evening), {"action": "save", f"mark_{ana.pk}": PRESENT})
    assert response.status_code == 403
    # Reading the bookings is not marking them: the sheet is shown read-only, the marks refused.
    officer.user_permissions.add(Permission.objects.get(codename="view_booking"))
    client.force_login(officer)
    page = text(client.get(sheet_url(evening)))
    assert "Ana AUBRY" in page and "Non pointé" in page and "attendance__radio" not in page
    assert client.post(sheet_url(evening), {"action": "all_present"}).status_code == 403
    with pytest.raises(PermissionDenied):
        attendance.attendance_mark(activity=evening, day=MONDAY, marks=[Mark(ana.pk, PRESENT)], by=officer)
    assert not Attendance.objects.exists()


def test_instructors_and_administrators_may_mark_attendance_the_others_may_not():
    for name, allowed in ((INSTRUCTORS, True), (ADMINISTRATORS, True), (REGISSEURS, False), (COMMUNICATION, False)):
        assert staff(name).has_perm(attendance.MARK_ATTENDANCE) is allowed, name


# Invoiced days are locked ----------------------------------------------------------------------------------------


def invoice_november(activity):
    regie = Regie.objects.create(name="Regie BL Enfance", service_name="Service enfance")
    regie.activities.add(activity)
    by = UserFactory(email="regisseur@example.org")
    by.groups.add(role(REGISSEURS))
    draft = billing_services.invoicing_preview(regie=regie, month=date(2026, 11, 1), by=by)
    family = draft.families.get().family
    return billing_services.invoice_issue(draft=draft, family=family, issued_on=date(2026, 12, 5), by=by)


def test_a_day_already_invoiced_is_read_only_and_its_mark_cannot_change(client, instructor, evening, monday_evening):
    [ana] = booked(evening, ("AUBRY", "Ana"))
    attendance.attendance_mark(activity=evening, day=MONDAY, marks=[Mark(ana.pk, PRESENT)], by=instructor)
    invoice = invoice_november(evening)
    assert invoice.amount == Decimal("2.10")
    zoe = enrolled(evening, "ZOLA", "Zoé")  # came without a booking, after the invoice: her day is not invoiced

    page = text(client.get(sheet_url(evening)))
    assert "Facturé" in page and f'name="mark_{ana.pk}"' not in page and "Zoé ZOLA (ZOLA)" in page
    with pytest.raises(AttendanceNotAllowed) as refused:
        attendance.attendance_mark(activity=evening, day=MONDAY, marks=[Mark(ana.pk, JUSTIFIED)], by=instructor)
    assert refused.value.messages == ["Ana AUBRY : ce jour est déjà facturé, son pointage ne peut plus changer."]
    response = client.post(sheet_url(evening), {"action": "save", f"mark_{ana.pk}": JUSTIFIED})
    assert response.status_code == 400 and "Facturé" in text(response)
    assert marks(evening) == {"Ana": PRESENT}
    # Sending an invoiced child's mark as it is changes nothing and is not refused (a form sent twice).
    attendance.attendance_mark(activity=evening, day=MONDAY, marks=[Mark(ana.pk, PRESENT)], by=instructor)
    added = client.post(sheet_url(evening), {"action": "add", "add_child": zoe.pk})
    assert added.status_code == 302 and marks(evening) == {"Ana": PRESENT, "Zoé": UNBOOKED}
    # The booking of an invoiced day still changes as before: only attendance is locked.
    booking_cancel(booking=Booking.objects.get(child=ana), by=instructor, reason="Erreur de saisie")
    assert Booking.objects.get(child=ana).state == BookingState.CANCELLED


def test_all_present_leaves_an_invoiced_child_unmarked_and_says_so(client, instructor, evening, monday_evening):
    booked(evening, ("AUBRY", "Ana"))
    invoice_november(evening)
    response = client.post(sheet_url(evening), {"action": "all_present"})
    assert page_messages(response) == [
        "Pointage enregistré : rien n'a changé. 1 enfant non pointé : jour déjà facturé."
    ]
    assert not Attendance.objects.exists()


def test_a_cancelled_invoice_no_longer_locks_the_day(instructor, evening, monday_evening):
    [ana] = booked(evening, ("AUBRY", "Ana"))
    attendance.attendance_mark(activity=evening, day=MONDAY, marks=[Mark(ana.pk, PRESENT)], by=instructor)
    invoice = invoice_november(evening)
    Invoice.objects.filter(pk=invoice.pk).update(state=InvoiceState.CANCELLED)
    attendance.attendance_mark(activity=evening, day=MONDAY, marks=[Mark(ana.pk, JUSTIFIED)], by=instructor)
    assert marks(evening) == {"Ana": JUSTIFIED}


# Reads -----------------------------------------------------------------------------------------------------------


def test_the_register_reads_with_a_fixed_number_of_queries(client, instructor, evening, monday_evening):
    def children(prefix, count):
        kids = booked(evening, *[(f"{prefix}{i}", f"Kid{i}") for i in range(count)])
        attendance.attendance_mark(
            activity=evening, day=MONDAY, marks=[Mark(kid.pk, PRESENT) for kid in kids[:1]], by=instructor
        )
        extra = enrolled(evening, f"{prefix}SANS", "Zoé")
        attendance.attendance_mark(activity=evening, day=MONDAY, marks=[Mark(extra.pk, UNBOOKED)], by=instructor)
        enrolled(evening, f"{prefix}INSCRIT", "Yann")

    children("A", 2)
    url = sheet_url(evening)
    client.get(url)  # warm caches (holidays, session)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    children("B", 7)
    with CaptureQueriesContext(connection) as many:
        page = text(client.get(url))
    assert "Enfants attendus (9)" in page and "4 pointés sur 11" in page
    assert len(many) == len(few)


# The activity's billing basis ------------------------------------------------------------------------------------


def test_the_activity_form_says_whether_it_bills_bookings_or_attendance(client):
    from tests.espace_famille.planning.test_booking_admin import ACTIVITIES, activity_form

    client.force_login(staff(ADMINISTRATORS, email="admin@example.org"))
    facility = FacilityFactory(name="Ecole Lux")
    page = text(client.get(f"{ACTIVITIES}create/"))
    assert "Base de facturation" in page and "Facturation : réservations" in page
    assert "Facturation : présences" in page

    response = client.post(f"{ACTIVITIES}create/", activity_form(facility, billing_basis="attendance"))

    assert response.status_code == 302, text(response)
    activity = Activity.objects.get(code="5")
    assert activity.billing_basis == BillingBasis.ATTENDANCE
    assert "Facturation : présences" in text(client.get(sheet_url(activity)))
