"""The planning in the Wagtail admin: reference data registers, the queue of booking and absence requests
(filters, search, bulk and per-day decisions), permissions and the day sheet («Feuille de présence»)."""

import json
from datetime import date, datetime, time
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from commun.clock import PARIS
from espace_famille.comptes.permissions import COMMUNICATION, INSTRUCTORS
from espace_famille.demandes.models import EventKind, LineState, Request, RequestEvent, RequestKind, RequestState
from espace_famille.dossier.models import AuthorizedContact, Diet
from espace_famille.modifications import services as modifications_services
from espace_famille.planning import services as planning_services
from espace_famille.planning.models import (
    Activity,
    ActivityPrice,
    Booking,
    BookingHistory,
    Closure,
    Enrolment,
    Facility,
)
from tests.commun import hostile
from tests.factories import (
    ActivityFactory,
    ChildFactory,
    EnrolmentFactory,
    FacilityFactory,
    FamilyFactory,
    GuardianFactory,
    UserFactory,
    family_parent,
    role,
    service_instructor,
)
from tests.intents import intent_in, submit

pytestmark = pytest.mark.django_db

QUEUE = "/admin/snippets/espace_famille/demandes-planning/"
FAMILY_FILE_QUEUE = "/admin/snippets/espace_famille/request/"
SHEET = "/admin/feuille-de-presence/"
ACTIVITIES = "/admin/espace_famille/activity/"
FACILITIES = "/admin/espace_famille/facility/"
CLOSURES = "/admin/espace_famille/closure/"
ENROLMENTS = "/admin/espace_famille/enrolment/"
NOW = datetime(2026, 11, 10, 9, 0, tzinfo=PARIS)
MONDAY, TUESDAY, THURSDAY = date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 19)


def text(response) -> str:
    return unescape(response.content.decode())


def page_messages(response) -> list[str]:
    return [unescape(str(message)).strip() for message in get_messages(response.wsgi_request)]


def staff(group_name=None, **kwargs):
    user = UserFactory(**kwargs)
    if group_name:
        user.groups.add(role(group_name))
    return user


def decision_url(request: Request) -> str:
    return f"{QUEUE}inspect/{request.pk}/"


def bulk_url(action: str, *requests: Request, extra: str = "") -> str:
    ids = "&".join(f"id={request.pk}" for request in requests)
    return f"/admin/bulk/espace_famille/request/{action}/?{ids}{extra}&next={QUEUE}"


@pytest.fixture
def superuser(client):
    user = staff(is_superuser=True, email="admin@example.org")
    client.force_login(user)
    return user


@pytest.fixture
def instructor(client):
    user = staff(INSTRUCTORS, email="instructeur@example.org", first_name="Inès", last_name="Structrice")
    client.force_login(user)
    return user


@pytest.fixture
def evening():
    return ActivityFactory(code="4", label="Péri SOIR", facility=FacilityFactory(name="Ecole Lux"))


@pytest.fixture
def morning():
    return ActivityFactory(
        code="1",
        label="Péri MATIN",
        facility=FacilityFactory(name="Ecole Pasteur"),
        weekdays={d: ("07:35", "08:20") for d in (0, 1, 3, 4)},
    )


def household(activity, name, first_name="Léa", **child):
    family = FamilyFactory(name=name)
    kid = ChildFactory(family=family, first_name=first_name, **child)
    EnrolmentFactory(child=kid, activity=activity)
    return kid


def ask(child, activity, kind, *days) -> Request:
    result = planning_services.booking_request_submit(
        family=child.family,
        by=family_parent(child.family),
        children=[child],
        activity=activity,
        kind=kind,
        days=days,
        now=NOW,
    )
    assert result.requests, result.skipped
    return result.requests[0]


def state(child, activity, day) -> str:
    booking = Booking.objects.filter(child=child, activity=activity, day=day).first()
    return booking.state if booking else "none"


# Registers ----------------------------------------------------------------------------------------------------


