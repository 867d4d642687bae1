"""Long-period requests («Réservation d'activité»), «Planning / Liste» and the detail of a booking request."""
# ruff: noqa: F811 (the planning fixtures are imported, then named as test arguments)

import re
from datetime import date
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from espace_famille.demandes.models import Request, RequestKind
from espace_famille.planning import services
from espace_famille.planning.models import Booking, Closure
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
from tests.factories import service_instructor
from tests.intents import submit

pytestmark = pytest.mark.django_db
LONG = reverse("espace_famille:planning_long", args=["reservations"])
ABSENCES = reverse("espace_famille:planning_long", args=["absences"])
LIST = reverse("espace_famille:planning_list")


def period(children, activity, start, end, weekdays):
    return {
        "enfant": [c.pk for c in children],
        "activite": activity.pk,
        "start": start,
        "end": end,
        "weekdays": weekdays,
    }


def send(client, url, data):
    """Steps 1 and 2 answered in the address, then «Demander» on the page they show."""
    chosen = urlencode({"enfant": data["enfant"], "activite": data["activite"]}, doseq=True)
    return submit(client, url, data, page=f"{url}?{chosen}")


def test_the_form_goes_step_by_step_without_javascript(client, parent, enrolled, activities, frozen_now):
    leo, maeva = enrolled
    morning, evening = activities
    first = text(client.get(LONG))
    assert "Réservation d'activité" in first and "1. Sélectionnez un enfant" in first
    assert "Léo BLMAN" in first and "Maéva BLMAN" in first and "2. Sélectionnez une activité" not in first

    second = text(client.get(LONG, {"enfant": [maeva.pk]}))
    assert "2. Sélectionnez une activité" in second
    assert "4/Péri SOIR" in second and "1/Péri MATIN" not in second  # Maéva is enrolled in the evening only
    both = text(client.get(LONG, {"enfant": [leo.pk, maeva.pk]}))
    assert "1/Péri MATIN" in both and "4/Péri SOIR" in both

    third = text(client.get(LONG, {"enfant": [maeva.pk], "activite": evening.pk}))
    assert "3. Réservez" in third
    assert (
        "Les dates de réservation doivent être comprises dans la période de l'inscription (du 03/09/2018 au 31/08/2019)"
        in third
    )
    for label in ("lundi (16.30 - 18.30)", "mardi (16.30 - 18.30)", "jeudi (16.30 - 18.30)", ">Du<", ">Au<"):
        assert label in third
    assert "Demander" in third


def test_a_long_period_request_lists_requested_and_skipped_days(client, parent, enrolled, activities, frozen_now):
    leo, maeva = enrolled
    _, evening = activities
    Closure.objects.create(label="Journée pédagogique", start_date=date(2018, 11, 26), end_date=date(2018, 11, 26))
    Booking.objects.create(child=maeva, activity=evening, day=MONDAY, state="booked", queued_at=NOW)
    response = send(client, LONG, period([leo, maeva], evening, "2018-11-19", "2018-11-30", [0, 1]))
    assert response.status_code == 200
    page = text(response)
    assert "Jours demandés" in page and "Jours non demandés" in page
    assert "lun. 19/11/2018 — Léo" in page and "mar. 20/11/2018 — Maéva" in page
    assert "lun. 19/11/2018 — Maéva : déjà réservé ou demandé" in page
    assert "lun. 26/11/2018 — Léo : fermé (Journée pédagogique)" in page
    assert Request.objects.filter(kind=RequestKind.BOOKING).count() == 2
    assert Booking.objects.filter(state="pending").count() == 5  # Léo 19, 20, 27; Maéva 20, 27
    assert set(Booking.objects.filter(child=leo).values_list("day", flat=True)) == {
        date(2018, 11, 19),
        date(2018, 11, 20),
        date(2018, 11, 27),
    }


