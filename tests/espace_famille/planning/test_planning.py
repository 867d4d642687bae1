"""«Planning»: the month and week views, the toggles, a day's confirmation, the selector's rules and queries."""
# ruff: noqa: F811 (the planning fixtures are imported, then named as test arguments)

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from commun.clock import PARIS
from espace_famille.demandes.models import Request, RequestKind
from espace_famille.planning import services
from espace_famille.planning.models import Booking, Closure
from espace_famille.planning.selectors import planning_grid
from espace_famille.planning.views.planning import period_title
from tests.commun import hostile
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
from tests.factories import ActivityFactory, ChildFactory, EnrolmentFactory
from tests.intents import intent_in

pytestmark = pytest.mark.django_db
PLANNING = reverse("espace_famille:planning")
CONFIRM = reverse("espace_famille:planning_confirm")


def cells(grid, day):
    return {(e.child.first_name, e.activity.name): e for e in next(d for d in grid.days if d.day == day).entries}


def confirm_query(child, activity, day, view="semaine"):
    return {"enfant": child.pk, "activite": activity.pk, "jour": day.isoformat(), "vue": view}


def confirm(client, query, **files):
    """Open the confirmation page of a cell, then press «Confirmer» (with a file, if given)."""
    page = client.get(CONFIRM, query)
    assert page.status_code == 200
    return client.post(CONFIRM, {**query, **files, "intent": intent_in(page)})


# --- The selector -----------------------------------------------------------------------------------------------


def test_the_grid_shows_enrolled_days_only_with_their_state_hours_and_action(family, enrolled, activities):
    leo, maeva = enrolled
    morning, evening = activities
    Booking.objects.create(child=leo, activity=morning, day=MONDAY, state="booked", queued_at=NOW)
    Booking.objects.create(child=maeva, activity=evening, day=MONDAY, state="pending", queued_at=NOW)
    grid = planning_grid(family=family, start=MONDAY, end=MONDAY + timedelta(days=6), now=NOW)

    monday = cells(grid, MONDAY)
    assert set(monday) == {("Léo", "1/Péri MATIN"), ("Léo", "4/Péri SOIR"), ("Maéva", "4/Péri SOIR")}
    assert monday[("Léo", "1/Péri MATIN")].hours == "07:35 - 08:20"
    assert monday[("Léo", "1/Péri MATIN")].state_label == "Réservé"
    assert monday[("Léo", "1/Péri MATIN")].action == "absence"
    assert monday[("Maéva", "4/Péri SOIR")].state_label == "Réservation en attente"
    assert monday[("Maéva", "4/Péri SOIR")].action == "cancellation"
    assert monday[("Léo", "4/Péri SOIR")].state_label == "Non réservé"
    assert monday[("Léo", "4/Péri SOIR")].action == "booking"
    # Thursday: Léo is not enrolled in the evening; Wednesday the activities do not run.
    assert set(cells(grid, MONDAY + timedelta(days=3))) == {("Léo", "1/Péri MATIN"), ("Maéva", "4/Péri SOIR")}
    assert cells(grid, MONDAY + timedelta(days=2)) == {}
    assert [child.colour for child in grid.children] == [0, 1]


def test_past_the_deadline_a_booking_is_not_offered_and_the_cell_says_why(family, enrolled, activities):
    leo, _ = enrolled
    # Sunday 18/11 at 12:01: Monday's deadline («la veille à 12:00») has passed, Tuesday's has not.
    now = datetime(2018, 11, 18, 12, 1, tzinfo=PARIS)
    grid = planning_grid(family=family, start=MONDAY, end=MONDAY + timedelta(days=1), now=now)
    late = cells(grid, MONDAY)[("Léo", "1/Péri MATIN")]
    assert late.action is None and late.reason == "Délai dépassé (la veille à 12:00)"
    assert cells(grid, MONDAY + timedelta(days=1))[("Léo", "1/Péri MATIN")].action == "booking"


def test_a_late_absence_is_offered_and_flagged_as_billed(family, enrolled, activities):
    leo, _ = enrolled
    morning, _ = activities
    Booking.objects.create(child=leo, activity=morning, day=MONDAY, state="booked", queued_at=NOW)
    now = datetime(2018, 11, 18, 13, 0, tzinfo=PARIS)
    entry = cells(planning_grid(family=family, start=MONDAY, end=MONDAY, now=now), MONDAY)[("Léo", "1/Péri MATIN")]
    assert entry.action == "absence" and entry.late is True


