"""«Ajouter au panier»: days ticked on the planning, their récapitulatif, one confirmation and one e-mail."""
# ruff: noqa: F811 (the planning fixtures are imported, then named as test arguments)

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from espace_famille.demandes.models import Request
from espace_famille.planning import rules
from espace_famille.planning.models import ActivityPrice, Booking, Closure
from notifications.models import OutboxMessage
from tests.espace_famille.planning.planning_setup import (  # noqa: F401 (fixtures)
    ENROLMENT,
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
from tests.factories import ChildFactory, EnrolmentFactory, FamilyFactory
from tests.intents import intent_in
from tests.races import at_the_same_moment

pytestmark = pytest.mark.django_db
PLANNING = reverse("espace_famille:planning")
BASKET = reverse("espace_famille:planning_basket")
RESULT = reverse("espace_famille:planning_basket_result")
TUESDAY, THURSDAY = MONDAY + timedelta(days=1), MONDAY + timedelta(days=3)
D = Decimal
# The page's own reads (children, activities with slots and prices, enrolments, bookings, places, closures) and
# the session and account every page of the family space reads (the site and its settings come from the cache).
BASKET_QUERIES = 13


def tick(child, activity, day) -> str:
    return f"{child.pk}:{activity.pk}:{day.isoformat()}"


def confirm(client, ticks):
    """Open the basket as «Voir le panier» does, then «Confirmer» with the page's intent."""
    page = client.get(BASKET, {"panier": ticks})
    assert page.status_code == 200
    return client.post(BASKET, {"panier": ticks, "intent": intent_in(page)})


def basket_emails():
    return OutboxMessage.objects.filter(kind="basket_received")


# Pure rules -----------------------------------------------------------------------------------------------------


def test_the_outcome_of_a_ticked_day_follows_the_activity_and_its_places():
    assert rules.basket_outcome(problem="", auto_accept=True, holding=0, capacity=None, waiting=0)[:2] == (
        "booked",
        "Réservé directement",
    )
    assert rules.basket_outcome(problem="", auto_accept=True, holding=3, capacity=3, waiting=1) == (
        "waiting",
        "Liste d'attente, rang 2",
        2,
    )
    # Two places free but three children waiting: the third's place goes, this child is fourth... second in line.
    assert rules.basket_outcome(problem="", auto_accept=True, holding=1, capacity=3, waiting=3)[2] == 2
    assert rules.basket_outcome(problem="", auto_accept=False, holding=0, capacity=3, waiting=0)[0] == "request"
    full = rules.basket_outcome(problem="", auto_accept=False, holding=3, capacity=3, waiting=0)[1]
    assert "liste d'attente si elle est acceptée" in full
    assert rules.basket_outcome(problem="fermé (Noël)", auto_accept=True, holding=0, capacity=None, waiting=0)[1] == (
        "Refusé : fermé (Noël)"
    )


# The planning's ticks -------------------------------------------------------------------------------------------


def test_each_bookable_cell_has_a_tick_naming_child_activity_and_day_in_one_form_to_the_basket(
    client, parent, enrolled, activities, frozen_now
):
    leo, maeva = enrolled
    morning, evening = activities
    Booking.objects.create(child=leo, activity=morning, day=MONDAY, state="booked", queued_at=NOW)
    page = text(client.get(PLANNING, {"date": MONDAY.isoformat()}))

    assert f'<form method="get" action="{BASKET}"' in page and "Voir le panier" in page
    assert f'value="{tick(maeva, evening, MONDAY)}"' in page
    assert 'Ajouter au panier</span><span class="visually-hidden"> : Maéva, 4/Péri SOIR, lun. 19/11' in page
    assert f'value="{tick(leo, morning, MONDAY)}"' not in page  # booked: an absence, not a booking
    assert f'value="{tick(leo, evening, THURSDAY)}"' not in page  # not enrolled on Thursdays


def test_the_template_include_writes_the_grid_s_tick(enrolled, activities, frozen_now, family):
    from django.template.loader import render_to_string

    from espace_famille.planning import basket
    from espace_famille.planning.selectors import planning_grid

    grid = planning_grid(family=family, start=MONDAY, end=MONDAY, now=NOW)
    entry = grid.days[0].entries[0]
    rendered = render_to_string("espace_famille/includes/_basket_tick.html", {"entry": entry}).strip()
    assert rendered.endswith(basket.tick_for(entry))


# The récapitulatif ----------------------------------------------------------------------------------------------


def test_the_basket_shows_each_day_its_price_by_quotient_its_deadline_and_the_total(
    client, parent, family, enrolled, activities, frozen_now
):
    leo, maeva = enrolled
    _, evening = activities
    family.quotient = 600
    family.save()
    ActivityPrice.objects.create(activity=evening, quotient_max=500, amount=D("1.20"))
    ActivityPrice.objects.create(activity=evening, quotient_max=1000, amount=D("1.80"))
    ActivityPrice.objects.create(activity=evening, quotient_max=None, amount=D("2.40"))
    ticks = [tick(leo, evening, MONDAY), tick(maeva, evening, MONDAY), tick(maeva, evening, THURSDAY)]
    response = client.get(BASKET, {"panier": ticks})
    page = text(response)

    assert response.status_code == 200 and "Récapitulatif (3 jours)" in page
    assert page.count("1,80\u00a0€") == 3 and "Total : 5,40\u00a0€" in page
    assert "Modifiable jusqu'au dimanche 18/11/2018 à 12:00" in page
    assert "Modifiable jusqu'au mercredi 21/11/2018 à 12:00" in page
    assert page.count("Demande transmise au service, qui la validera") == 3
    assert not Booking.objects.exists() and not Request.objects.exists()  # a GET changes nothing


def test_the_basket_says_which_days_will_be_refused_and_why(client, parent, enrolled, activities, frozen_now):
    leo, maeva = enrolled
    morning, evening = activities
    Closure.objects.create(label="Journée pédagogique", start_date=TUESDAY, end_date=TUESDAY)
    ticks = [
        tick(leo, evening, TUESDAY),  # closed
        tick(maeva, morning, MONDAY),  # Maéva is not enrolled in the morning
        tick(leo, morning, date(2018, 11, 15)),  # today, past the deadline
        tick(leo, evening, MONDAY),  # fine
    ]
    page = text(client.get(BASKET, {"panier": ticks}))

    assert "Refusé : fermé (Journée pédagogique)" in page
    assert "Refusé : hors de la période d'inscription" in page
    assert "Refusé : délai dépassé : réservation possible jusqu'à la veille à 12:00 (le 14/11/2018 à 12:00)" in page
    assert "Total : 2,10\u00a0€" in page  # only the day that can be asked


def test_a_full_day_of_an_automatic_activity_goes_to_the_waiting_list_with_its_rank(
    client, parent, enrolled, activities, frozen_now
):
    leo, maeva = enrolled
    _, evening = activities
    evening.auto_accept, evening.capacity = True, 1
    evening.save()
    others = FamilyFactory(name="VOISIN")
    first, second = ChildFactory(family=others), ChildFactory(family=others)
    for child in (first, second):
        EnrolmentFactory(child=child, activity=evening, weekdays=[0, 1, 3, 4], **ENROLMENT)
    Booking.objects.create(child=first, activity=evening, day=MONDAY, state="booked", queued_at=NOW)
    Booking.objects.create(child=second, activity=evening, day=MONDAY, state="waiting", queued_at=NOW)
    ticks = [tick(leo, evening, MONDAY), tick(maeva, evening, MONDAY), tick(maeva, evening, THURSDAY)]
    page = text(client.get(BASKET, {"panier": ticks}))
    assert "Liste d'attente, rang 2" in page and "Liste d'attente, rang 3" in page
    assert "Réservé directement" in page

    result = text(client.get(confirm(client, ticks)["Location"]))
    assert "Liste d'attente, rang 2" in result and "Liste d'attente, rang 3" in result and "Réservé" in result
    assert Booking.objects.get(child=maeva, day=THURSDAY).state == "booked"
    assert set(Booking.objects.filter(day=MONDAY, child__family__name="BLMAN").values_list("state", flat=True)) == {
        "waiting"
    }
    assert Booking.objects.filter(activity=evening, day=MONDAY, state__in=rules.HOLDS_A_PLACE).count() == 1


# The confirmation -----------------------------------------------------------------------------------------------


def test_confirming_asks_every_day_at_once_and_sends_one_acknowledgement(
    client, parent, enrolled, activities, frozen_now, mailoutbox
):
    leo, maeva = enrolled
    morning, evening = activities
    ticks = [tick(leo, morning, MONDAY), tick(leo, evening, MONDAY), tick(maeva, evening, THURSDAY)]
    response = confirm(client, ticks)

    assert response.status_code == 302 and response["Location"] == RESULT
    page = text(client.get(RESULT))
    assert "Résultat" in page and page.count("Demande transmise au service (en attente de validation)") == 3
    assert set(Booking.objects.values_list("state", flat=True)) == {"pending"} and Booking.objects.count() == 3
    assert Request.objects.count() == 3  # one per child and activity, as «Mes demandes» lists them
    assert OutboxMessage.objects.count() == 1  # no per-day acknowledgement
    email = basket_emails().get()
    assert email.to_email == parent.email and "Votre panier de 3 jours validé le 15/11/2018 à 10:00" in email.body_text
    assert "19/11/2018\t07:35\t1/Péri MATIN\tLéo\t2,10\u00a0€" in email.body_text


def test_the_acknowledgement_is_the_one_the_municipality_wrote_in_wagtail(
    client, parent, enrolled, activities, frozen_now
):
    from notifications.models import EmailTemplate

    leo, _ = enrolled
    _, evening = activities
    EmailTemplate.objects.update_or_create(
        kind="basket_received",
        defaults={
            "subject": "Mairie : votre panier",
            "body": "Bonjour {{ prenom }},\n\n{{ annonce }}\n\n{{ tableau }}\n\nÀ bientôt à l'accueil périscolaire.",
        },
    )
    confirm(client, [tick(leo, evening, MONDAY)])

    email = basket_emails().get()
    assert email.subject == "Mairie : votre panier"
    assert "Votre panier de 1 jour validé le 15/11/2018 à 10:00" in email.body_text
    assert "À bientôt à l'accueil périscolaire." in email.body_text


def test_a_basket_submitted_twice_books_once_shows_the_same_result_and_sends_one_email(
    client, parent, enrolled, activities, frozen_now
):
    leo, maeva = enrolled
    _, evening = activities
    ticks = [tick(leo, evening, MONDAY), tick(maeva, evening, MONDAY)]
    page = client.get(BASKET, {"panier": ticks})
    form = {"panier": ticks, "intent": intent_in(page)}
    first = client.post(BASKET, form)
    first_page = text(client.get(first["Location"]))
    second = client.post(BASKET, form)

    assert second.status_code == 302 and second["Location"] == first["Location"]
    second_page = text(client.get(second["Location"]))
    assert "Cette demande est déjà enregistrée." in second_page
    assert first_page.split("<h1>")[1].split("</table>")[0] == second_page.split("<h1>")[1].split("</table>")[0]
    assert Booking.objects.count() == 2 and Request.objects.count() == 2 and basket_emails().count() == 1


def test_a_basket_without_its_intent_is_refused_and_writes_nothing(client, parent, enrolled, activities, frozen_now):
    leo, _ = enrolled
    _, evening = activities
    response = client.post(BASKET, {"panier": [tick(leo, evening, MONDAY)]})
    assert response.status_code == 400 and "Cette page a expiré" in text(response)
    assert not Booking.objects.exists() and not OutboxMessage.objects.exists()


def test_another_family_s_child_is_not_found_and_nothing_is_written(
    client, parent, enrolled, activities, frozen_now, stranger
):
    leo, _ = enrolled
    _, evening = activities
    zoe = stranger.subscriptions.get().family.children.get()
    EnrolmentFactory(child=zoe, activity=evening, weekdays=[0, 1, 3, 4], **ENROLMENT)
    ticks = [tick(leo, evening, MONDAY), tick(zoe, evening, MONDAY)]
    assert client.get(BASKET, {"panier": ticks}).status_code == 404
    own = client.get(BASKET, {"panier": [tick(leo, evening, MONDAY)]})
    forged = client.post(BASKET, {"panier": ticks, "intent": intent_in(own)})

    assert forged.status_code in (400, 404)
    assert not Booking.objects.exists() and not Request.objects.exists() and not OutboxMessage.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_login(client, enrolled, activities):
    leo, _ = enrolled
    _, evening = activities
    for url in (BASKET, RESULT):
        response = client.get(url, {"panier": [tick(leo, evening, MONDAY)]})
        assert response.status_code == 302 and "connexion" in response["Location"] or "login" in response["Location"]
    assert client.post(BASKET, {"panier": [tick(leo, evening, MONDAY)]}).status_code == 302
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "value",
    ["abc", "1:2", "1:2:3:4", "0:1:2018-11-19", "99999999999999999999:1:2018-11-19", "1:1:2018-02-30", "<x>" * 50],
)
def test_a_forged_tick_is_left_out_and_said_and_refused_on_confirmation(
    client, parent, enrolled, activities, frozen_now, value
):
    leo, _ = enrolled
    _, evening = activities
    ticks = [tick(leo, evening, MONDAY), value]
    response = client.get(BASKET, {"panier": ticks})
    page = text(response)
    assert response.status_code == 200 and "Une case illisible du panier a été ignorée" in page
    assert "Récapitulatif (1 jour)" in page
    posted = client.post(BASKET, {"panier": ticks, "intent": intent_in(response)})
    assert posted.status_code == 400 and "Le panier contient une case illisible" in text(posted)
    assert not Booking.objects.exists()


