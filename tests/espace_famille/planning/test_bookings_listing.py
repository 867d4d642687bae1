"""«Réservations» in the admin: every day of every child, read-only, filtered, and exported with the listing's
filters."""

from datetime import date, datetime

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from commun.listing_exports import EXPORT_ACTION
from espace_famille.comptes.permissions import COMMUNICATION, INSTRUCTORS
from espace_famille.planning.models import Booking, BookingState
from tests.exports import assert_refused, csv_rows, export_queries, xlsx_sheet
from tests.factories import ActivityFactory, ChildFactory, FamilyFactory, UserFactory, role

pytestmark = pytest.mark.django_db

BOOKINGS = "/admin/espace_famille/booking/"


def staff(group_name):
    user = UserFactory(email=f"{group_name.lower().replace(' ', '')}@example.org", is_staff=True)
    user.groups.add(role(group_name))
    return user


@pytest.fixture
def instructor(client, site):
    user = staff(INSTRUCTORS)
    client.force_login(user)
    return user


def booked(child, activity, day, state=BookingState.BOOKED, **fields):
    at = timezone.make_aware(datetime(2026, 10, 1, 9, 30))
    return Booking.objects.create(child=child, activity=activity, day=day, state=state, queued_at=at, **fields)


@pytest.fixture
def days():
    leo = ChildFactory(family=FamilyFactory(name="BLMAN"), first_name="Léo", allergies="Arachide")
    zoe = ChildFactory(family=FamilyFactory(name="MARTIN"), first_name="Zoé")
    evening = ActivityFactory(code="4", label="Péri SOIR")
    morning = ActivityFactory(code="1", label="Péri MATIN")
    return [
        booked(leo, evening, date(2026, 11, 16)),
        booked(leo, evening, date(2026, 11, 17), BookingState.ABSENT, justified=True),
        booked(zoe, morning, date(2026, 11, 16), BookingState.WAITING),
    ]


def test_the_bookings_listing_shows_every_day_and_writes_none(client, instructor, days):
    page = client.get(BOOKINGS).content.decode()
    assert "Léo BLMAN" in page and "Zoé MARTIN" in page and "En liste d&#x27;attente" in page
    assert client.get(f"{BOOKINGS}create/").status_code in (302, 403)
    assert client.get(f"{BOOKINGS}edit/{days[0].pk}/").status_code in (302, 403)
    assert client.post(f"{BOOKINGS}delete/{days[0].pk}/").status_code in (302, 403)
    assert Booking.objects.count() == 3


def test_the_bookings_csv_has_french_headings_and_the_day(client, instructor, days):
    rows = csv_rows(client.get(BOOKINGS, {"export": "csv"}))
    assert rows[0] == [
        "Jour",
        "Enfant",
        "Famille",
        "Activité",
        "Structure",
        "État",
        "Absence justifiée",
        "Demandé le",
    ]
    assert [
        "17/11/2026",
        "Léo BLMAN",
        "BLMAN",
        "4/Péri SOIR",
        "Ecole Lux",
        "Absence",
        "Oui",
        "01/10/2026 09:30",
    ] in rows
    assert "Arachide" not in str(rows)


def test_the_bookings_xlsx_holds_days_as_dates(client, instructor, days):
    sheet = xlsx_sheet(client.get(BOOKINGS, {"export": "xlsx", "state": BookingState.WAITING}))
    (row,) = list(sheet.iter_rows(min_row=2, values_only=True))
    assert row[0] == datetime(2026, 11, 16) and row[1] == "Zoé MARTIN" and row[5] == "En liste d'attente"
    assert row[6] == "Non" and row[7] == datetime(2026, 10, 1, 9, 30)


def test_the_filters_and_search_of_the_bookings_listing_filter_its_export(client, instructor, days):
    evening = days[0].activity
    rows = csv_rows(client.get(BOOKINGS, {"activity__id__exact": evening.pk, "export": "csv"}))
    assert sorted(row[0] for row in rows[1:]) == ["16/11/2026", "17/11/2026"]
    searched = csv_rows(client.get(BOOKINGS, {"q": "MARTIN", "export": "csv"}))
    assert [row[1] for row in searched[1:]] == ["Zoé MARTIN"]


def test_bookings_are_not_exported_without_the_view_permission(client, site, days):
    client.force_login(staff(COMMUNICATION))
    assert_refused(client.get(BOOKINGS, {"export": "csv"}))
    assert not ModelLogEntry.objects.filter(action=EXPORT_ACTION).exists()


def test_the_bookings_export_reads_with_as_many_queries_for_2_rows_as_for_20(client, instructor):
    activity = ActivityFactory()

    def rows(count):
        for index in range(count):
            booked(ChildFactory(), activity, date(2026, 11, 2 + index % 20))

    rows(2)
    export_queries(client, BOOKINGS)
    few = export_queries(client, BOOKINGS)
    rows(18)
    assert export_queries(client, BOOKINGS) == few