def activity_form(facility, **overrides) -> dict:
    data = {
        "facility": facility.pk,
        "code": "5",
        "label": "ALSH-IS-Matin",
        "holiday_rule": "holidays",
        "capacity": "24",
        "active": "on",
        "booking_deadline_kind": "days",
        "booking_deadline_days": "1",
        "booking_deadline_time": "12:00",
        "cancel_deadline_kind": "working",
        "cancel_deadline_days": "2",
        "cancel_deadline_time": "18:00",
        "late_absence_billed": "on",
        "price": "3.50",
        "billing_basis": "bookings",
        "slot_0_open": "on",
        "slot_0_start": "07:35",
        "slot_0_end": "08:20",
        "slot_0_period": "all",
        "slot_2_open": "on",
        "slot_2_start": "13:00",
        "slot_2_end": "17:00",
        "slot_2_period": "all",
        "tarifs-TOTAL_FORMS": "3",
        "tarifs-INITIAL_FORMS": "0",
        "tarifs-MIN_NUM_FORMS": "0",
        "tarifs-MAX_NUM_FORMS": "1000",
        "tarifs-0-quotient_max": "600",
        "tarifs-0-amount": "1.20",
        "tarifs-1-quotient_max": "",
        "tarifs-1-amount": "4.00",
    }
    data.update(overrides)
    return data


def test_an_activity_is_created_with_its_week_and_tariffs_on_one_form(client, superuser):
    facility = FacilityFactory(name="Accueil de loisirs")
    form = client.get(f"{ACTIVITIES}create/")
    assert form.status_code == 200
    page = text(form)
    assert "Jours et horaires" in page and "Lundi" in page and "Tarifs par quotient familial" in page

    response = client.post(f"{ACTIVITIES}create/", activity_form(facility))

    assert response.status_code == 302, text(response)
    activity = Activity.objects.get(code="5")
    assert activity.name == "5/ALSH-IS-Matin" and activity.capacity == 24
    assert [(s.weekday, s.start_time, s.end_time) for s in activity.slots.order_by("weekday")] == [
        (0, time(7, 35), time(8, 20)),
        (2, time(13, 0), time(17, 0)),
    ]
    assert sorted((p.quotient_max, p.amount) for p in activity.prices.all() if p.quotient_max) == [
        (600, Decimal("1.20"))
    ]
    assert activity.prices.count() == 2
    assert ModelLogEntry.objects.filter(object_id=str(activity.pk), action="wagtail.create").exists()


def test_editing_an_activity_changes_its_week_and_is_logged(client, superuser, evening):
    price = ActivityPrice.objects.create(activity=evening, quotient_max=500, amount=Decimal("1.00"))
    page = text(client.get(f"{ACTIVITIES}edit/{evening.pk}/"))
    assert 'name="slot_0_open"' in page and "16:30" in page

    data = activity_form(
        evening.facility,
        code="4",
        label="Péri SOIR",
        **{
            "slot_0_start": "16:45",
            "slot_0_end": "18:30",
            "tarifs-TOTAL_FORMS": "1",
            "tarifs-INITIAL_FORMS": "1",
            "tarifs-0-id": str(price.pk),
            "tarifs-0-activity": str(evening.pk),
            "tarifs-0-quotient_max": "500",
            "tarifs-0-amount": "1.00",
            "tarifs-0-DELETE": "on",
        },
    )
    response = client.post(f"{ACTIVITIES}edit/{evening.pk}/", data)

    assert response.status_code == 302, text(response)
    assert [(s.weekday, s.start_time) for s in evening.slots.order_by("weekday")] == [
        (0, time(16, 45)),
        (2, time(13, 0)),
    ]
    assert not evening.prices.exists()
    assert ModelLogEntry.objects.filter(object_id=str(evening.pk), action="wagtail.edit").exists()


def test_an_open_day_needs_its_hours_in_order(client, superuser):
    facility = FacilityFactory(name="Ecole Lux")
    data = activity_form(facility, slot_0_start="", slot_2_end="12:00")
    page = text(client.post(f"{ACTIVITIES}create/", data))
    assert "Indiquez l'heure de début du lundi." in page
    assert "Le mercredi, la fin doit suivre le début." in page
    assert not Activity.objects.filter(code="5").exists()


def test_a_day_children_are_enrolled_on_stays_open_and_tariffs_are_checked(client, superuser, evening, time_machine):
    time_machine.move_to(NOW, tick=False)  # the enrolment still runs: only running enrolments hold their days
    household(evening, "BLMAN", "Léo")  # enrolled Monday, Tuesday, Thursday, Friday
    data = activity_form(
        evening.facility, code="4", label="Péri SOIR", **{"tarifs-0-quotient_max": "700", "tarifs-0-amount": ""}
    )

    page = text(client.post(f"{ACTIVITIES}edit/{evening.pk}/", data))

    assert "Des enfants sont inscrits le mardi : retirez d'abord ce jour de leurs inscriptions." in page
    assert "Corrigez les tarifs ci-dessous." in page
    assert sorted(evening.slots.values_list("weekday", flat=True)) == [0, 1, 3, 4]
    assert not evening.prices.exists()


