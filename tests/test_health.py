"""`/healthz` and `/readyz` answer load balancers whatever the host, the scheme or the session; `/readyz` names what
does not answer."""

import json

import pytest
from django.test import Client

from cms import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_touching_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


def test_readyz_checks_the_database_the_caches_and_the_storages():
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok"},
        "failed": [],
    }


def test_readyz_answers_503_naming_what_failed(monkeypatch):
    def down():
        raise ConnectionError("connection refused")

    monkeypatch.setitem(health.CHECKS, "cache", down)
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error" and body["failed"] == ["cache"]
    assert body["checks"] == {"database": "ok", "cache": "ConnectionError", "storage": "ok"}


def test_a_database_that_does_not_answer_is_named(monkeypatch):
    from django.db import OperationalError

    class Refusing:
        def __enter__(self):
            raise OperationalError("could not connect to server")

        def __exit__(self, *exc):
            return False

    class Connection:
        def cursor(self):
            return Refusing()

    monkeypatch.setattr(health, "connections", {"default": Connection()})
    response = Client().get("/readyz/")
    assert response.status_code == 503 and json.loads(response.content)["failed"] == ["database"]


def test_probes_are_not_redirected_to_https_nor_to_the_login_nor_refused_for_their_host(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["portail.example.org"]
    for path in ("/healthz", "/readyz"):
        response = Client().get(path, HTTP_HOST="10.0.0.12:8000")
        assert response.status_code == 200, path
    assert Client().get("/", HTTP_HOST="10.0.0.12:8000").status_code == 400
