"""Secrets that travel in addresses never reach a log: Django's loggers and gunicorn's access log mask them."""

import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from gunicorn.config import Config

from cms.logs import MASK, RedactTokens, redact

ROOT = Path(__file__).resolve().parent.parent
KEY = "MTE:1tQvZx:Abcdef0123456789secretkey"
SECRET_ADDRESSES = [
    reverse("account_confirm_email", kwargs={"key": KEY}),
    reverse("account_reset_password_from_key", kwargs={"uidb36": "2s", "key": "cxk9a1-0123456789abcdef"}),
    reverse("espace_famille:calendar_feed", kwargs={"token": "Zq3xSecretFeedToken0123456789"}),
    reverse("account_unlock", args=["eyJuIjoiUnlockSecret"]),
    reverse("staff_enrolment_confirm", args=["eyJuIjoiEnrolSecret"]),
]
SECRETS = (KEY, "cxk9a1-0123456789abcdef", "Zq3xSecretFeedToken0123456789", "UnlockSecret", "EnrolSecret")


@pytest.mark.parametrize("address", SECRET_ADDRESSES)
def test_every_secret_address_is_masked(address):
    line = f'127.0.0.1 - - "GET {address}?next=/ HTTP/1.1" 200 512'
    assert MASK in redact(line)
    assert not any(secret in redact(line) for secret in SECRETS)


def test_other_addresses_are_logged_as_they_are():
    line = '"GET /espace-famille/planning/?date=2026-09-14 HTTP/1.1" 200'
    assert redact(line) == line


def _record(message, *args, name="django.server"):
    return logging.LogRecord(name, logging.INFO, __file__, 1, message, args, None)


def test_djangos_request_lines_and_not_found_are_masked():
    for record in (
        _record('"%s" %s %s', f"GET {SECRET_ADDRESSES[0]} HTTP/1.1", 200, 512),
        _record("Not Found: %s", SECRET_ADDRESSES[2], name="django.request"),
    ):
        assert RedactTokens().filter(record)
        assert MASK in record.getMessage() and not any(secret in record.getMessage() for secret in SECRETS)


def test_the_console_handler_of_every_environment_masks_secrets():
    from cms.settings import base

    assert base.LOGGING["handlers"]["console"]["filters"] == ["redact_tokens"]
    assert base.LOGGING["filters"]["redact_tokens"]["()"] == "cms.logs.RedactTokens"


def test_gunicorns_access_log_masks_secrets():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    logger = config["logger_class"](Config())
    address = SECRET_ADDRESSES[1]
    request = SimpleNamespace(
        method="GET", path=address, query="", uri=address, version=(1, 1), headers=[("REFERER", address)]
    )
    response = SimpleNamespace(status="200 OK", response_length=10, sent=10, headers=[])
    environ = {"REMOTE_ADDR": "203.0.113.9", "RAW_URI": address, "SERVER_PROTOCOL": "HTTP/1.1", "REQUEST_METHOD": "GET"}
    atoms = logger.atoms(response, request, environ, _Elapsed())
    logged = " ".join(str(value) for value in atoms.values())
    assert address.split("key/")[0] in logged and MASK in logged
    assert not any(secret in logged for secret in SECRETS)


class _Elapsed:
    seconds, microseconds = 0, 1000

    def total_seconds(self):
        return 0.001
