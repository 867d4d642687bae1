"""«Agenda» (vue=agenda): the planning of a week for a phone, as a parent reads it — the days that hold something
to see or do, each child's entries under the day, the past and closed days folded apart, the period links, «Aller
au» a date, and a click on an entry that books as the week's cells do."""
# ruff: noqa: F811 (the planning fixtures are imported, then named as test arguments)

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from espace_famille.planning.models import Booking, Closure
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
from tests.factories import ActivityFactory, ChildFactory, EnrolmentFactory
from tests.intents import intent_in

pytestmark = pytest.mark.django_db
PLANNING = reverse("espace_famille:planning")
CONFIRM = reverse("espace_famille:planning_confirm")
FOLDED = "Jours passés / fermés"
# The session, the account, the family, the menus, the planning grid's reads (the site and its settings come from
# the cache, Wagtail's bar and its permissions only on the site's pages).
QUERIES = 10


def agenda(client, day: str | None = None) -> str:
    response = client.get(PLANNING, {"vue": "agenda", **({"date": day} if day else {})})
    assert response.status_code == 200
    return text(response)


def parts(page: str) -> tuple[str, str]:
    """The days shown, and the folded ones (empty when nothing is folded)."""
    body = page[page.index('class="planning-agenda"') : page.index('class="planning-side')]
    shown, _, folded = body.partition("<details")
    return shown, folded


def day_section(page: str, heading: str) -> str:
    start = page.index(f">{heading}")
    return page[start : page.index("</section>", start)]


def test_the_week_shows_the_days_to_see_or_do_and_folds_the_past(client, parent, enrolled, activities, frozen_now):
    leo, maeva = enrolled
    morning, evening = activities
    # Today is Thursday 15/11/2018: Monday 12 is past, booked; Thursday's deadline (the day before at noon) is gone.
    Booking.objects.create(child=leo, activity=morning, day=date(2018, 11, 12), state="booked", queued_at=NOW)
    Booking.objects.create(child=maeva, activity=evening, day=date(2018, 11, 16), state="pending", queued_at=NOW)
    page = agenda(client)
    assert "12 — 18 nov. 2018" in page
    shown, folded = parts(page)
    assert "ven. 16/11" in shown and "Réservation en attente" in shown
    for past in ("lun. 12/11", "mar. 13/11"):
        assert past not in shown and past in folded
    assert f"<summary>{FOLDED} (3)</summary>" in folded
    assert 'lun. 12/11 <span class="agenda-note">— Passé</span>' in folded
    assert "Réservé" in day_section(folded, "lun. 12/11")
    # Thursday: nothing booked and nothing can be booked any more; it is folded with why.
    assert "jeu. 15/11" not in shown
    assert "— Délai dépassé (la veille à 12:00)" in day_section(folded, "jeu. 15/11")
    # A Wednesday and a weekend without any activity are not listed at all.
    for empty in ("mer. 14/11", "sam. 17/11", "dim. 18/11"):
        assert empty not in page


def test_a_closed_day_is_folded_with_its_reason(client, parent, enrolled, frozen_now):
    Closure.objects.create(label="Journée pédagogique", start_date=MONDAY, end_date=MONDAY)
    shown, folded = parts(agenda(client, "2018-11-19"))
    assert "lun. 19/11" not in shown and "mar. 20/11" in shown
    assert 'lun. 19/11 <span class="agenda-note">— Fermé (Journée pédagogique)</span>' in folded
    assert "Jours passés" in folded


def test_a_school_holiday_week_is_all_folded_and_says_there_is_nothing_to_do(client, parent, enrolled, frozen_now):
    page = agenda(client, "2018-12-26")  # the Christmas holidays: school-time activities do not run
    shown, folded = parts(page)
    assert "Rien à voir ni à réserver cette semaine." in shown
    assert 'mar. 25/12 <span class="agenda-note">— Noël</span>' in folded


def test_each_child_s_entries_are_grouped_under_the_day(client, parent, enrolled, activities, frozen_now):
    leo, maeva = enrolled
    morning, evening = activities
    page = agenda(client, "2018-11-19")
    monday = day_section(parts(page)[0], "lun. 19/11")
    names = [name for name in re.findall(r'<h4 class="agenda-child-name">.*?</span>(\w+)</h4>', monday)]
    assert names == ["Léo", "Maéva"]
    leo_part, maeva_part = monday.split("Maéva</h4>")
    assert "1/Péri MATIN" in leo_part and "4/Péri SOIR" in leo_part
    assert "1/Péri MATIN" not in maeva_part and "4/Péri SOIR" in maeva_part
    # The same cells as the week's: a click opens the confirmation, which brings the parent back to the agenda.
    href = f"{CONFIRM}?enfant={maeva.pk}&activite={evening.pk}&jour=2018-11-19&vue=agenda"
    assert f'href="{href}"' in maeva_part and "demander une réservation" in maeva_part
    # Thursday: Léo has no evening then; Maéva has.
    thursday = day_section(parts(page)[0], "jeu. 22/11")
    assert thursday.count("4/Péri SOIR") == 1 and "Maéva</h4>" in thursday