def test_closed_days_say_why(family, enrolled, activities):
    Closure.objects.create(label="Journée pédagogique", start_date=MONDAY, end_date=MONDAY)
    christmas = date(2018, 12, 25)
    grid = planning_grid(family=family, start=MONDAY, end=christmas, now=NOW)
    entry = cells(grid, MONDAY)[("Léo", "1/Péri MATIN")]
    assert entry.action is None and entry.reason == "Fermé (Journée pédagogique)"
    noel = next(d for d in grid.days if d.day == christmas)
    assert noel.holiday == "Noël"
    assert all(e.action is None and e.reason.startswith("Fermé (") for e in noel.entries)


def _large_family(family, n_children, n_activities, prefix="A"):
    acts = [ActivityFactory(code=f"{prefix}{i}", label=f"Activité {i}") for i in range(n_activities)]
    for c in range(n_children):
        child = ChildFactory(family=family, first_name=f"Enfant{c}")
        for activity in acts:
            EnrolmentFactory(child=child, activity=activity, start_date=date(2018, 9, 3), end_date=date(2019, 8, 31))
            Booking.objects.create(child=child, activity=activity, day=MONDAY, state="booked", queued_at=NOW)


def _count_queries(django_assert_max_num_queries, family):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_assert_max_num_queries(15), CaptureQueriesContext(connection) as captured:
        grid = planning_grid(family=family, start=date(2018, 11, 1), end=date(2018, 11, 30), now=NOW)
    return grid, len(captured)


def test_the_month_grid_reads_in_a_fixed_number_of_queries(django_assert_max_num_queries, family, site):
    _large_family(family, 3, 4)
    grid, big = _count_queries(django_assert_max_num_queries, family)
    assert sum(len(d.entries) for d in grid.days) == 3 * 4 * 18  # the 18 Mondays, Tuesdays, Thursdays and Fridays

    from tests.factories import FamilyFactory

    small = FamilyFactory(name="PETITE")
    _large_family(small, 1, 1, prefix="B")
    _, little = _count_queries(django_assert_max_num_queries, small)
    assert big == little


# --- The views --------------------------------------------------------------------------------------------------


def test_the_week_view_shows_the_guide_s_labels(client, parent, enrolled, frozen_now):
    page = text(client.get(PLANNING, {"vue": "semaine5", "date": "2018-11-21"}))
    assert "19 — 23 nov. 2018" in page
    for heading in ("lun. 19/11", "mar. 20/11", "mer. 21/11", "jeu. 22/11", "ven. 23/11"):
        assert heading in page
    assert "sam. 24/11" not in page
    assert "1/Péri MATIN" in page and "07:35 - 08:20" in page and "Non réservé" in page
    assert "Léo" in page and "Maéva" in page
    assert "Faire une demande sur une longue période" in page and "Rafraîchir" in page
    for label in ("Réservation en attente", "Absence facturée", "En liste d'attente"):
        assert label in page  # the legend

    week = text(client.get(PLANNING, {"vue": "semaine", "date": "2018-11-21"}))
    assert "19 — 25 nov. 2018" in week and "dim. 25/11" in week


def test_the_month_view_and_the_navigation(client, parent, enrolled, frozen_now):
    page = text(client.get(PLANNING, {"vue": "mois", "date": "2018-11-19"}))
    assert "novembre 2018" in page and "jeu. 01/11" in page and "ven. 30/11" in page
    assert "vue=mois&amp;date=2018-10-01" in page.replace("&", "&amp;").replace("&amp;amp;", "&amp;")
    assert "date=2018-12-01" in page
    today = text(client.get(PLANNING))
    assert "12 — 18 nov. 2018" in today  # the week of «today» (15/11/2018)
    assert "Aujourd'hui" in today


def test_the_toggles_hide_a_child_and_an_activity(client, parent, enrolled, activities, frozen_now):
    leo, maeva = enrolled
    morning, evening = activities
    page = text(
        client.get(
            PLANNING,
            {"vue": "semaine", "date": "2018-11-19", "filtre": "1", "enfant": [maeva.pk], "activite": [evening.pk]},
        )
    )
    assert f'data-child="{leo.pk}" data-activity="{morning.pk}" hidden' in page
    assert f'data-child="{maeva.pk}" data-activity="{evening.pk}">' in page
    assert f'id="toggle-child-{leo.pk}" data-toggle="child">' in page  # unchecked
    assert f'id="toggle-child-{maeva.pk}" data-toggle="child" checked>' in page