def test_facilities_and_closures_have_their_registers(client, superuser, evening):
    response = client.post(f"{FACILITIES}create/", {"name": "Crèche des Lilas", "kind": "creche"})
    assert response.status_code == 302
    facility = Facility.objects.get(name="Crèche des Lilas")
    assert ModelLogEntry.objects.filter(object_id=str(facility.pk), action="wagtail.create").exists()

    response = client.post(
        f"{CLOSURES}create/",
        {"label": "Grève", "start_date": "2026-11-16", "end_date": "2026-11-16", "activity": evening.pk},
    )
    assert response.status_code == 302
    closure = Closure.objects.get(label="Grève")
    assert closure.activity == evening and closure.facility is None
    assert "Grève" in text(client.get(CLOSURES))

    both = client.post(
        f"{CLOSURES}create/",
        {
            "label": "Travaux",
            "start_date": "2026-12-01",
            "end_date": "2026-11-30",
            "activity": evening.pk,
            "facility": evening.facility_id,
        },
    )
    page = text(both)
    assert "La date de fin doit suivre la date de début." in page
    assert "Choisissez une structure ou une activité, pas les deux." in page

    response = client.post(f"{CLOSURES}delete/{closure.pk}/")
    assert response.status_code == 302 and not Closure.objects.filter(pk=closure.pk).exists()
    assert ModelLogEntry.objects.filter(object_id=str(closure.pk), action="wagtail.delete").exists()


def test_an_enrolment_takes_weekdays_as_check_boxes(client, superuser, evening):
    child = ChildFactory(family=FamilyFactory(name="BLMAN"), first_name="Léo")
    form = text(client.get(f"{ENROLMENTS}create/"))
    assert 'type="checkbox" name="weekdays" value="0"' in form and "lundi" in form and "Léo BLMAN (BLMAN)" in form

    response = client.post(
        f"{ENROLMENTS}create/",
        {
            "child": child.pk,
            "activity": evening.pk,
            "start_date": "2018-09-03",
            "end_date": "2019-08-31",
            "weekdays": ["3", "0"],
        },
    )

    assert response.status_code == 302, text(response)
    enrolment = Enrolment.objects.get(child=child)
    assert enrolment.weekdays == [0, 3]
    assert ModelLogEntry.objects.filter(object_id=str(enrolment.pk), action="wagtail.create").exists()
    listing = text(client.get(ENROLMENTS))
    assert "Léo BLMAN" in listing and "du 03/09/2018 au 31/08/2019" in listing and "lundi, jeudi" in listing


def test_an_enrolment_only_on_days_the_activity_runs(client, superuser, evening):
    child = ChildFactory()
    page = text(
        client.post(
            f"{ENROLMENTS}create/",
            {
                "child": child.pk,
                "activity": evening.pk,
                "start_date": "2026-09-01",
                "end_date": "2027-07-03",
                "weekdays": ["2"],
            },
        )
    )
    assert "L'activité 4/Péri SOIR n'a pas lieu le mercredi." in page
    assert not Enrolment.objects.exists()


def test_enrolments_are_searched_by_child_and_filtered_by_activity(client, superuser, evening, morning):
    leo = household(evening, "BLMAN", "Léo")
    zoe = household(morning, "MARTIN", "Zoé")

    assert "Zoé MARTIN" not in text(client.get(ENROLMENTS, {"q": "léo"}))
    assert "Léo BLMAN" in text(client.get(ENROLMENTS, {"q": "léo"}))
    by_activity = text(client.get(ENROLMENTS, {"activity__id__exact": morning.pk}))
    assert "Zoé MARTIN" in by_activity and "Léo BLMAN" not in by_activity
    assert leo and zoe


def test_the_menu_and_the_calendar_setting(client, superuser):
    page = text(client.get("/admin/"))  # the sidebar's menu is JSON: labels are escaped as JSON strings
    for label in ("Activités", "Structures", "Inscriptions", "Fermetures", "Feuille de présence"):
        assert json.dumps(label) in page
    assert json.dumps("Réservations et absences") in page
    assert client.get("/admin/settings/espace_famille/calendarsettings/").status_code in (200, 302)


# The queue ---------------------------------------------------------------------------------------------------


