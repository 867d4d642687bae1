"""The private calendar feed: the family's expected days as iCalendar at a secret, renewable address."""
# ruff: noqa: F811 (the planning fixtures are imported, then named as test arguments)

import logging
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from commun.clock import PARIS
from espace_famille.dossier.models import Subscription
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
    stranger,
    text,
)

pytestmark = pytest.mark.django_db
PAGE = reverse("espace_famille:calendar")
RENEW = reverse("espace_famille:calendar_renew")


def feed_path(token):
    return reverse("espace_famille:calendar_feed", args=[token])


def token_of(user):
    return Subscription.objects.get(user=user).calendar_token


def test_the_page_creates_then_renews_the_address(client, parent, enrolled, frozen_now):
    page = text(client.get(PAGE))
    assert "Calendrier sur mon téléphone" in page and "Créer l'adresse" in page
    assert token_of(parent) is None  # nothing is written on GET

    client.post(RENEW)
    first = token_of(parent)
    assert len(first) >= 43
    page = text(client.get(PAGE))
    assert f"http://testserver{feed_path(first)}" in page and "Renouveler l'adresse" in page

    client.post(RENEW)
    second = token_of(parent)
    assert second != first
    assert client.get(feed_path(first)).status_code == 404
    assert client.get(feed_path(second)).status_code == 200


def test_the_feed_lists_the_expected_days_and_nothing_else(client, parent, family, enrolled, activities, frozen_now):
    leo, maeva = enrolled
    morning, evening = activities
    for child, activity, day, state in [
        (leo, morning, MONDAY, "booked"),
        (maeva, evening, MONDAY, "abs_pending"),
        (leo, evening, date(2018, 11, 20), "abs_refused"),
        (maeva, evening, date(2018, 11, 20), "pending"),
        (leo, morning, date(2018, 11, 22), "absent"),
    ]:
        Booking.objects.create(child=child, activity=activity, day=day, state=state, queued_at=NOW)
    client.post(RENEW)
    client.logout()

    response = client.get(feed_path(token_of(parent)))  # no login: the token is the secret
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "private" in response["Cache-Control"]
    events = Calendar.from_ical(response.content).walk("VEVENT")
    seen = {(str(e["summary"]), e.decoded("dtstart")) for e in events}
    assert seen == {
        ("Léo — 1/Péri MATIN", datetime(2018, 11, 19, 7, 35, tzinfo=PARIS)),
        ("Maéva — 4/Péri SOIR", datetime(2018, 11, 19, 16, 30, tzinfo=PARIS)),
        ("Léo — 4/Péri SOIR", datetime(2018, 11, 20, 16, 30, tzinfo=PARIS)),
    }
    first = next(e for e in events if str(e["summary"]) == "Léo — 1/Péri MATIN")
    assert first.decoded("dtend") == datetime(2018, 11, 19, 8, 20, tzinfo=PARIS)
    assert str(first["location"]) == "Ecole Lux" and str(first["description"]) == "Réservé"


def test_the_feed_describes_the_time_zone_of_its_times(client, parent, enrolled, activities, frozen_now):
    """RFC 5545: a time with TZID=Europe/Paris needs the feed's VTIMEZONE of that name; winter and summer times
    read back at +01:00 and +02:00 from it alone."""
    leo, _ = enrolled
    morning, _ = activities
    summer = date(2019, 6, 17)
    for day in (MONDAY, summer):
        Booking.objects.create(child=leo, activity=morning, day=day, state="booked", queued_at=NOW)
    client.post(RENEW)

    body = client.get(feed_path(token_of(parent))).content.decode()
    events = body.split("BEGIN:VEVENT")[1:]
    timed = [line for event in events for line in event.splitlines() if line.startswith(("DTSTART", "DTEND"))]
    assert len(timed) == 4 and all(line.split(":")[0].endswith(";TZID=Europe/Paris") for line in timed)
    [zone] = Calendar.from_ical(body).walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Paris"
    described = zone.to_tz(lookup_tzid=False)
    assert datetime(2018, 11, 19, 7, 35, tzinfo=described).utcoffset() == timedelta(hours=1)
    assert datetime(2019, 6, 17, 7, 35, tzinfo=described).utcoffset() == timedelta(hours=2)


def test_an_unknown_token_is_a_404_that_is_never_logged(client, caplog):
    with caplog.at_level(logging.DEBUG):
        response = client.get(feed_path("inconnu-" + "x" * 40))
    assert response.status_code == 404
    assert "inconnu-" not in caplog.text


def test_the_feed_of_another_family_is_not_reachable_with_my_token(client, parent, stranger, enrolled, frozen_now):
    leo, _ = enrolled
    client.post(RENEW)
    client.force_login(stranger)
    client.post(RENEW)
    assert token_of(stranger) != token_of(parent)
    feed = client.get(feed_path(token_of(stranger)))
    assert "Léo" not in feed.content.decode()


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    response = client.post(RENEW)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not Subscription.objects.filter(calendar_token__isnull=False).exists()


def test_renewing_needs_a_post(client, parent):
    assert client.get(RENEW).status_code == 405
