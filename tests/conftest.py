"""Fixtures shared by the whole suite."""

import os
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from altcha.v2 import Payload, solve_challenge
from altcha_django.challenge import build_challenge
from django.core.cache import cache
from django.test import Client, TestCase

from cms.staff_auth import SECOND_FACTOR
from home import demo as home_demo
from notifications import demo as notifications_demo

CLOCK_VARIABLE = "PORTAIL_TEST_NOW"


def session_moment(value: str) -> datetime:
    """The moment `PORTAIL_TEST_NOW` names (ISO 8601; without an offset, Paris time), in UTC."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("Europe/Paris"))
    return moment.astimezone(UTC)


def pytest_configure(config):
    # The whole session runs as if the clock read PORTAIL_TEST_NOW (then ticks on), so that a test leaning on
    # today's date shows up before the calendar reaches it: PORTAIL_TEST_NOW=2027-01-12T10:00 make test.
    if value := os.environ.get(CLOCK_VARIABLE):
        config.portail_clock = time_machine.travel(session_moment(value), tick=True)
        config.portail_clock.start()


def pytest_unconfigure(config):
    if clock := getattr(config, "portail_clock", None):
        clock.stop()


def pytest_report_header(config):
    if value := os.environ.get(CLOCK_VARIABLE):
        return f"horloge déplacée : {CLOCK_VARIABLE}={value} ({session_moment(value):%Y-%m-%d %H:%M} UTC)"
    return None


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and ALTCHA replay protection live in the cache: each test starts clean.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(db):
    """The demo municipality's pages, settings and email templates (no families)."""
    home_demo.load()
    notifications_demo.load()


def solved_captcha() -> str:
    """What the ALTCHA widget posts once the browser has solved the proof of work."""
    challenge = build_challenge()
    return Payload(challenge, solve_challenge(challenge)).to_base64()


@pytest.fixture
def captcha():
    return solved_captcha


class CommittingClient(Client):
    """Runs what a request leaves for after commit (outbox sending), as a real commit would.

    Tests run inside a transaction that never commits; without this, on_commit work would never run.
    """

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)

    def force_login(self, user, backend=None):
        """Signs in as the person would: staff, through their second factor (tests/test_staff_second_factor.py
        goes through the real steps)."""
        super().force_login(user, backend)
        if user.is_staff or user.is_superuser or user.groups.exists():
            session = self.session
            session[SECOND_FACTOR] = time.time()
            session.save()


@pytest.fixture
def client():
    return CommittingClient()
