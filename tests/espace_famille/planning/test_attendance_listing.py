"""«Pointages» in the admin: every mark of the attendance register, read-only, filtered, searched, and exported with
the listing's filters; each day opens its day sheet, each family its «Fiche famille»."""

import re
from datetime import date, datetime
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from commun.clock import PARIS
from commun.listing_exports import EXPORT_ACTION
from espace_famille.comptes.permissions import COMMUNICATION, INSTRUCTORS
from espace_famille.dossier.family_page import family_url
from espace_famille.planning import attendance
from espace_famille.planning import services as planning_services
from espace_famille.planning.attendance import Mark
from espace_famille.planning.models import Attendance, AttendanceStatus
from tests.exports import assert_refused, csv_rows, export_queries, xlsx_sheet
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

POINTAGES = "/admin/pointages/"
MONDAY, TUESDAY = date(2026, 11, 16), date(2026, 11, 17)
ASKED = datetime(2026, 11, 10, 9, 0, tzinfo=PARIS)
MARKED = datetime(2026, 11, 17, 18, 5, tzinfo=PARIS)


def text(response) -> str:
    return unescape(response.content.decode())


def staff(group_name, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(role(group_name))
    return user


@pytest.fixture
def instructor(client, site):
    user = staff(
        INSTRUCTORS, email="instructeur@example.org", civility="Mme", first_name="Inès", last_name="Structrice"
    )
    client.force_login(user)
    return user


def enrolled(activity, family_name, first_name):
    child = ChildFactory(family=FamilyFactory(name=family_name), first_name=first_name, allergies="Arachide")
    EnrolmentFactory(child=child, activity=activity)
    return child


def book(child, activity, days):
    """Asked by the parent, accepted by the service: the real services."""
    request = planning_services.booking_request_submit(
        family=child.family,
        by=family_parent(child.family),
        children=[child],
        activity=activity,
        kind="booking",
        days=days,
        now=ASKED,
    ).requests[0]
    planning_services.booking_requests_bulk_decide(requests=[request.pk], by=service_instructor(), accept=True)


def mark(activity, day, child, status, note="", *, by):
    attendance.attendance_mark(activity=activity, day=day, marks=[Mark(child.pk, status, note)], by=by, now=MARKED)


@pytest.fixture
def register(instructor):
    """Léo BLMAN at the Ecole Lux's Péri SOIR, present on Monday, absent with a certificate on Tuesday; Zoé MARTIN at
    the accueil de loisirs, come without a booking on Monday. Marked on the day sheet's service by the instructor."""
    evening = ActivityFactory(code="4", label="Péri SOIR", facility=FacilityFactory(name="Ecole Lux"))
    leisure = ActivityFactory(code="7", label="ALSH Après-midi", facility=FacilityFactory(name="Les Tilleuls"))
    leo = enrolled(evening, "BLMAN", "Léo")
    zoe = enrolled(leisure, "MARTIN", "Zoé")
    book(leo, evening, [MONDAY, TUESDAY])
    mark(evening, MONDAY, leo, AttendanceStatus.PRESENT, by=instructor)
    mark(evening, TUESDAY, leo, AttendanceStatus.ABSENT_JUSTIFIED, "Certificat médical", by=instructor)
    mark(leisure, MONDAY, zoe, AttendanceStatus.PRESENT_UNBOOKED, by=instructor)
    return {"evening": evening, "leisure": leisure, "leo": leo, "zoe": zoe}


def test_the_listing_shows_every_mark_with_links_to_the_day_sheet_and_the_family(client, register):
    page = text(client.get(POINTAGES))
    assert "Pointages" in page
    for shown in ("Léo BLMAN", "Zoé MARTIN", "Absent justifié", "Présent sans réservation", "Certificat médical"):
        assert shown in page
    assert "Mme Inès STRUCTRICE" in page and "17/11/2026 à 18:05" in page
    assert f'href="{family_url(register["leo"].family_id)}">BLMAN</a>' in page
    sheet = f'href="/admin/feuille-de-presence/?activity={register["evening"].pk}&day=2026-11-17">17/11/2026</a>'
    assert sheet in page
    # The latest days first.
    assert page.index("17/11/2026</a>") < page.index("16/11/2026</a>")
    assert "Arachide" not in page


def test_the_listing_writes_nothing_whoever_asks(client, register):
    row = Attendance.objects.get(child=register["zoe"])
    for user in (None, UserFactory(is_staff=True, is_superuser=True)):
        if user:
            client.force_login(user)
        assert client.get(f"{POINTAGES}new/").status_code in (302, 403)
        assert client.get(f"{POINTAGES}edit/{row.pk}/").status_code in (302, 403)
        assert client.post(f"{POINTAGES}edit/{row.pk}/", {"note": "changée"}).status_code in (302, 403)
        assert client.post(f"{POINTAGES}delete/{row.pk}/").status_code in (302, 403)
    assert Attendance.objects.count() == 3 and Attendance.objects.get(pk=row.pk).note == ""
    page = text(client.get(POINTAGES))
    assert f"{POINTAGES}edit/" not in page and f"{POINTAGES}delete/" not in page and f"{POINTAGES}new/" not in page


def test_pointages_sits_in_the_activities_menu_after_the_bookings(client, register):
    names = re.findall(r'"name": "([^"]+)"', text(client.get("/admin/")))
    group = names[names.index("activites") :]
    assert group[: group.index("feuille-de-presence") + 1] == [
        "activites",
        "activites",
        "structures",
        "inscriptions",
        "reservations",
        "pointages",
        "fermetures",
        "feuille-de-presence",
    ]


def test_the_csv_has_french_headings_and_every_mark(client, register):
    rows = csv_rows(client.get(POINTAGES, {"export": "csv"}))
    assert rows[0] == [
        "Jour",
        "Enfant",
        "Famille",
        "Activité",
        "Structure",
        "Pointage",
        "Remarque",
        "Pointé par",
        "Pointé le",
    ]
    assert [
        "17/11/2026",
        "Léo BLMAN",
        "BLMAN",
        "4/Péri SOIR",
        "Ecole Lux",
        "Absent justifié",
        "Certificat médical",
        "Mme Inès STRUCTRICE",
        "17/11/2026 18:05",
    ] in rows
    assert len(rows) == 4 and "Arachide" not in str(rows)
    entry = ModelLogEntry.objects.get(action=EXPORT_ACTION)
    assert (entry.data["listing"], entry.data["rows"], entry.data["format"]) == ("pointages", 3, "CSV")


def test_the_xlsx_holds_days_and_times_as_dates(client, register):
    sheet = xlsx_sheet(client.get(POINTAGES, {"export": "xlsx", "status": AttendanceStatus.PRESENT_UNBOOKED}))
    (row,) = list(sheet.iter_rows(min_row=2, values_only=True))
    assert row[0] == datetime(2026, 11, 16) and row[1] == "Zoé MARTIN" and row[5] == "Présent sans réservation"
    assert row[6] is None and row[8] == datetime(2026, 11, 17, 18, 5)


@pytest.mark.parametrize(
    ("filters", "children"),
    [
        ({"day_from": "2026-11-17", "day_to": "2026-11-30"}, ["Léo BLMAN"]),
        ({"day_to": "2026-11-16"}, ["Léo BLMAN", "Zoé MARTIN"]),
        ({"status": AttendanceStatus.PRESENT}, ["Léo BLMAN"]),
        ({"q": "martin"}, ["Zoé MARTIN"]),
        ({"q": "léo blman"}, ["Léo BLMAN", "Léo BLMAN"]),
    ],
)
def test_the_filters_and_search_filter_the_listing_and_its_export(client, register, filters, children):
    rows = csv_rows(client.get(POINTAGES, {**filters, "export": "csv"}))
    assert sorted(row[1] for row in rows[1:]) == children
    page = text(client.get(POINTAGES, filters))
    for name in ("Léo BLMAN", "Zoé MARTIN"):
        assert (name in page) == (name in children)


def test_the_structure_and_activity_filters(client, register):
    by_facility = {"facility": register["leisure"].facility_id, "export": "csv"}
    assert [row[1] for row in csv_rows(client.get(POINTAGES, by_facility))[1:]] == ["Zoé MARTIN"]
    by_activity = {"activity": register["evening"].pk, "export": "csv"}
    assert [row[0] for row in csv_rows(client.get(POINTAGES, by_activity))[1:]] == ["17/11/2026", "16/11/2026"]


def test_without_the_view_permission_there_is_no_listing_no_export_and_no_menu_item(client, register):
    client.force_login(staff(COMMUNICATION, email="communication@example.org"))
    assert_refused(client.get(POINTAGES, {"export": "csv"}))
    assert client.get(POINTAGES).status_code in (302, 403)
    assert '"name": "pointages"' not in text(client.get("/admin/"))
    assert not ModelLogEntry.objects.filter(action=EXPORT_ACTION).exists()


def test_the_listing_and_its_export_read_with_as_many_queries_for_2_marks_as_for_22(client, instructor):
    activity = ActivityFactory()
    days = [date(2026, 11, day) for day in (16, 17, 19, 20, 23, 24, 26, 27, 30)] + [date(2026, 12, 1)]
    later = datetime(2026, 12, 2, 9, 0, tzinfo=PARIS)

    def marked(children, count):
        for _ in range(children):
            book(enrolled(activity, "FAMILLE", "Enfant"), activity, days[:count])
        for day in days[:count]:
            attendance.attendance_mark_all_present(activity=activity, day=day, by=instructor, now=later)

    def listing_queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(POINTAGES).status_code == 200
        return len(captured)

    marked(1, 2)
    export_queries(client, POINTAGES)
    listing_queries()
    few = (export_queries(client, POINTAGES), listing_queries())
    marked(2, 10)
    assert Attendance.objects.count() == 22
    assert (export_queries(client, POINTAGES), listing_queries()) == few
