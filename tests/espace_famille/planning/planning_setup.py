"""The guide's week for the planning tests: two children of the BLMAN family, enrolled for 2018-2019."""

from datetime import date, datetime
from html import unescape

import pytest
from django.utils import timezone

from commun.clock import PARIS
from espace_famille.dossier.models import Subscription
from tests.factories import ActivityFactory, ChildFactory, EnrolmentFactory, FamilyFactory, UserFactory

# Thursday 15 November 2018, 10:00 in Paris: the week of Monday 19/11 can still be booked.
NOW = datetime(2018, 11, 15, 10, 0, tzinfo=PARIS)
MONDAY = date(2018, 11, 19)
ENROLMENT = {"start_date": date(2018, 9, 3), "end_date": date(2019, 8, 31)}


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def family(site):
    return FamilyFactory(name="BLMAN")


@pytest.fixture
def children(family):
    leo = ChildFactory(family=family, first_name="Léo", birth_date=date(2011, 3, 1))
    maeva = ChildFactory(family=family, first_name="Maéva", birth_date=date(2013, 6, 1))
    return leo, maeva


@pytest.fixture
def activities():
    morning = ActivityFactory(code="1", label="Péri MATIN", weekdays={d: ("07:35", "08:20") for d in (0, 1, 3, 4)})
    evening = ActivityFactory(code="4", label="Péri SOIR", weekdays={d: ("16:30", "18:30") for d in (0, 1, 3, 4)})
    return morning, evening


@pytest.fixture
def enrolled(children, activities):
    leo, maeva = children
    morning, evening = activities
    EnrolmentFactory(child=leo, activity=morning, weekdays=[0, 1, 3, 4], **ENROLMENT)
    EnrolmentFactory(child=leo, activity=evening, weekdays=[0, 1], **ENROLMENT)
    EnrolmentFactory(child=maeva, activity=evening, weekdays=[0, 1, 3, 4], **ENROLMENT)
    return children


def subscribe(family):
    user = UserFactory()
    Subscription.objects.create(user=user, family=family, method="code")
    return user


@pytest.fixture
def parent(client, family):
    user = subscribe(family)
    client.force_login(user)
    return user


@pytest.fixture
def stranger(site):
    """A parent of another family, with its own enrolled child."""
    other = FamilyFactory(name="AUTRE")
    ChildFactory(family=other, first_name="Zoé")
    return subscribe(other)