def test_a_click_on_a_free_day_asks_to_confirm_then_books(client, parent, enrolled, activities, frozen_now):
    leo, _ = enrolled
    _, evening = activities
    query = confirm_query(leo, evening, MONDAY)
    page = text(client.get(CONFIRM, query))
    assert "Confirmer la demande de réservation du lun. 19/11 pour Léo — 4/Péri SOIR ?" in page
    assert not Booking.objects.exists() and not Request.objects.exists()

    response = confirm(client, query)
    assert response.status_code == 302
    assert response["Location"] == f"{PLANNING}?vue=semaine&date=2018-11-19"
    booking = Booking.objects.get()
    assert (booking.child, booking.activity, booking.day, booking.state) == (leo, evening, MONDAY, "pending")
    request = Request.objects.get()
    assert request.kind == RequestKind.BOOKING and request.lines.count() == 1
    page = text(client.get(response["Location"]))
    assert (
        "Votre demande de réservation du lun. 19/11 pour Léo — 4/Péri SOIR est enregistrée : en cours d'instruction."
        in page
    )
    assert "Réservation en attente" in page


def test_a_pending_day_can_be_withdrawn(client, parent, family, enrolled, activities, frozen_now):
    leo, _ = enrolled
    _, evening = activities
    services.booking_request_submit(
        family=family, by=parent, children=[leo], activity=evening, kind="booking", days=[MONDAY]
    )
    query = confirm_query(leo, evening, MONDAY)
    assert "Confirmer l'annulation de la demande du lun. 19/11 pour Léo — 4/Péri SOIR ?" in text(
        client.get(CONFIRM, query)
    )
    confirm(client, query)
    assert Booking.objects.get().state == "cancelled"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (48.0, 50.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_an_absence_with_a_justification(client, parent, family, enrolled, activities, frozen_now):
    leo, _ = enrolled
    morning, _ = activities
    Booking.objects.create(child=leo, activity=morning, day=MONDAY, state="booked", queued_at=NOW)
    query = confirm_query(leo, morning, MONDAY)
    page = text(client.get(CONFIRM, query))
    assert "Confirmer la déclaration d'absence du lun. 19/11 pour Léo — 1/Péri MATIN ?" in page
    assert "sans justificatif est facturée" in page and 'enctype="multipart/form-data"' in page

    fake = SimpleUploadedFile("certificat.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = confirm(client, query, justification=fake)
    assert response.status_code == 400
    assert "Ce fichier n'est pas un PDF, JPEG ou PNG" in text(response)
    assert Booking.objects.get().state == "booked" and not Request.objects.exists()

    upload = SimpleUploadedFile("certificat médical Léo.pdf", hostile.pdf_bytes(), content_type="application/pdf")
    assert confirm(client, query, justification=upload).status_code == 302
    booking = Booking.objects.get()
    assert booking.state == "abs_pending" and booking.justified
    request = Request.objects.get()
    assert request.kind == RequestKind.ABSENCE
    assert request.justification.name.endswith(".pdf") and "Léo" not in request.justification.name


def test_an_absence_the_rules_accept_at_once_is_announced_as_accepted(client, parent, enrolled, activities, frozen_now):
    leo, _ = enrolled
    morning, _ = activities
    type(morning).objects.filter(pk=morning.pk).update(auto_accept=True)
    Booking.objects.create(child=leo, activity=morning, day=MONDAY, state="booked", queued_at=NOW)

    response = confirm(client, confirm_query(leo, morning, MONDAY))

    assert Request.objects.get().get_state_display() == "Acceptée"
    page = text(client.get(response["Location"]))
    assert "Votre déclaration d'absence du lun. 19/11 pour Léo — 1/Péri MATIN est enregistrée : acceptée." in page


def test_an_image_justification_is_accepted_and_a_big_one_refused(client, parent, enrolled, activities, frozen_now):
    leo, _ = enrolled
    morning, _ = activities
    Booking.objects.create(child=leo, activity=morning, day=MONDAY, state="booked", queued_at=NOW)
    query = confirm_query(leo, morning, MONDAY)
    big = SimpleUploadedFile("scan.pdf", hostile.pdf_bytes() + b"0" * (5 * 1024 * 1024), content_type="application/pdf")
    response = confirm(client, query, justification=big)
    assert response.status_code == 400 and "Le fichier dépasse 5 Mo" in text(response)
    image = SimpleUploadedFile("photo.png", _png(), content_type="image/png")
    assert confirm(client, query, justification=image).status_code == 302
    assert Request.objects.get().justification.name.endswith(".png")  # a scan keeps its format


def stored_justifications(family) -> list[str]:
    storage, folder = Request.justification.field.storage, f"justificatifs/{family.pk}"
    return storage.listdir(folder)[1] if storage.exists(folder) else []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (hostile.action_pdf("javascript"), "Ce PDF contient du contenu actif"),
        (hostile.hex_escaped_javascript_pdf(), "Ce PDF contient du contenu actif"),
        (hostile.action_pdf("open_action"), "Ce PDF contient du contenu actif"),
        (hostile.action_pdf("launch"), "Ce PDF contient du contenu actif"),
        (hostile.action_pdf("embedded_file"), "Ce PDF contient du contenu actif"),
        (hostile.encrypted_pdf(), "Ce PDF est protégé par un mot de passe"),
        (hostile.html_named_pdf(), "Ce PDF est illisible ou abîmé."),
        (hostile.big_png(), "L'image est trop grande (25 millions de pixels au plus)"),
    ],
)
def test_a_hostile_justification_is_refused_beside_the_field_and_nothing_is_stored(
    client, parent, family, enrolled, activities, frozen_now, data, message
):
    leo, _ = enrolled
    morning, _ = activities
    Booking.objects.create(child=leo, activity=morning, day=MONDAY, state="booked", queued_at=NOW)
    before = stored_justifications(family)
    upload = SimpleUploadedFile("certificat.pdf", data, content_type="application/pdf")
    response = confirm(client, confirm_query(leo, morning, MONDAY), justification=upload)
    assert response.status_code == 400
    page = text(response)
    assert message in page and 'id="id_justification_error"' in page
    assert Booking.objects.get().state == "booked" and not Request.objects.exists()
    assert stored_justifications(family) == before