def test_hostile_baskets_never_give_a_server_error(client, parent, enrolled, activities, frozen_now):
    leo, _ = enrolled
    _, evening = activities
    too_many = [tick(leo, evening, MONDAY + timedelta(days=n)) for n in range(150)]
    response = client.get(BASKET, {"panier": too_many})
    assert response.status_code == 400 and "au plus 100 jours" in text(response)
    far = client.get(BASKET, {"panier": [f"{leo.pk}:{evening.pk}:2199-12-31", f"{leo.pk}:{evening.pk}:1900-01-01"]})
    assert far.status_code == 200 and "Refusé" in text(far)
    assert client.get(BASKET, {"panier": [f"{leo.pk}:{2**62}:2018-11-19"]}).status_code == 404
    assert client.get(BASKET).status_code == 200 and "Votre panier est vide" in text(client.get(BASKET))
    assert client.post(BASKET, {"intent": "x"}).status_code == 400
    nothing = client.get(RESULT)
    assert nothing.status_code == 200 and "Aucun panier n'a été confirmé récemment" in text(nothing)


def test_the_basket_reads_with_the_same_number_of_queries_whatever_its_number_of_days(
    client, parent, enrolled, activities, frozen_now, django_assert_num_queries
):
    leo, maeva = enrolled
    morning, evening = activities
    ActivityPrice.objects.create(activity=evening, quotient_max=None, amount=D("2.40"))
    one = [tick(leo, evening, MONDAY)]
    many = [
        tick(child, activity, MONDAY + timedelta(days=n))
        for n in range(0, 28)
        for child, activity in ((leo, morning), (leo, evening), (maeva, evening))
    ]
    client.get(BASKET, {"panier": one})  # the session and the site's settings, read once
    counts = []
    for ticks in (one, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(BASKET, {"panier": ticks}).status_code == 200
        counts.append(len(queries))
    assert counts == [BASKET_QUERIES, BASKET_QUERIES]
    with django_assert_num_queries(BASKET_QUERIES):
        client.get(BASKET, {"panier": many[:40]})


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections racing need PostgreSQL")
def test_two_baskets_taking_the_last_place_at_the_same_moment_never_exceed_the_capacity(
    parent, enrolled, activities, frozen_now
):
    from tests.espace_famille.planning.planning_setup import subscribe

    leo, maeva = enrolled
    _, evening = activities
    evening.auto_accept, evening.capacity = True, 1
    evening.save()
    others = FamilyFactory(name="VOISIN")
    neighbour = ChildFactory(family=others, first_name="Noé")
    EnrolmentFactory(child=neighbour, activity=evening, weekdays=[0, 1, 3, 4], **ENROLMENT)
    browsers = []
    for user, child in ((parent, leo), (subscribe(others), neighbour)):
        browser = Client()
        browser.force_login(user)
        ticks = [tick(child, evening, MONDAY)]
        page = browser.get(BASKET, {"panier": ticks})
        assert "Réservé directement" in text(page)
        browsers.append((browser, {"panier": ticks, "intent": intent_in(page)}))
    answers = []
    at_the_same_moment(*(lambda b=b, f=f: answers.append(b.post(BASKET, f).status_code) for b, f in browsers))

    assert answers == [302, 302]
    states = sorted(Booking.objects.filter(activity=evening, day=MONDAY).values_list("state", flat=True))
    assert states == ["booked", "waiting"]
    assert basket_emails().count() == 2


def test_the_basket_service_refuses_a_parent_of_another_family_and_writes_nothing(
    family, enrolled, activities, frozen_now, stranger
):
    from django.core.exceptions import PermissionDenied

    from espace_famille.planning import basket

    leo, _ = enrolled
    _, evening = activities
    with pytest.raises(PermissionDenied):
        basket.basket_confirm(family=family, by=stranger, items=[(leo.pk, evening.pk, MONDAY)], key="x" * 32)
    assert not Booking.objects.exists() and not Request.objects.exists() and not OutboxMessage.objects.exists()
