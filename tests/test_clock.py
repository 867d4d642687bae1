"""One clock: production code reads the time through Django's timezone functions (so a frozen clock holds
everywhere), and PORTAIL_TEST_NOW moves a whole test session to a chosen moment, read as Paris time."""

import re
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

from django.utils import timezone

from tests import conftest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("cms", "commun", "home", "espace_famille", "espace_facturation", "justificatifs", "creche", "notifications")
WALL_CLOCK = re.compile(r"\bdate\.today\(|\bdatetime\.(?:now|today|utcnow)\(")


def test_production_code_reads_the_date_and_time_through_django():
    readers = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if WALL_CLOCK.search(line)
    ]
    assert not readers, "Lire l'heure par timezone.now() / timezone.localdate() : " + ", ".join(readers)


def test_the_session_moment_is_paris_time_unless_it_says_otherwise():
    assert conftest.session_moment("2027-01-01T00:30") == datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert conftest.session_moment("2027-07-01T12:00+00:00") == datetime(2027, 7, 1, 12, tzinfo=UTC)


def test_portail_test_now_moves_the_clock_of_the_whole_session(monkeypatch):
    monkeypatch.setenv(conftest.CLOCK_VARIABLE, "2027-01-01T00:30")
    before = timezone.localdate()
    session = SimpleNamespace()
    conftest.pytest_configure(session)
    try:
        assert timezone.localdate() == date(2027, 1, 1)
        assert "PORTAIL_TEST_NOW=2027-01-01T00:30" in conftest.pytest_report_header(session)
    finally:
        conftest.pytest_unconfigure(session)
    assert timezone.localdate() == before