@pytest.fixture
def queue(evening, morning):
    """Two booking requests (one per activity), an absence on a booked day, a decided one, a family-file one."""
    lea = household(evening, "DURANT", "Léa")
    tom = household(morning, "MARTIN", "Tom")
    ugo = household(evening, "PETIT", "Ugo")
    durant = ask(lea, evening, "booking", MONDAY, TUESDAY)
    martin = ask(tom, morning, "booking", THURSDAY)
    booked = ask(ugo, evening, "booking", MONDAY)
    planning_services.booking_requests_bulk_decide(requests=[booked.pk], by=service_instructor(), accept=True)
    absence = ask(ugo, evening, "absence", MONDAY)
    guardian = GuardianFactory(family=lea.family, first_name="Jean", phone="0102030405")
    file_request = modifications_services.family_file_submit(
        family=lea.family,
        kind=RequestKind.GUARDIAN_CHANGE,
        values={"phone": "0611223344"},
        by=family_parent(lea.family),
        guardian=guardian,
    )
    return {
        "lea": lea,
        "tom": tom,
        "ugo": ugo,
        "durant": durant,
        "martin": martin,
        "booked": booked,
        "absence": absence,
        "file": file_request,
    }


def listed(client, **params) -> set[str]:
    page = text(client.get(QUEUE, params))
    return page


def test_the_queue_lists_pending_booking_and_absence_requests(client, instructor, queue):
    response = client.get(QUEUE)
    assert response.status_code == 200
    page = text(response)
    for header in ("Famille", "Enfant", "Type demande", "Activité", "Période", "Nombre de jours", "Date"):
        assert header in page
    assert decision_url(queue["durant"]) in page and decision_url(queue["martin"]) in page
    assert decision_url(queue["absence"]) in page
    assert decision_url(queue["booked"]) not in page  # decided
    assert f"/inspect/{queue['file'].pk}/" not in page  # a family-file request has its own queue
    assert "Léa DURANT" in page and "4/Péri SOIR" in page and "du 16/11/2026 au 17/11/2026" in page
    assert "Ajout de réservation" in page and "Absence" in page
    # Oldest first: the order families asked.
    assert page.index(decision_url(queue["durant"])) < page.index(decision_url(queue["martin"]))
    # And the family-file queue does not show the planning requests.
    family_page = text(client.get(FAMILY_FILE_QUEUE))
    assert f"/inspect/{queue['durant'].pk}/" not in family_page


def test_the_queue_filters_and_searches(client, instructor, queue, evening, morning):
    def shown(**params) -> set[str]:
        page = text(client.get(QUEUE, params))
        return {name for name in ("durant", "martin", "booked", "absence") if decision_url(queue[name]) in page}

    assert shown() == {"durant", "martin", "absence"}
    assert shown(activity=morning.pk) == {"martin"}
    assert shown(facility=evening.facility_id) == {"durant", "absence"}
    assert shown(kind=RequestKind.ABSENCE) == {"absence"}
    assert shown(state=RequestState.ACCEPTED) == {"booked"}
    assert shown(state="all") == {"durant", "martin", "booked", "absence"}
    assert shown(days_from="2026-11-18") == {"martin"}
    assert shown(days_to="2026-11-16") == {"durant", "absence"}
    assert shown(q="martin") == {"martin"}
    assert shown(q="ugo") == {"absence"}
    assert shown(q="Léa DURANT") == {"durant"}
    assert shown(q="Léa MARTIN") == set()


def test_the_queue_and_the_bulk_confirmation_read_with_a_fixed_number_of_queries(client, instructor, evening):
    def requests(count, offset=0):
        return [
            ask(household(evening, f"FAM{offset + i}", f"Kid{offset + i}"), evening, "booking", MONDAY, TUESDAY)
            for i in range(count)
        ]

    def counts(selected):
        with CaptureQueriesContext(connection) as listing:
            assert client.get(QUEUE).status_code == 200
        with CaptureQueriesContext(connection) as confirmation:
            assert client.get(bulk_url("booking-accept", *selected)).status_code == 200
        return len(listing), len(confirmation)

    few = requests(2)
    client.get(QUEUE)  # warm the session and permission caches
    before = counts(few)
    after = counts(few + requests(5, offset=2))
    assert before == after


