"""The rush hour's parents, for locust (bench/rush.py runs it headless; RUSH_* variables set by it).

- RUSH_PARENTS parents log in at a random moment of the RUSH_LOGIN_SECONDS before the opening, look at their
  planning while they wait, then each books the camp week once within RUSH_BOOK_SECONDS after the opening: at a
  moment spread evenly over the window (RUSH_SHAPE=even, the issue's «within the first 60 s»), or with more of them
  in the first seconds (RUSH_SHAPE=front: the window × u², u uniform, 13 % of them in the first second);
- RUSH_BROWSERS parents log in the same way and browse their planning and invoices, a page every 10 to 20 s.
Users alternate between the app servers of RUSH_HOSTS (comma-separated base URLs), as a proxy would spread them;
each comes from its own address (X-Forwarded-For, read behind one trusted proxy), so the login throttle per
address sees a thousand people, not one."""

import csv
import itertools
import os
import random
import re
import time
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, constant, events, task

HOSTS = [h.strip() for h in os.environ.get("RUSH_HOSTS", "http://127.0.0.1:8000").split(",") if h.strip()]
PARENTS = int(os.environ.get("RUSH_PARENTS", "1000"))
BROWSERS = int(os.environ.get("RUSH_BROWSERS", "200"))
LOGIN_SECONDS = float(os.environ.get("RUSH_LOGIN_SECONDS", "120"))
BOOK_SECONDS = float(os.environ.get("RUSH_BOOK_SECONDS", "60"))
SHAPE = os.environ.get("RUSH_SHAPE", "even")
ACTIVITY = os.environ.get("RUSH_ACTIVITY", "")
START, END = os.environ.get("RUSH_START", ""), os.environ.get("RUSH_END", "")
PASSWORD = os.environ.get("RUSH_PASSWORD", "")
# Every request, for the checks and the chart (bench/rush.py): seconds since the start, name, ms, HTTP status.
REQUESTS_CSV = os.environ.get("RUSH_REQUESTS_CSV", "")
BOOKER_EMAIL = "rush-parent-{}@example.org"
BROWSER_EMAIL = "rush-visite-{}@example.org"
LONG_PERIOD = "/espace-famille/planning/demande/reservations/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INTENT = re.compile(r'name="intent" value="([^"]+)"')

TAIL_SECONDS = float(os.environ.get("RUSH_TAIL_SECONDS", "20"))
state = {"opening": None, "started": time.time(), "answered": 0}
numbers = {"booker": itertools.count(), "browser": itertools.count()}
requests = []


@events.test_start.add_listener
def _opening(environment, **_kwargs):
    state["started"] = time.time()
    state["opening"] = state["started"] + LOGIN_SECONDS
    gevent.spawn(_stop_when_answered, environment)


def _stop_when_answered(environment) -> None:
    """Once every booking parent has its answer and the browsers went on RUSH_TAIL_SECONDS more: the end (locust's
    --run-time is only the upper bound, for a server that stops answering)."""
    while state["answered"] < PARENTS:
        gevent.sleep(0.5)
    gevent.sleep(TAIL_SECONDS)
    environment.runner.quit()


@events.request.add_listener
def _record(request_type, name, response_time, response, exception, **_kwargs):
    status = getattr(response, "status_code", 0) or 0
    requests.append((round(time.time() - state["started"], 3), name, round(response_time, 1), status))


@events.test_stop.add_listener
def _write(environment, **_kwargs):
    if REQUESTS_CSV:
        with open(REQUESTS_CSV, "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["t", "name", "ms", "status"])
            writer.writerows(requests)


def click_moment(u: float, shape: str) -> float:
    """When a parent clicks, as a share of the booking window, from u uniform in [0, 1)."""
    return u**2 if shape == "front" else u


def _sleep_until(moment: float) -> None:
    gevent.sleep(max(0.0, moment - time.time()))


class Parent(FastHttpUser):
    abstract = True
    host = HOSTS[0]
    wait_time = constant(0)
    kind = ""

    def on_start(self):
        self.number = next(numbers[self.kind])
        self.client.base_url = HOSTS[self.number % len(HOSTS)]
        seat = self.number + (0 if self.kind == "booker" else PARENTS)
        self.headers = {"X-Forwarded-For": f"10.{seat // 65536 % 256}.{seat // 256 % 256}.{seat % 256}"}
        while state["opening"] is None:
            gevent.sleep(0.1)
        _sleep_until(state["opening"] - LOGIN_SECONDS + random.uniform(0, LOGIN_SECONDS * 0.95))
        self.login((BOOKER_EMAIL if self.kind == "booker" else BROWSER_EMAIL).format(self.number))

    def login(self, email: str) -> None:
        page = self.client.get("/compte/login/", name="connexion (page)", headers=self.headers)
        token = CSRF.search(page.text or "")
        body = {"csrfmiddlewaretoken": token.group(1) if token else "", "login": email, "password": PASSWORD}
        with self.client.post(
            "/compte/login/",
            data=urlencode(body),
            name="connexion (envoi)",
            headers={**self.headers, "Content-Type": "application/x-www-form-urlencoded", "Referer": page.url},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"connexion refusée ({response.status_code})")

    def browse(self) -> None:
        self.client.get("/espace-famille/planning/", name="planning (mois)", headers=self.headers)


class BookingParent(Parent):
    """Waits for the opening, books the camp week once, then only looks at the result."""

    fixed_count = PARENTS
    kind = "booker"

    @task
    def rush(self):
        self.browse()
        _sleep_until(state["opening"] + BOOK_SECONDS * click_moment(random.random(), SHAPE))
        self.book()
        while True:  # done: the parent has its answer and leaves the page open
            gevent.sleep(3600)

    def book(self) -> None:
        query = f"?activite={ACTIVITY}"
        page = self.client.get(LONG_PERIOD + query, name="réservation (formulaire)", headers=self.headers)
        text = page.text or ""
        token, intent = CSRF.search(text), INTENT.search(text)
        child = re.search(r'type="hidden" name="enfant" value="(\d+)"', text)
        body = [
            ("csrfmiddlewaretoken", token.group(1) if token else ""),
            ("enfant", child.group(1) if child else ""),
            ("activite", ACTIVITY),
            ("start", START),
            ("end", END),
            *(("weekdays", str(day)) for day in range(5)),
            ("intent", intent.group(1) if intent else ""),
        ]
        with self.client.post(
            LONG_PERIOD,
            data=urlencode(body),
            name="réservation (envoi)",
            headers={**self.headers, "Content-Type": "application/x-www-form-urlencoded", "Referer": page.url},
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"réservation non enregistrée ({response.status_code})")
        state["answered"] += 1


class BrowsingParent(Parent):
    """Browses the planning and the invoices every few seconds."""

    fixed_count = BROWSERS
    kind = "browser"

    @task
    def visit(self):
        self.browse()
        gevent.sleep(random.uniform(10, 20))
        self.client.get("/espace-facturation/factures/", name="factures", headers=self.headers)
        gevent.sleep(random.uniform(10, 20))