@pytest.mark.parametrize(
    "start, end, weekdays, field_error",
    [
        ("2018-11-30", "2018-11-19", [0], "La date de fin doit être postérieure ou égale à la date de début."),
        ("2018-08-20", "2018-11-19", [0], "Les dates de réservation doivent être comprises dans la période"),
        ("2018-11-19", "2019-09-30", [0], "Les dates de réservation doivent être comprises dans la période"),
        ("2018-11-19", "2018-11-30", [], "Cochez au moins un jour de la semaine."),
        ("", "2018-11-30", [0], "Indiquez la date de début."),
        ("2018-11-19", "2018-11-30", [2], "Ce jour ne fait pas partie des jours de l'activité."),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_nothing_is_saved(
    client, parent, enrolled, activities, frozen_now, start, end, weekdays, field_error
):
    leo, _ = enrolled
    _, evening = activities
    response = send(client, LONG, period([leo], evening, start, end, weekdays))
    assert response.status_code == 400
    page = text(response)
    assert field_error in page and 'class="errors"' in page
    assert not Request.objects.exists() and not Booking.objects.exists()


def test_a_post_without_a_valid_child_or_activity_is_refused(client, parent, enrolled, activities, frozen_now):
    _, evening = activities
    response = client.post(LONG, {"activite": evening.pk, "start": "2018-11-19", "end": "2018-11-30"})
    assert response.status_code == 400 and "Sélectionnez un enfant puis une activité" in text(response)
    assert not Request.objects.exists()


def test_absences_over_a_period_skip_the_days_not_booked(client, parent, enrolled, activities, frozen_now):
    leo, _ = enrolled
    morning, _ = activities
    Booking.objects.create(child=leo, activity=morning, day=MONDAY, state="booked", queued_at=NOW)
    page = text(client.get(ABSENCES, {"enfant": [leo.pk], "activite": morning.pk}))
    assert "3. Déclarez l'absence" in page
    response = send(client, ABSENCES, period([leo], morning, "2018-11-19", "2018-11-20", [0, 1]))
    page = text(response)
    assert "lun. 19/11/2018 — Léo" in page and "mar. 20/11/2018 — Léo : pas de réservation ce jour" in page
    assert Booking.objects.get().state == "abs_pending"
    assert Request.objects.get().kind == RequestKind.ABSENCE


def test_another_family_cannot_request_for_my_children(client, enrolled, activities, stranger, frozen_now):
    leo, _ = enrolled
    _, evening = activities
    client.force_login(stranger)
    assert "Léo" not in text(client.get(LONG, {"enfant": [leo.pk]}))
    response = client.post(LONG, period([leo], evening, "2018-11-19", "2018-11-30", [0]))
    assert response.status_code == 400 and not Request.objects.exists()


# --- «Planning / Liste» -------------------------------------------------------------------------------------------


def _ask(family, parent, children, activity, days, kind="booking"):
    return services.booking_request_submit(
        family=family, by=parent, children=children, activity=activity, kind=kind, days=days
    )


def test_the_list_shows_filters_and_paginates(client, parent, family, enrolled, activities, frozen_now):
    leo, maeva = enrolled
    morning, evening = activities
    _ask(family, parent, [leo], evening, [date(2019, 2, 4), date(2019, 3, 26)])
    for week in range(11):
        _ask(family, parent, [maeva], evening, [date(2018, 11, 19 + (week % 2))] if week < 2 else [])
    for day in (20, 22, 23, 26, 27, 29, 30):
        _ask(family, parent, [leo], morning, [date(2018, 11, day)])
    count = Request.objects.count()
    assert count == 10

    page = text(client.get(LIST))
    assert f"Liste ({count} Résultats)" in page and "1 sur 1" in page
    for column in ("Prénom", "Type demande", "Etablissement", "Activité", "Période", "État"):
        assert f">{column}</th>" in page
    assert "Ajout de réservation" in page and "Ecole Lux" in page and "du 04/02/2019 au 26/03/2019" in page
    assert "En cours d'instruction" in page

    _ask(family, parent, [leo], morning, [date(2018, 12, 3)])
    assert "1 sur 2" in text(client.get(LIST))
    assert "2 sur 2" in text(client.get(LIST, {"page": 2}))
    only_maeva = text(client.get(LIST, {"child": maeva.pk}))
    assert "Liste (2 Résultats)" in only_maeva and '<td data-label="Prénom">Léo</td>' not in only_maeva
    assert client.get(LIST, {"child": 999999}).status_code == 400


def test_the_list_reads_in_a_fixed_number_of_queries(
    client, parent, family, enrolled, activities, frozen_now, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    leo, maeva = enrolled
    _, evening = activities
    _ask(family, parent, [leo], evening, [MONDAY])
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for day in (20, 26, 27):
        _ask(family, parent, [leo, maeva], evening, [date(2018, 11, day)])
    with CaptureQueriesContext(connection) as many:
        client.get(LIST)
    assert len(few) == len(many)


def test_the_list_is_the_family_s_own(client, parent, family, enrolled, activities, stranger, frozen_now):
    leo, _ = enrolled
    _, evening = activities
    _ask(family, parent, [leo], evening, [MONDAY])
    client.force_login(stranger)
    assert "Liste (0 Résultats)" in text(client.get(LIST))


def test_anonymous_visitors_are_sent_to_login(client):
    for url in (LONG, ABSENCES, LIST):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url


# --- «Détail de ma demande» -------------------------------------------------------------------------------------


def test_the_detail_of_a_booking_request_shows_each_day_s_decision(
    client, parent, family, enrolled, activities, frozen_now
):
    leo, _ = enrolled
    _, evening = activities
    result = _ask(family, parent, [leo], evening, [MONDAY, date(2018, 11, 20)])
    request = result.requests[0]
    services.booking_request_decide(
        request=request, by=service_instructor(is_staff=True), accept=[MONDAY], refuse=[date(2018, 11, 20)]
    )
    page = text(client.get(reverse("espace_famille:request_detail", args=[request.pk])))
    for label in (
        "Date de début",
        "19/11/2018",
        "Date de fin",
        "20/11/2018",
        "Structure",
        "Ecole Lux",
        "Activité",
        "Raison",
    ):
        assert label in page
    assert "4/Péri SOIR" in page
    assert re.search(r'<th scope="row">lun\. 19/11/2018</th>.*?<td data-label="Décision">Accepté le ', page, re.S)
    assert re.search(r'<th scope="row">mar\. 20/11/2018</th>.*?<td data-label="Décision">Refusé le ', page, re.S)


def test_another_family_s_booking_request_gives_404(client, parent, family, enrolled, activities, stranger, frozen_now):
    leo, _ = enrolled
    _, evening = activities
    request = _ask(family, parent, [leo], evening, [MONDAY]).requests[0]
    client.force_login(stranger)
    assert client.get(reverse("espace_famille:request_detail", args=[request.pk])).status_code == 404


def test_a_single_child_in_a_single_activity_goes_straight_to_step_3(client, parent, family, children, activities):
    from tests.factories import EnrolmentFactory

    leo, _ = children
    _, evening = activities
    EnrolmentFactory(child=leo, activity=evening, start_date=date(2018, 9, 3), end_date=date(2019, 8, 31))
    page = text(client.get(LONG))
    assert "3. Réservez" in page and "4/Péri SOIR" in page and f'value="{leo.pk}" id="enfant-{leo.pk}" checked' in page