def test_a_day_past_its_deadline_cannot_be_booked_by_url(client, parent, enrolled, activities, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: datetime(2018, 11, 18, 12, 1, tzinfo=PARIS))
    leo, _ = enrolled
    _, evening = activities
    response = client.post(CONFIRM, confirm_query(leo, evening, MONDAY))
    assert response.status_code == 302 and not Booking.objects.exists()
    assert "Délai dépassé (la veille à 12:00)" in text(client.get(response["Location"]))


def test_nothing_changes_on_get_and_the_post_needs_csrf(parent, enrolled, activities, frozen_now):
    from django.test import Client

    leo, _ = enrolled
    _, evening = activities
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(parent)
    assert strict.post(CONFIRM, confirm_query(leo, evening, MONDAY)).status_code == 403
    assert not Booking.objects.exists()


# --- Access -----------------------------------------------------------------------------------------------------


def test_another_family_s_child_gives_404(client, enrolled, activities, stranger, frozen_now):
    leo, _ = enrolled
    _, evening = activities
    client.force_login(stranger)
    assert client.get(CONFIRM, confirm_query(leo, evening, MONDAY)).status_code == 404
    assert client.post(CONFIRM, confirm_query(leo, evening, MONDAY)).status_code == 404
    assert not Booking.objects.exists()
    page = text(client.get(PLANNING, {"date": "2018-11-19"}))
    assert "Léo" not in page and "Péri SOIR" not in page