def test_booking_from_the_agenda_comes_back_to_the_agenda(client, parent, enrolled, activities, frozen_now):
    leo, _ = enrolled
    _, evening = activities
    query = {"enfant": leo.pk, "activite": evening.pk, "jour": "2018-11-20", "vue": "agenda"}
    confirmation = client.get(CONFIRM, query)
    assert "Confirmer la demande de réservation du mar. 20/11 pour Léo — 4/Péri SOIR ?" in text(confirmation)
    response = client.post(CONFIRM, {**query, "intent": intent_in(confirmation)})
    assert response["Location"] == f"{PLANNING}?vue=agenda&date=2018-11-20"
    assert Booking.objects.get(child=leo, activity=evening).state == "pending"
    tuesday = day_section(text(client.get(response["Location"])), "mar. 20/11")
    assert "Réservation en attente" in tuesday


def test_previous_and_next_move_a_week_and_keep_the_agenda(client, parent, enrolled, frozen_now):
    page = agenda(client, "2018-11-21")
    assert "19 — 25 nov. 2018" in page
    assert 'href="?vue=agenda&date=2018-11-12"' in page  # «Précédent»
    assert 'href="?vue=agenda&date=2018-11-26"' in page  # «Suivant»
    switcher = page[page.index('class="planning-views"') :]
    assert '<a href="?vue=mois&date=2018-11-21"' in switcher
    assert '<strong aria-current="true">Agenda</strong>' in switcher


def test_aller_au_a_date_opens_its_week_without_javascript(client, parent, enrolled, frozen_now):
    page = agenda(client)
    form = page[page.index('<form method="get" class="agenda-goto"') :]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="vue" value="agenda">' in form
    assert '<label for="agenda-date">Aller au</label>' in form
    assert 'type="date" id="agenda-date" name="date" value="2018-11-15"' in form
    assert "3 — 9 déc. 2018" in agenda(client, "2018-12-05")


@pytest.mark.parametrize("bad", ["31/02/2026", "2026-02-30", "demain", "9999-12-31", ""])
def test_aller_au_a_wrong_date_says_so_in_french_and_shows_this_week(client, parent, enrolled, frozen_now, bad):
    response = client.get(PLANNING, {"vue": "agenda", "date": bad})
    assert response.status_code == 200
    page = text(response)
    assert "12 — 18 nov. 2018" in page
    if bad:
        assert "La date demandée n'est pas une date du planning : voici la période en cours." in page


def test_the_week_view_offers_the_agenda_at_the_same_date(client, parent, enrolled, frozen_now):
    page = text(client.get(PLANNING, {"vue": "semaine", "date": "2019-01-23"}))
    assert '<a href="?vue=agenda&date=2019-01-23" data-keep-filters>Agenda</a>' in page
    # On a phone, the page opened without «vue» turns to the agenda through a script file (no inline script, CSP).
    assert re.search(r'<script src="[^"]*js/planning_agenda\.js">', page)


def test_an_anonymous_visitor_is_sent_to_the_login(client, site):
    response = client.get(PLANNING, {"vue": "agenda"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_another_family_sees_only_its_own_children(client, stranger, enrolled, frozen_now):
    client.force_login(stranger)
    page = agenda(client, "2018-11-19")
    assert "Léo" not in page and "Maéva" not in page


def _children(family, count: int, activities):
    for index in range(count):
        child = ChildFactory(family=family, first_name=f"Enfant{index}", birth_date=date(2012, 1, 1 + index))
        for activity in activities:
            EnrolmentFactory(child=child, activity=activity, weekdays=[0, 1, 2, 3, 4], **ENROLMENT)
            for offset in range(5):
                Booking.objects.create(
                    child=child, activity=activity, day=MONDAY + timedelta(days=offset), state="booked", queued_at=NOW
                )


def test_the_agenda_reads_in_a_fixed_number_of_queries(client, parent, family, frozen_now, django_assert_num_queries):
    activities = [ActivityFactory(code=f"A{i}", label=f"Activité {i}", weekdays=[0, 1, 2, 3, 4]) for i in range(4)]
    _children(family, 1, activities[:1])
    client.get(PLANNING, {"vue": "agenda", "date": "2018-11-19"})  # the session and the site's settings cached
    with django_assert_num_queries(QUERIES):
        small = agenda(client, "2018-11-19")
    _children(family, 4, activities)
    with django_assert_num_queries(QUERIES):
        large = agenda(client, "2018-11-19")
    assert small.count("agenda-child-name") == 5 and large.count("agenda-child-name") == 5 * 5


def test_the_side_folds_the_toggles_and_leaves_out_the_legend(client, parent, enrolled, frozen_now):
    page = agenda(client, "2018-11-19")
    side = page[page.index('class="planning-side') :]
    assert "<summary>Enfants et activités affichés</summary>" in side
    assert "data-planning-toggles" in side  # the same toggles as the week's, folded
    assert "Légende" not in page  # each entry says its state in words
    assert "Faire une demande sur une longue période" in side and "Légende" in text(client.get(PLANNING))


def test_a_week_gone_by_shows_its_booked_days(client, parent, enrolled, activities, frozen_now):
    leo, _ = enrolled
    morning, _ = activities
    Booking.objects.create(child=leo, activity=morning, day=date(2018, 11, 6), state="booked", queued_at=NOW)
    shown, folded = parts(agenda(client, "2018-11-05"))  # «Précédent» from this week, and once more
    assert "mar. 06/11" in shown and "Réservé" in day_section(shown, "mar. 06/11")
    assert "lun. 05/11" in folded and "lun. 05/11" not in shown
