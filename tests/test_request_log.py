"""Each request writes one JSON line on «portail.requests», and carries its X-Request-ID back."""

import json
import logging

import pytest
from django.test import Client

from cms.logs import MASK

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(caplog):
    caplog.set_level(logging.INFO, logger="portail.requests")

    def read():
        return [json.loads(r.getMessage()) for r in caplog.records if r.name == "portail.requests"]

    return read


def test_a_request_is_one_json_line_with_its_method_path_status_duration_user_and_id(site, lines):
    response = Client().get("/plan-du-site/")
    (line,) = lines()
    assert set(line) == {"method", "path", "status", "duration_ms", "user", "request_id"}
    assert (line["method"], line["path"], line["status"], line["user"]) == ("GET", "/plan-du-site/", 200, "anonymous")
    assert line["duration_ms"] >= 0
    assert response["X-Request-ID"] == line["request_id"] and len(line["request_id"]) == 32


def test_the_proxys_request_id_is_echoed_and_a_forged_one_replaced(site, lines):
    assert Client().get("/", HTTP_X_REQUEST_ID="req-4f1c.9")["X-Request-ID"] == "req-4f1c.9"
    forged = Client().get("/", HTTP_X_REQUEST_ID='x"}\n{"status": 200')["X-Request-ID"]
    assert forged != 'x"}\n{"status": 200' and forged.isalnum()
    assert [line["request_id"] for line in lines()] == ["req-4f1c.9", forged]


def test_query_string_values_and_secrets_never_reach_the_line(client, site, lines):
    from tests.factories import UserFactory

    user = UserFactory()
    client.force_login(user)
    client.get("/espace-famille/planning/", {"vue": "mois", "date": "2026-12-01", "q": "jeanne.durant@example.org"})
    client.get("/espace-famille/planning/calendrier/Zq3xSecretFeedToken0123456789.ics")
    planning, feed = lines()
    assert planning["path"] == "/espace-famille/planning/?vue=&date=&q=" and planning["user"] == user.pk
    assert "Zq3xSecretFeedToken" not in feed["path"] and MASK in feed["path"]
    assert "example.org" not in json.dumps(lines())


def test_an_error_is_logged_with_its_status(site, lines):
    Client().get("/pas-de-page-ici/")
    assert lines()[0]["status"] == 404
