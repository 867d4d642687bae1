"""Fixtures shared by the whole suite."""

import os
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import hypothesis
import pytest
import time_machine
from altcha.v2 import Payload, solve_challenge
from altcha_django.challenge import build_challenge
from django.conf import settings
from django.core.cache import cache, caches
from django.core.management import call_command
from django.test import Client, TestCase
from wagtail.models import ModelLogEntry, Site

from cms.staff_auth import SECOND_FACTOR
from espace_famille.comptes.permissions import roles_sync
from home import demo as home_demo
from notifications import demo as notifications_demo
from notifications import sms

CLOCK_VARIABLE = "PORTAIL_TEST_NOW"

# Hypothesis: `HYPOTHESIS_PROFILE=deep make test` tries ten times as many examples (before a release, or after
# changing the rules a property covers); the default run keeps each property a few seconds long.
DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"
hypothesis.settings.register_profile("deep", max_examples=1000)
hypothesis.settings.load_profile("deep" if DEEP else "default")


def examples(quick: int) -> int:
    """How many examples a property that goes through the database or the pages tries: `quick` in the default
    run, ten times as many in the deep one."""
    return quick * 10 if DEEP else quick


def session_moment(value: str) -> datetime:
    """The moment `PORTAIL_TEST_NOW` names (ISO 8601; without an offset, Paris time), in UTC."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("Europe/Paris"))
    return moment.astimezone(UTC)


def pytest_configure(config):
    # PORTAIL_TEST_STORAGE=s3 (cms/settings/test.py): moto's S3 server holds the media and private files.
    if endpoint := getattr(settings, "S3_TEST_ENDPOINT", None):
        from tests.object_storage import s3_server

        config.portail_s3 = s3_server(endpoint, settings.S3_TEST_BUCKETS)
    # The whole session runs as if the clock read PORTAIL_TEST_NOW (then ticks on), so that a test leaning on
    # today's date shows up before the calendar reaches it: PORTAIL_TEST_NOW=2027-01-12T10:00 make test.
    if value := os.environ.get(CLOCK_VARIABLE):
        config.portail_clock = time_machine.travel(session_moment(value), tick=True)
        config.portail_clock.start()


def pytest_unconfigure(config):
    if server := getattr(config, "portail_s3", None):
        server.stop()
    if clock := getattr(config, "portail_clock", None):
        clock.stop()


def pytest_report_header(config):
    if value := os.environ.get(CLOCK_VARIABLE):
        return f"horloge déplacée : {CLOCK_VARIABLE}={value} ({session_moment(value):%Y-%m-%d %H:%M} UTC)"
    return None


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits and ALTCHA replay protection live in the cache, CMS pages in the page cache (cms/page_cache.py):
    # each test starts clean, and a page it asks for twice is rendered from what the test wrote.
    cache.clear()
    caches["pages"].clear()
    yield
    cache.clear()
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    # As Django empties mail.outbox for each test: the SMS the test settings keep in memory (SMS_URL = "locmem:").
    sms.outbox.clear()
    yield


def reference_data_build():
    """The demo municipality's pages, settings and email templates (no families), and the staff roles as `migrate`
    makes them (the flush above removed them): what every test finds. The roles' creation entries are not kept in
    the audit log, whose entries tests look up by object id."""
    home_demo.load()
    notifications_demo.load()
    roles_sync()
    ModelLogEntry.objects.filter(content_type__app_label="auth", content_type__model="group").delete()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, django_db_keepdb, request):
    """`--reuse-db` (make test) keeps the migrated test database from one run to the next: on SQLite it must then be
    a file, var/tests.sqlite3 (var/tests_gw0.sqlite3... per xdist worker); `--create-db` builds it again. Without
    the option each run has its own database in memory."""
    database = settings.DATABASES["default"]
    if django_db_keepdb and database["ENGINE"] == "django.db.backends.sqlite3":
        worker = getattr(request.config, "workerinput", {}).get("workerid")
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        database["TEST"]["NAME"] = str(settings.VAR_DIR / (f"tests_{worker}.sqlite3" if worker else "tests.sqlite3"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database (one per xdist worker) holding the reference data: built once per session, and every
    test's transaction rolls back to it."""
    global _db_blocker  # noqa: PLW0603 - the teardown hook below has no fixtures
    _db_blocker = django_db_blocker
    with django_db_blocker.unblock():
        # Whatever a kept database went through (--reuse-db), each session starts from the same state: emptied, as a
        # transactional test leaves it (the rows Wagtail's data migrations wrote go too), then the reference data.
        call_command("flush", interactive=False, verbosity=0)
        reference_data_build()
    yield


_db_blocker = None


def _transactional(item) -> bool:
    """Whether pytest-django ran the test as a TransactionTestCase (its teardown empties every table)."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    marked = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    return marked or "transactional_db" in fixtures or "live_server" in fixtures


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # A transactional test (PostgreSQL races, the browser journeys) ends with a flush: the next tests find the
    # reference data again.
    try:
        return (yield)
    finally:
        # After the last test (nextitem None) the session's fixtures, test database included, are already gone.
        if _db_blocker is not None and nextitem is not None and _transactional(item):
            with _db_blocker.unblock():
                if not Site.objects.exists():
                    reference_data_build()


@pytest.fixture
def site(db):
    """The demo municipality's pages, settings and email templates (no families). They are built once per session
    (django_db_setup above): a test names this fixture to say it leans on them."""


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