def test_bulk_accept_with_a_message(client, instructor, queue, evening, morning):
    confirm = client.get(bulk_url("booking-accept", queue["durant"], queue["martin"]))
    assert confirm.status_code == 200
    page = text(confirm)
    assert "Accepter 2 demandes (3 jours) ?" in page and "Message pour la famille" in page

    response = submit(
        client, bulk_url("booking-accept", queue["durant"], queue["martin"]), {"message": "Bonne rentrée !"}
    )

    assert response.status_code == 302
    assert "2 demandes acceptées (3 jours)." in page_messages(response)
    for name in ("durant", "martin"):
        queue[name].refresh_from_db()
        assert queue[name].state == RequestState.ACCEPTED and queue[name].decided_by == instructor
        event = RequestEvent.objects.get(request=queue[name], kind=EventKind.ACCEPTED)
        assert event.message == "Bonne rentrée !" and event.visible_to_family
    assert state(queue["lea"], evening, MONDAY) == "booked" and state(queue["lea"], evening, TUESDAY) == "booked"
    assert state(queue["tom"], morning, THURSDAY) == "booked"
    assert queue["absence"].lines.get().state == LineState.PENDING


def test_bulk_refuse_with_a_message_and_already_decided_requests_untouched(client, instructor, queue, evening):
    response = submit(
        client, bulk_url("booking-refuse", queue["durant"], queue["booked"], queue["absence"]), {"message": "Complet."}
    )

    assert response.status_code == 302
    messages = page_messages(response)
    assert "2 demandes refusées (3 jours)." in messages
    assert "1 demande n'était plus en instruction : elle n'a pas été modifiée." in messages
    queue["durant"].refresh_from_db()
    assert queue["durant"].state == RequestState.REFUSED
    assert RequestEvent.objects.get(request=queue["durant"], kind=EventKind.REFUSED).message == "Complet."
    assert state(queue["lea"], evening, MONDAY) == "refused"
    # The refused absence keeps the day booked; the accepted request stays accepted.
    assert state(queue["ugo"], evening, MONDAY) == "abs_refused"
    queue["booked"].refresh_from_db()
    assert queue["booked"].state == RequestState.ACCEPTED


def test_bulk_on_all_the_filtered_listing(client, instructor, queue, morning):
    response = submit(
        client,
        f"/admin/bulk/espace_famille/request/booking-accept/?activity={morning.pk}&id=all&next={QUEUE}",
        {"message": ""},
    )
    assert response.status_code == 302
    queue["martin"].refresh_from_db()
    queue["durant"].refresh_from_db()
    assert queue["martin"].state == RequestState.ACCEPTED
    assert queue["durant"].state == RequestState.PENDING


def test_a_family_file_request_cannot_go_through_the_planning_bulk_actions(client, instructor, queue):
    client.post(bulk_url("booking-accept", queue["file"]), {"message": ""})
    queue["file"].refresh_from_db()
    assert queue["file"].state == RequestState.PENDING


def test_a_bulk_decision_sent_twice_decides_once(client, instructor, queue, evening):
    url = bulk_url("booking-accept", queue["durant"], queue["martin"])
    form = {"message": "Bonne rentrée !", "intent": intent_in(client.get(url))}
    logged = ModelLogEntry.objects.filter(action="portail.request.accept").count()
    client.post(url, form)
    again = client.post(url, form)

    assert again.status_code == 302 and "Cette demande est déjà enregistrée." in page_messages(again)
    assert RequestEvent.objects.filter(kind=EventKind.ACCEPTED, message="Bonne rentrée !").count() == 2
    assert ModelLogEntry.objects.filter(action="portail.request.accept").count() == logged + 2


def test_a_bulk_decision_on_all_the_listing_sent_twice_says_so(client, instructor, queue, morning):
    url = f"/admin/bulk/espace_famille/request/booking-refuse/?activity={morning.pk}&id=all&next={QUEUE}"
    form = {"message": "", "intent": intent_in(client.get(url))}
    logged = ModelLogEntry.objects.filter(action="portail.request.refuse").count()
    client.post(url, form)
    again = client.post(url, form)  # «all» now names no pending request: still the same form, sent again

    assert "Cette demande est déjà enregistrée." in page_messages(again)
    assert ModelLogEntry.objects.filter(action="portail.request.refuse").count() == logged + 1


def test_a_day_decision_sent_twice_is_taken_once(client, instructor, queue, evening):
    request = queue["durant"]
    monday = request.lines.get(day=MONDAY)
    form = {f"jour-{monday.pk}": "accept", "message": "", "intent": intent_in(client.get(decision_url(request)))}
    client.post(decision_url(request), form)
    again = client.post(decision_url(request), form)

    assert again.status_code == 302 and "Cette demande est déjà enregistrée." in page_messages(again)
    assert BookingHistory.objects.filter(request=request, to_state="booked").count() == 1
    assert state(queue["lea"], evening, MONDAY) == "booked" and state(queue["lea"], evening, TUESDAY) == "pending"


# One request, day by day ------------------------------------------------------------------------------------------