def test_anonymous_visitors_are_sent_to_login(client, enrolled, activities):
    leo, _ = enrolled
    _, evening = activities
    for url in (PLANNING, f"{CONFIRM}?enfant={leo.pk}&activite={evening.pk}&jour=2018-11-19"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url


def test_period_titles():
    assert period_title("semaine", date(2018, 11, 19), date(2018, 11, 25)) == "19 — 25 nov. 2018"
    assert period_title("semaine", date(2018, 10, 29), date(2018, 11, 4)) == "29 oct. — 4 nov. 2018"
    assert period_title("semaine", date(2018, 12, 31), date(2019, 1, 6)) == "31 déc. 2018 — 6 janv. 2019"
    assert period_title("mois", date(2018, 11, 1), date(2018, 11, 30)) == "novembre 2018"


def test_the_month_page_reads_in_the_same_number_of_queries_for_a_big_and_a_small_family(
    client, family, site, frozen_now
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.espace_famille.planning.planning_setup import subscribe
    from tests.factories import FamilyFactory

    _large_family(family, 3, 4)
    small = FamilyFactory(name="PETITE")
    _large_family(small, 1, 1, prefix="B")
    counts = []
    for each in (family, small):
        client.force_login(subscribe(each))
        client.get(PLANNING, {"vue": "mois", "date": "2018-11-19"})
        with CaptureQueriesContext(connection) as captured:
            page = text(client.get(PLANNING, {"vue": "mois", "date": "2018-11-19"}))
        assert "novembre 2018" in page
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_photo_justification_loses_its_metadata(client, parent, enrolled, activities, frozen_now):
    leo, _ = enrolled
    morning, _ = activities
    Booking.objects.create(child=leo, activity=morning, day=MONDAY, state="booked", queued_at=NOW)
    photo = SimpleUploadedFile("IMG_0001.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    assert Image.open(io.BytesIO(_jpeg_with_gps())).getexif()
    assert confirm(client, confirm_query(leo, morning, MONDAY), justification=photo).status_code == 302
    with Request.objects.get().justification.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert image.size == (40, 20) and not image.getexif()


def test_a_justification_keeps_no_comment_gps_position_or_camera(client, parent, enrolled, activities, frozen_now):
    leo, _ = enrolled
    morning, _ = activities
    Booking.objects.create(child=leo, activity=morning, day=MONDAY, state="booked", queued_at=NOW)
    photo = SimpleUploadedFile("IMG_0001.jpg", hostile.jpeg_with_secrets(), content_type="image/jpeg")
    assert confirm(client, confirm_query(leo, morning, MONDAY), justification=photo).status_code == 302
    with Request.objects.get().justification.open("rb") as stored:
        hostile.assert_bare(stored.read())


def test_a_late_absence_warns_that_it_will_be_billed(client, parent, enrolled, activities, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: datetime(2018, 11, 18, 18, 0, tzinfo=PARIS))
    leo, _ = enrolled
    morning, _ = activities
    Booking.objects.create(child=leo, activity=morning, day=MONDAY, state="booked", queued_at=NOW)
    page = text(client.get(CONFIRM, confirm_query(leo, morning, MONDAY)))
    assert "Le délai (la veille à 12:00) est dépassé : sans justificatif, cette absence sera facturée." in page


def test_holidays_and_closures_are_named_in_the_month(client, parent, enrolled, frozen_now):
    page = text(client.get(PLANNING, {"vue": "mois", "date": "2018-11-01"}))
    assert "Toussaint" in page and "Fermé (Toussaint)" in page and "Vacances de la Toussaint" in page
    assert "Armistice" in page


def test_an_activity_closed_to_requests_offers_nothing(family, enrolled, activities):
    morning, _ = activities
    morning.active = False
    morning.save()
    entry = cells(planning_grid(family=family, start=MONDAY, end=MONDAY, now=NOW), MONDAY)[("Léo", "1/Péri MATIN")]
    assert entry.action is None and entry.reason == "Activité fermée aux demandes"


def test_period_bounds_and_steps_cross_years():
    from espace_famille.planning.views.planning import _shift, period_bounds

    assert period_bounds("mois", date(2018, 12, 19)) == (date(2018, 12, 1), date(2018, 12, 31))
    assert period_bounds("semaine", date(2018, 11, 21)) == (date(2018, 11, 19), date(2018, 11, 25))
    assert period_bounds("semaine5", date(2018, 11, 25)) == (date(2018, 11, 19), date(2018, 11, 23))
    assert _shift("mois", date(2018, 12, 1), 1) == date(2019, 1, 1)
    assert _shift("mois", date(2019, 1, 1), -1) == date(2018, 12, 1)
    assert _shift("semaine", date(2018, 12, 31), 1) == date(2019, 1, 7)


def test_a_bad_date_or_view_falls_back_to_this_week(client, parent, enrolled, frozen_now):
    page = text(client.get(PLANNING, {"vue": "annee", "date": "2018-13-45"}))
    assert "12 — 18 nov. 2018" in page
