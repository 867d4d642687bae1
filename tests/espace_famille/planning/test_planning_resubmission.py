"""A planning form submitted twice (double click, Back then Enter, reload of the POST) is carried out once."""
# ruff: noqa: F811 (the planning fixtures are imported, then named as test arguments)

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from espace_famille.demandes.models import Request, RequestKind
from espace_famille.planning.models import Booking
from tests.espace_famille.planning.planning_setup import (  # noqa: F401 (fixtures)
    MONDAY,
    NOW,
    activities,
    children,
    enrolled,
    family,
    frozen_now,
    parent,
    text,
)
from tests.intents import intent_in
from tests.races import at_the_same_moment

pytestmark = pytest.mark.django_db
PLANNING = reverse("espace_famille:planning")
CONFIRM = reverse("espace_famille:planning_confirm")
LONG = reverse("espace_famille:planning_long", args=["reservations"])
ABSENCES = reverse("espace_famille:planning_long", args=["absences"])
ALREADY_DONE = "Cette demande est déjà enregistrée."


def day(child, activity):
    return {"enfant": child.pk, "activite": activity.pk, "jour": MONDAY.isoformat(), "vue": "semaine"}


def opened(client, query) -> dict:
    """The form as the confirmation page shows it: the day, and the page's intent."""
    page = client.get(CONFIRM, query)
    assert page.status_code == 200
    return {**query, "intent": intent_in(page)}


def test_a_booking_confirmed_twice_is_one_pending_booking_not_a_cancellation(
    client, parent, enrolled, activities, frozen_now
):
    leo, _ = enrolled
    _, evening = activities
    form = opened(client, day(leo, evening))
    first = client.post(CONFIRM, form)
    second = client.post(CONFIRM, form)

    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert Booking.objects.get().state == "pending"
    assert Request.objects.get().kind == RequestKind.BOOKING
    page = text(client.get(second["Location"]))
    assert ALREADY_DONE in page and "est annulée" not in page


def test_an_absence_confirmed_twice_is_one_absence(client, parent, enrolled, activities, frozen_now):
    leo, _ = enrolled
    morning, _ = activities
    Booking.objects.create(child=leo, activity=morning, day=MONDAY, state="booked", queued_at=NOW)
    form = opened(client, day(leo, morning))
    client.post(CONFIRM, form)
    client.post(CONFIRM, form)

    assert Booking.objects.get().state == "abs_pending"
    assert Request.objects.get().kind == RequestKind.ABSENCE


def test_back_then_enter_resends_the_same_form_and_changes_nothing(client, parent, enrolled, activities, frozen_now):
    leo, _ = enrolled
    _, evening = activities
    form = opened(client, day(leo, evening))
    back = client.post(CONFIRM, form)["Location"]
    assert "Réservation en attente" in text(client.get(back))

    again = client.post(CONFIRM, form)  # the browser's Back shows the form it had; Enter sends it again
    assert again.status_code == 302
    assert ALREADY_DONE in text(client.get(again["Location"]))
    assert Booking.objects.get().state == "pending" and Request.objects.count() == 1


def test_a_booking_page_left_open_in_a_second_tab_never_cancels(client, parent, enrolled, activities, frozen_now):
    leo, _ = enrolled
    _, evening = activities
    first_tab, second_tab = opened(client, day(leo, evening)), opened(client, day(leo, evening))
    client.post(CONFIRM, first_tab)
    response = client.post(CONFIRM, second_tab)  # it asked to book: the day is already pending

    assert Booking.objects.get().state == "pending" and Request.objects.count() == 1
    assert "Demande non enregistrée pour le lun. 19/11" in text(client.get(response["Location"]))


def test_a_form_without_its_intent_or_with_another_day_s_is_refused_beside_the_form(
    client, parent, enrolled, activities, frozen_now
):
    leo, maeva = enrolled
    _, evening = activities
    missing = client.post(CONFIRM, day(leo, evening))
    assert missing.status_code == 400
    assert "Cette page a expiré ou ne correspond pas à votre demande" in text(missing)
    elsewhere = client.post(CONFIRM, {**day(maeva, evening), "intent": opened(client, day(leo, evening))["intent"]})
    assert elsewhere.status_code == 400
    assert not Booking.objects.exists()
    fresh = {**day(leo, evening), "intent": intent_in(missing)}  # the refused page carries a new intent
    assert client.post(CONFIRM, fresh).status_code == 302
    assert Booking.objects.get().state == "pending"


def test_a_long_period_request_sent_twice_is_one_set_of_requests(client, parent, enrolled, activities, frozen_now):
    leo, maeva = enrolled
    _, evening = activities
    query = {"enfant": [leo.pk, maeva.pk], "activite": evening.pk}
    form = {**query, "start": "2018-11-19", "end": "2018-11-30", "weekdays": [0, 1], "intent": ""}
    form["intent"] = intent_in(client.get(LONG, query))
    first = client.post(LONG, form)
    assert first.status_code == 200 and Request.objects.count() == 2
    second = client.post(LONG, form)

    assert second.status_code == 302
    assert ALREADY_DONE in text(client.get(second["Location"]))
    assert Request.objects.count() == 2
    assert set(Booking.objects.values_list("state", flat=True)) == {"pending"}


def test_long_period_absences_sent_twice_are_declared_once(client, parent, enrolled, activities, frozen_now):
    leo, _ = enrolled
    morning, _ = activities
    Booking.objects.create(child=leo, activity=morning, day=MONDAY, state="booked", queued_at=NOW)
    query = {"enfant": [leo.pk], "activite": morning.pk}
    form = {**query, "start": "2018-11-19", "end": "2018-11-19", "weekdays": [0]}
    form["intent"] = intent_in(client.get(ABSENCES, query))
    client.post(ABSENCES, form)
    client.post(ABSENCES, form)
    assert Booking.objects.get().state == "abs_pending" and Request.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections racing need PostgreSQL")
def test_two_submissions_of_one_day_confirmation_at_the_same_moment_make_one_request(
    parent, enrolled, activities, frozen_now
):
    leo, _ = enrolled
    _, evening = activities
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.force_login(parent)
    form = opened(browsers[0], day(leo, evening))
    answers = []
    at_the_same_moment(*(lambda b=browser: answers.append(b.post(CONFIRM, form).status_code) for browser in browsers))

    assert answers == [302, 302]
    assert Request.objects.count() == 1
    assert Booking.objects.get().state == "pending"