def test_the_decision_page_shows_each_day_its_state_places_and_waiting_rank(client, instructor):
    small = ActivityFactory(code="7", label="Piscine", capacity=1)
    first = household(small, "PREMIER", "Ana")
    second = household(small, "SECOND", "Bob")
    third = household(small, "TROISIEME", "Cid")
    planning_services.booking_requests_bulk_decide(
        requests=[ask(first, small, "booking", MONDAY).pk, ask(second, small, "booking", MONDAY).pk],
        by=service_instructor(),
        accept=True,
    )
    assert state(second, small, MONDAY) == "waiting"
    request = ask(third, small, "booking", MONDAY, TUESDAY)

    page = text(client.get(decision_url(request)))

    assert "lun. 16/11" in page and "mar. 17/11" in page
    assert "Réservation en attente" in page and "Complet" in page
    assert "1 / 1" in page and "0 / 1" in page
    assert f'name="jour-{request.lines.get(day=MONDAY).pk}"' in page
    assert "Message pour la famille" in page
    waiting_request = Request.objects.get(child=second)
    assert "Rang en liste d'attente" in text(client.get(decision_url(waiting_request)))


def test_a_decision_per_day(client, instructor, queue, evening):
    request = queue["durant"]
    monday, tuesday = request.lines.get(day=MONDAY), request.lines.get(day=TUESDAY)

    response = submit(
        client,
        decision_url(request),
        {f"jour-{monday.pk}": "accept", f"jour-{tuesday.pk}": "refuse", "message": "Mardi est complet."},
    )

    assert response.status_code == 302
    assert "Demande traitée : 1 jour accepté et 1 jour refusé." in page_messages(response)
    request.refresh_from_db()
    assert request.state == RequestState.PARTIAL
    assert state(queue["lea"], evening, MONDAY) == "booked" and state(queue["lea"], evening, TUESDAY) == "refused"
    assert RequestEvent.objects.filter(request=request, message="Mardi est complet.").exists()
    entry = ModelLogEntry.objects.get(object_id=str(request.pk), action="portail.request.partial")
    assert entry.user == instructor
    history = text(client.get(f"{QUEUE}history/{request.pk}/"))
    assert "Demande partiellement acceptée — message pour la famille : « Mardi est complet. »" in history
    assert "Décision pour le" not in text(client.get(decision_url(request)))


def test_the_journal_of_a_booking_request_leads_back_to_the_request(client, instructor, queue):
    request = queue["durant"]

    journal = text(client.get(f"{QUEUE}history/{request.pk}/"))

    assert f'href="{decision_url(request)}"' in journal and "Voir la demande" in journal
    assert "/edit/" not in journal


def test_some_days_can_wait(client, instructor, queue, evening):
    request = queue["durant"]
    monday = request.lines.get(day=MONDAY)

    response = submit(client, decision_url(request), {f"jour-{monday.pk}": "accept", "message": ""})

    assert response.status_code == 302 and response.url == decision_url(request)
    request.refresh_from_db()
    assert request.state == RequestState.PENDING
    assert state(queue["lea"], evening, MONDAY) == "booked" and state(queue["lea"], evening, TUESDAY) == "pending"

    nothing = client.post(decision_url(request), {"message": ""})
    assert "Choisissez « Accepter » ou « Refuser » pour au moins un jour." in page_messages(nothing)


def test_accept_every_pending_day_of_one_request(client, instructor, queue, evening):
    response = submit(client, decision_url(queue["absence"]), {"decision": "accept", "message": ""})
    assert response.status_code == 302 and response.url == QUEUE
    assert state(queue["ugo"], evening, MONDAY) == "absent"


def test_the_certificate_of_an_absence_is_downloaded_by_staff_only(client, instructor, evening):
    ugo = household(evening, "PETIT", "Ugo")
    planning_services.booking_requests_bulk_decide(
        requests=[ask(ugo, evening, "booking", MONDAY).pk], by=service_instructor(), accept=True
    )
    planning_services.booking_request_submit(
        family=ugo.family,
        by=family_parent(ugo.family),
        children=[ugo],
        activity=evening,
        kind="absence",
        days=[MONDAY],
        justification=ContentFile(hostile.pdf_bytes("Certificat médical"), name="certificat.pdf"),
        now=NOW,
    )
    absence = Request.objects.get(child=ugo, kind=RequestKind.ABSENCE)
    page = text(client.get(decision_url(absence)))
    download = f"{QUEUE}justificatif/{absence.pk}/"
    assert download in page

    response = client.get(download)
    assert response.status_code == 200
    downloaded = b"".join(response.streaming_content)
    with absence.justification.open("rb") as stored:  # the file the upload policy rewrote
        stored.seek(0)
        assert downloaded.startswith(b"%PDF-") and downloaded == stored.read()
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]

    client.force_login(staff(COMMUNICATION))
    assert client.get(download).status_code in (302, 403)


