"""One JSON line per request on the «portail.requests» logger, and the request's X-Request-ID.

A line holds the method, the path (its secrets masked as in every log line, cms/logs.py) with the names of the
query string's parameters but never their values (a search, an e-mail address, a token), the status, the duration
in milliseconds, the account's id or «anonymous», and the request id: the one the reverse proxy sent in
X-Request-ID when it is a plain identifier, otherwise a new one. The response carries it back in X-Request-ID, so
that a person reporting a problem, the proxy's log and ours name the same request.
"""

import json
import logging
import re
import time
import uuid

from .logs import redact

logger = logging.getLogger("portail.requests")

HEADER = "X-Request-ID"
# What a proxy's id looks like (a UUID, a hexadecimal or base64url string); anything else could forge log lines.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


def request_id(request) -> str:
    sent = request.headers.get(HEADER, "")
    return sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex


def logged_path(request) -> str:
    path = redact(request.path)
    names = list(dict.fromkeys(request.GET.keys()))
    return path + ("?" + "&".join(f"{redact(name)}=" for name in names) if names else "")


def _user(request) -> int | str:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else "anonymous"


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = request_id(request)
        response = self.get_response(request)
        response[HEADER] = request.request_id
        if logger.isEnabledFor(logging.INFO):
            line = {
                "method": request.method,
                "path": logged_path(request),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user": _user(request),
                "request_id": request.request_id,
            }
            logger.info(json.dumps(line, ensure_ascii=False))
        return response
