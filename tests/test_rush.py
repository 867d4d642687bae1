"""`make rush` (bench/rush.py): its checks, figures and chart on small fixtures, so that the script does not rot.
The load itself is a benchmark, not part of the suite."""

from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image

from bench import rush_chart, rush_data
from bench.rush import figures

BOOKED, WAITING, PENDING, NONE = "booked", "waiting", "pending", "none"
HOLDS = {BOOKED}
MONDAY = date(2027, 7, 5)
T0 = datetime(2027, 3, 1, 12, tzinfo=UTC)


def _evaluate(bookings, history, requests, parents=(1, 2, 3), capacity=2):
    return {
        c.name: c
        for c in rush_data.evaluate(
            parents=list(parents),
            capacity=capacity,
            days=[MONDAY],
            bookings=bookings,
            history=history,
            requests=requests,
            holds=HOLDS,
            booked=BOOKED,
            waiting=WAITING,
        )
    }


def _at(seconds):
    return T0 + timedelta(seconds=seconds)


def test_a_rush_that_went_well_passes_every_check():
    bookings = [(1, MONDAY, BOOKED, _at(1), 10), (2, MONDAY, BOOKED, _at(2), 11), (3, MONDAY, WAITING, _at(3), 12)]
    history = [
        (MONDAY, 10, NONE, PENDING),
        (MONDAY, 10, PENDING, BOOKED),
        (MONDAY, 11, NONE, PENDING),
        (MONDAY, 11, PENDING, BOOKED),
        (MONDAY, 12, NONE, PENDING),
        (MONDAY, 12, PENDING, WAITING),
    ]
    checks = _evaluate(bookings, history, {1: 1, 2: 1, 3: 1})
    assert all(c.ok for c in checks.values()), checks
    assert checks["capacité jamais dépassée"].detail == "au plus 2 places tenues sur 2"


def test_a_place_held_for_a_moment_beyond_capacity_is_caught_even_if_freed_since():
    bookings = [(1, MONDAY, BOOKED, _at(1), 10), (2, MONDAY, BOOKED, _at(2), 11), (3, MONDAY, WAITING, _at(3), 12)]
    history = [
        (MONDAY, 10, PENDING, BOOKED),
        (MONDAY, 11, PENDING, BOOKED),
        (MONDAY, 12, PENDING, BOOKED),  # a third place on a day of two
        (MONDAY, 12, BOOKED, WAITING),
    ]
    checks = _evaluate(bookings, history, {1: 1, 2: 1, 3: 1})
    assert not checks["capacité jamais dépassée"].ok
    assert checks["capacité jamais dépassée"].detail == "au plus 3 places tenues sur 2"


def test_a_lost_or_doubled_request_is_caught():
    bookings = [(1, MONDAY, BOOKED, _at(1), 10), (2, MONDAY, BOOKED, _at(2), 11), (3, MONDAY, PENDING, _at(3), 12)]
    checks = _evaluate(bookings, [], {1: 2, 2: 1, 3: 1})
    check = checks["chaque demande enregistrée (réservée ou en liste d'attente, une seule)"]
    assert not check.ok
    assert check.detail == "1 parents sur 3 ; manquent par exemple les enfants [1, 3]"


def test_a_place_given_to_a_later_parent_than_one_left_waiting_is_caught():
    bookings = [(1, MONDAY, BOOKED, _at(1), 10), (2, MONDAY, WAITING, _at(2), 11), (3, MONDAY, BOOKED, _at(3), 12)]
    checks = _evaluate(bookings, [], {1: 1, 2: 1, 3: 1})
    assert not checks["liste d'attente dans l'ordre d'arrivée"].ok
    assert checks["liste d'attente dans l'ordre d'arrivée"].detail == (
        "1 réservations acceptées après un parent laissé en attente"
    )


def test_the_figures_count_5xx_and_failed_bookings_and_take_the_booking_p95():
    rows = [(float(i), "réservation (envoi)", float(i * 10), 200) for i in range(1, 21)]
    rows += [(21.0, "réservation (envoi)", 5.0, 502), (22.0, "planning (mois)", 40.0, 0)]
    seen = figures(rows)
    assert seen["booking"]["n"] == 21
    assert seen["booking"]["errors"] == 1
    assert seen["booking"]["p95"] == 190.0  # nearest rank: the 20th of 21
    assert seen["server_errors"] == 1
    assert seen["names"]["planning (mois)"]["errors"] == 1  # no answer at all (status 0)


def test_the_chart_has_a_point_per_window_and_is_written(tmp_path):
    rows = [(t / 2, "réservation (envoi)" if t % 2 else "planning (mois)", 100.0 + t, 200) for t in range(40)]
    points = rush_chart.series(rows, booking="réservation (envoi)")
    assert [p["t"] for p in points] == [0, 5, 10, 15]
    assert points[0]["rps"] == 2.0 and points[0]["bookings"] == 1.0
    rush_chart.draw(rows, tmp_path / "rush.png", booking="réservation (envoi)", opening=10)
    assert Image.open(tmp_path / "rush.png").size == (rush_chart.WIDTH, rush_chart.HEIGHT)


def test_the_camp_week_is_the_first_full_week_of_july_to_come():
    assert rush_data.camp_week(date(2027, 3, 1)) == (date(2027, 7, 5), date(2027, 7, 9))
    assert rush_data.camp_week(date(2026, 12, 4)) == (date(2027, 7, 5), date(2027, 7, 9))
    assert rush_data.camp_week(date(2027, 6, 15)) == (date(2028, 7, 3), date(2028, 7, 7))


@pytest.mark.django_db
def test_the_rush_data_booked_through_the_real_service_passes_the_database_checks(capsys):
    from espace_famille.comptes.models import User
    from espace_famille.dossier.models import Child
    from espace_famille.planning import services
    from espace_famille.planning.models import Activity, Booking

    info = rush_data.setup(parents=4, browsers=1)
    camp = Activity.objects.get(pk=info["activity"])
    camp.capacity = 2
    camp.save(update_fields=["capacity"])
    start, end = date.fromisoformat(info["start"]), date.fromisoformat(info["end"])
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    for number in range(4):
        user = User.objects.get(email=rush_data.BOOKER_EMAIL.format(number))
        child = Child.objects.get(family__subscriptions__user=user)
        services.booking_request_submit(
            family=child.family, by=user, children=[child], activity=camp, kind="booking", days=days
        )
    assert User.objects.get(email=rush_data.BROWSER_EMAIL.format(0)).check_password(rush_data.PASSWORD)
    checks = rush_data.report(parents=4)
    assert [(c.name, c.ok) for c in checks] == [
        ("capacité jamais dépassée", True),
        ("chaque demande enregistrée (réservée ou en liste d'attente, une seule)", True),
        ("liste d'attente dans l'ordre d'arrivée", True),
    ]
    assert Booking.objects.filter(activity=camp, day=start, state="booked").count() == 2
    assert '"figures": {"booked": 2, "waiting": 2}' in capsys.readouterr().out
    # Wagtail's reference index leaves requests alone: no task nor rows inside the activity's lock.
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    from espace_famille.demandes.models import Request

    assert Request.objects.filter(activity=camp).count() == 4
    assert not ReferenceIndex.objects.filter(content_type=ContentType.objects.get_for_model(Request)).exists()