# Permissions ----------------------------------------------------------------------------------------------------


def test_a_parent_cannot_reach_the_planning_admin(client, queue):
    client.force_login(UserFactory())
    for url in (QUEUE, decision_url(queue["durant"]), SHEET, ACTIVITIES, ENROLMENTS):
        assert client.get(url).status_code == 403, url
    client.post(bulk_url("booking-accept", queue["durant"]), {"message": ""})
    client.post(decision_url(queue["durant"]), {"decision": "accept"})
    queue["durant"].refresh_from_db()
    assert queue["durant"].state == RequestState.PENDING


def test_an_editor_without_the_permissions_is_refused(client, queue):
    client.force_login(staff(COMMUNICATION))
    assert client.get(QUEUE).status_code in (302, 403)
    assert client.get(decision_url(queue["durant"])).status_code in (302, 403)
    assert client.get(SHEET).status_code in (302, 403)
    assert client.get(ACTIVITIES).status_code in (302, 403)
    client.post(bulk_url("booking-accept", queue["durant"]), {"message": ""})
    client.post(decision_url(queue["durant"]), {"decision": "accept"})
    queue["durant"].refresh_from_db()
    assert queue["durant"].state == RequestState.PENDING
    assert json.dumps("Feuille de présence") not in text(client.get("/admin/"))


def test_a_reader_of_requests_sees_the_queue_but_cannot_decide(client, queue):
    reader = staff(COMMUNICATION)
    reader.user_permissions.add(Permission.objects.get(codename="view_request"))
    client.force_login(reader)
    page = text(client.get(decision_url(queue["durant"])))
    assert "Jours demandés" in page and "Décision pour le" not in page
    assert client.post(decision_url(queue["durant"]), {"decision": "accept"}).status_code in (302, 403)
    client.post(bulk_url("booking-accept", queue["durant"]), {"message": ""})
    queue["durant"].refresh_from_db()
    assert queue["durant"].state == RequestState.PENDING


def test_instructors_read_the_reference_data_and_manage_enrolments(client, instructor, evening):
    assert client.get(ACTIVITIES).status_code == 200
    assert client.get(f"{ACTIVITIES}edit/{evening.pk}/").status_code in (302, 403)
    assert client.get(f"{ENROLMENTS}create/").status_code == 200


# The day sheet -----------------------------------------------------------------------------------------------------


def sheet_data(evening, count=3):
    children = []
    for index in range(count):
        child = household(
            evening,
            f"FAMILLE{index}",
            f"Enfant{index}",
            allergies="Arachide" if index == 0 else "",
            diet=Diet.NO_PORK if index == 1 else "",
        )
        AuthorizedContact.objects.create(
            child=child, full_name=f"Mamie {index}", relationship="grand-parent", mobile="0611223344", can_pick_up=True
        )
        AuthorizedContact.objects.create(
            child=child, full_name=f"Voisin {index}", relationship="voisin", can_pick_up=False
        )
        children.append(child)
    planning_services.booking_requests_bulk_decide(
        requests=[ask(child, evening, "booking", MONDAY).pk for child in children], by=service_instructor(), accept=True
    )
    return children


