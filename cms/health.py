"""`/healthz` and `/readyz` for load balancers, answered before any other middleware: no host check, no HTTPS
redirect, no session, no login.

`/healthz` says the process answers (no database). `/readyz` says whether what a request needs answers: the
database, the caches and the storages; 503 with a JSON body naming what failed.
"""

import logging
import uuid

from django.core.cache import caches
from django.core.files.storage import storages
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def _caches() -> None:
    for alias in ("default", "pages"):
        cache = caches[alias]
        probe = uuid.uuid4().hex
        cache.set("readyz", probe, timeout=10)
        if cache.get("readyz") != probe:
            raise RuntimeError(f"the cache {alias} did not keep a value")


def _storages() -> None:
    for alias in ("default", "private"):
        storages[alias].exists("readyz-probe")


CHECKS = {"database": _database, "cache": _caches, "storage": _storages}


def readiness() -> dict[str, str]:
    """Each check's name and «ok», or the kind of error it met (its details go to the log, not to the body)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:
            logger.exception("readyz : %s ne répond pas", name)
            results[name] = type(error).__name__
        else:
            results[name] = "ok"
    return results


class HealthMiddleware:
    """First of the middleware: a probe answers the same whatever the host it names and the scheme it uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info.rstrip("/")
        if path == HEALTH_PATH:
            response = HttpResponse("ok", content_type="text/plain; charset=utf-8")
        elif path == READY_PATH:
            results = readiness()
            failed = [name for name, result in results.items() if result != "ok"]
            body = {"status": "error" if failed else "ok", "checks": results, "failed": failed}
            response = JsonResponse(body, status=503 if failed else 200)
        else:
            return self.get_response(request)
        add_never_cache_headers(response)
        return response
