"""The two files the bench writes to its temporary directory: the WSGI module gunicorn serves (the portal
plus a bare Django view, the ceiling) and the wrk script that reports latencies."""

# The WSGI module gunicorn serves, written to the temp dir so that the project gets no extra URL.
# Requests to the ceiling path go to a second Django WSGIHandler (same settings, same middleware
# stack, same URL resolution and view machinery) whose requests carry `request.urlconf` = this
# module, so Django resolves them against the one-route urlpatterns below and runs a bare view
# returning fixed bytes. Every other request goes untouched to cms.wsgi's application, exactly
# what production serves. The ratio page/ceiling thus shows what the page's own work costs
# (queries, templates, Wagtail) on top of Django's fixed cost per request.
# The body is the home page's bytes, captured by run.py once the server is up and written to
# BENCH_CEILING_BODY; each worker reads it once, on its first ceiling request.
CEILING_MODULE = """
import os

from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse
from django.urls import path

from cms.wsgi import application as portal  # sets Django up exactly as production does

CEILING_PATH = {path!r}
_body = None


def ceiling(request):
    global _body
    if _body is None:
        with open(os.environ["BENCH_CEILING_BODY"], "rb") as f:
            _body = f.read()
    return HttpResponse(_body)


urlpatterns = [path(CEILING_PATH.lstrip("/"), ceiling)]


class CeilingHandler(WSGIHandler):
    def get_response(self, request):
        request.urlconf = __name__
        return super().get_response(request)


ceiling_handler = CeilingHandler()


def application(environ, start_response):
    if environ.get("PATH_INFO") == CEILING_PATH:
        return ceiling_handler(environ, start_response)
    return portal(environ, start_response)
"""

# wrk script: counts every answer that is not a 200 (wrk alone only counts >= 400) and prints one
# machine-readable line with the figures, p95 included (wrk's --latency table has no p95).
WRK_SCRIPT = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non200 = 0 end
function response(status, headers, body) if status ~= 200 then non200 = non200 + 1 end end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non200") end
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d non200=%d socket_errors=%d p50=%d p95=%d p99=%d\n",
    summary.requests, summary.duration, bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""