def test_the_day_sheet_lists_booked_waiting_and_absent_children(client, instructor, time_machine):
    small = ActivityFactory(code="4", label="Péri SOIR", capacity=2)
    ana, bob = sheet_data(small, count=2)
    waiting = [household(small, name, first) for name, first in (("ATTENTE", "Wil"), ("SECONDE", "Zia"))]
    planning_services.booking_requests_bulk_decide(
        requests=[ask(child, small, "booking", MONDAY).pk for child in waiting], by=service_instructor(), accept=True
    )
    absent = household(small, "ABSENT", "Max")
    planning_services.booking_requests_bulk_decide(
        requests=[ask(absent, small, "booking", TUESDAY).pk], by=service_instructor(), accept=True
    )
    planning_services.booking_requests_bulk_decide(
        requests=[ask(absent, small, "absence", TUESDAY).pk], by=service_instructor(), accept=True
    )

    form = client.get(SHEET)
    assert form.status_code == 200 and "Choisissez une activité" in text(form)
    time_machine.move_to(NOW, tick=False)
    page = text(client.get(SHEET, {"activity": small.pk, "day": "2026-11-16"}))

    assert "4/Péri SOIR — lundi 16/11/2026" in page and "16:30 - 18:30" in page
    assert "Enfants attendus (2)" in page and "Enfant0 FAMILLE0" in page and "Enfant1 FAMILLE1" in page
    assert "Allergies : Arachide" in page and "Régime : Sans porc" in page
    assert "Mamie 0 (Grand-parent) — 0611223344" in page and "Voisin 0" not in page
    assert "Liste d'attente (2)" in page and page.index("Wil ATTENTE") < page.index("Zia SECONDE")
    assert "Imprimer" in page and "Imprimée le 10/11/2026 à 09:00" in page
    # The print layout is a stylesheet served from a file (the content security policy), not a <style> in the page.
    assert "/static/css/day_sheet.css" in page and "<style" not in page.split("day-sheet", 1)[1]
    assert "@media print" in Path(finders.find("css/day_sheet.css")).read_text()

    tuesday = text(client.get(SHEET, {"activity": small.pk, "day": "2026-11-17"}))
    assert "Absences (1)" in tuesday and "Max ABSENT" in tuesday and "Absence" in tuesday


def test_the_day_sheet_reads_with_a_fixed_number_of_queries(client, instructor, evening):
    sheet_data(evening, count=2)
    params = {"activity": evening.pk, "day": "2026-11-16"}
    client.get(SHEET, params)  # warm caches (holidays, session)
    with CaptureQueriesContext(connection) as few:
        client.get(SHEET, params)
    sheet_data(ActivityFactory(code="9"), count=0)
    more = [household(evening, f"AUTRE{i}", f"Kid{i}") for i in range(6)]
    planning_services.booking_requests_bulk_decide(
        requests=[ask(child, evening, "booking", MONDAY).pk for child in more], by=service_instructor(), accept=True
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(SHEET, params)
    assert "Enfants attendus (8)" in text(response)
    # The admin's own frame (session, user, permissions, site, the site's settings and the four pages they link to,
    # menu) plus the sheet's reads: the activity and its days, the children with their bookings, marks and contacts,
    # the days invoiced, the calendar (zone, closures), the children who may be added, the activities to choose.
    assert len(many) == len(few) <= 25


def test_the_day_sheet_tells_a_closed_day(client, instructor, evening):
    Closure.objects.create(label="Grève", start_date=MONDAY, end_date=MONDAY, activity=evening)
    page = text(client.get(SHEET, {"activity": evening.pk, "day": "2026-11-16"}))
    assert "L'activité est fermée ce jour-là : Grève." in page


def test_raising_the_capacity_gives_the_new_places_to_the_waiting_list_in_request_order(
    client, superuser, evening, time_machine
):
    from notifications.models import OutboxMessage

    time_machine.move_to(NOW, tick=False)
    day = MONDAY  # the places freed are those of the days to come
    evening.capacity = 1
    evening.save()
    lea, tom, ugo = (household(evening, name, first) for name, first in (("A", "Léa"), ("B", "Tom"), ("C", "Ugo")))
    parent = UserFactory(email="parent.c@example.org")
    requests = [ask(child, evening, "booking", day) for child in (lea, tom, ugo)]
    Request.objects.filter(pk=requests[2].pk).update(author=parent)
    planning_services.booking_requests_bulk_decide(requests=[r.pk for r in requests], by=superuser, accept=True)
    assert [state(child, evening, day) for child in (lea, tom, ugo)] == ["booked", "waiting", "waiting"]

    data = activity_form(
        evening.facility,
        code="4",
        label="Péri SOIR",
        holiday_rule="school",
        capacity="3",
        **{f"slot_{d}_{k}": v for d in (0, 1, 3, 4) for k, v in (("open", "on"), ("start", "16:30"), ("end", "18:30"))},
        **{f"slot_{d}_period": "all" for d in (0, 1, 3, 4)},
        slot_2_open="",
        **{"tarifs-TOTAL_FORMS": "0"},
    )
    response = client.post(f"{ACTIVITIES}edit/{evening.pk}/", data)

    assert response.status_code == 302, text(response)
    assert [state(child, evening, day) for child in (lea, tom, ugo)] == ["booked", "booked", "booked"]
    assert RequestEvent.objects.filter(request=requests[2], message__startswith="Une place s'est libérée").exists()
    assert OutboxMessage.objects.filter(kind="booking_promoted", to_email=parent.email).count() == 1
