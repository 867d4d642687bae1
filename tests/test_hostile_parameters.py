"""Every URL of the portal, given hostile values, never answers with a server error.

The addresses come from the authorization sweep (tests/test_authorization_sweep.py). Each is asked, by the
person whose page it is (an anonymous visitor for public pages, a parent for the family and billing spaces, a
staff member with a second factor for the admin), with every parameter name the views read set to far dates,
impossible dates, text for numbers, huge numbers, quotes and markup, and very long strings; then with hostile
values in the address's own arguments. A refusal (400, 403, 404, a redirect, the page with a French message) is
fine; a 500 is not.

NUL bytes are not among the values: the middleware answers 400 to any address holding one before a view reads it
(the last test checks it), so a query carrying one would test the middleware only, not the views."""

import html
import re

import pytest
from django.urls import reverse

from tests.factories import EnrolmentFactory, UserFactory
from tests.test_authorization_sweep import (
    ACCOUNT,
    ADMIN_OPEN,
    FAMILY,
    PORTAL_ROUTES,
    PUBLIC,
    SHARED_ARGUMENTS,
    STAFF_URLS,
    _concrete,
    _Member,
    _staff_routes,
)

# Every name a view of the portal reads from the query (grep request.GET / source.get / the filter sets' fields),
# and the usual ones of Wagtail's listings and bulk actions. Those naming a record are also sent with a real one of
# the family (IDENTIFIERS), so that a hostile date reaches the code behind a valid child and activity.
DATES = (
    "date",
    "jour",
    "day",
    "month",
    "year",
    "annee",
    "created_at_after",
    "created_at_before",
    "days_after",
    "days_before",
    "entry_date_after",
    "entry_date_before",
    "day_from",
    "day_to",
)
IDENTIFIERS = ("enfant", "activite", "famille", "family", "regie", "child", "activity", "invoice", "id")
OTHERS = ("vue", "page", "p", "q", "nature", "type", "kind", "state", "facility", "creche", "first_choice")
OTHERS += ("next", "ordering", "decision", "status", "panier")
LONG = "9" * 3000
DATE_VALUES = ("9999-12-31", "0001-01-01", "2026-02-30", "abc", "2026-13-01T25:61", LONG)
OTHER_VALUES = ("abc", "99999999999999999999", "-1", "1.5", "<script>'\"é", LONG)
# What replaces a URL's own arguments: a huge number for <int:>, quotes and accents in a long text for the others.
HOSTILE_ARGUMENTS = {"int": "99999999999999999999", "str": "%C3%A9%27%22%3C" + "x" * 1000, "slug": "x" * 1000}


def _queries(rounds: int, real: dict) -> list[dict]:
    """`rounds` queries where parameter i gets value (i + round) of its list (with 6 rounds every parameter meets
    every hostile value); every other query carries the family's real identifiers instead of hostile ones."""
    queries = []
    for shift in range(rounds):
        query = {}
        for index, name in enumerate(DATES + IDENTIFIERS + OTHERS):
            values = DATE_VALUES if name in DATES else OTHER_VALUES
            query[name] = values[(index + shift) % len(values)]
        queries.append({**query, **real} if shift % 2 else query)
    return queries


def _server_errors(client, urls, queries, statuses=None) -> list[str]:
    """The addresses asked with each query that gave a server error; `statuses` collects every answer's status."""
    errors = []
    for url in urls:
        for query in queries:
            try:
                status = client.get(url, query).status_code
            except Exception as error:  # noqa: BLE001 - the sweep reports every failing address at once
                errors.append(f"{url} {query.get('date', '')[:12]!r}: {type(error).__name__}: {str(error)[:160]}")
                continue
            if statuses is not None:
                statuses.append(status)
            if status >= 500:
                errors.append(f"{url} {query.get('date', '')[:12]!r}: {status}")
    return errors


def _hostile_addresses(route: str) -> list[str]:
    """The route with each of its arguments, in turn, given a hostile value (the others a placeholder)."""
    addresses = []
    for match in re.finditer(r"<(?:(\w+):)?\w+>", route):
        value = HOSTILE_ARGUMENTS.get(match.group(1) or "str")
        concrete = _concrete(route[: match.start()] + "\x01" + route[match.end() :])
        if value and concrete:
            addresses.append(concrete.replace("\x01", value))
    return addresses


def _portal_urls(names, member) -> list[str]:
    urls = []
    for name in names:
        build = FAMILY.get(name) or SHARED_ARGUMENTS.get(name)
        urls.append(reverse(name, kwargs=build(member) if build else None))
    return urls


@pytest.fixture
def member(db):
    member = _Member()
    member.enrolment = EnrolmentFactory(child=member.child)
    return member


def _real(member) -> dict:
    activity = member.enrolment.activity.pk
    family = member.family.pk
    return {
        "enfant": member.child.pk,
        "activite": activity,
        "famille": family,
        "family": family,
        "regie": member.invoice.regie.pk,
    }


# Each sweep is cut in parts that run side by side (pytest -n), each part a few seconds long: part p of n takes every
# n-th address from the p-th, so that together the parts ask every address what the whole sweep asked.
PUBLIC_PARTS, FAMILY_PARTS, ADMIN_PARTS = 2, 5, 12


def parts(count: int):
    return pytest.mark.parametrize("part", range(count), ids=lambda part: f"partie-{part + 1}-sur-{count}")


@parts(PUBLIC_PARTS)
def test_public_pages_never_answer_a_server_error_to_hostile_parameters(client, site, part):
    routes = [route for route, name in PORTAL_ROUTES if name in PUBLIC]
    urls = sorted({url for route in routes if (url := _concrete(route))})[part::PUBLIC_PARTS]
    addresses = [address for route in routes for address in _hostile_addresses(route)][part::PUBLIC_PARTS]
    errors = _server_errors(client, urls, _queries(6, {})) + _server_errors(client, addresses, [{}])
    assert not errors, "\n".join(errors)


@parts(FAMILY_PARTS)
def test_family_pages_never_answer_a_server_error_to_hostile_parameters(client, site, member, part):
    client.force_login(member.user)
    urls = _portal_urls(sorted(set(FAMILY) | set(SHARED_ARGUMENTS) | ACCOUNT)[part::FAMILY_PARTS], member)
    addresses = [
        address
        for route, name in PORTAL_ROUTES
        if name in FAMILY or name in SHARED_ARGUMENTS
        for address in _hostile_addresses(route)
    ][part::FAMILY_PARTS]
    statuses = []
    errors = _server_errors(client, urls, _queries(6, _real(member)), statuses)
    errors += _server_errors(client, addresses, [{}])
    assert not errors, "\n".join(errors)
    # The values reach the views: most pages answer them (a page with a message, a redirect), few refuse the address.
    # At least half of a part's answers are pages: which addresses fall in a part moves as pages are added.
    assert statuses.count(400) < len(statuses) / 4 and statuses.count(200) >= len(statuses) / 2, statuses


# The admin's own screens for the portal's data get every value; Wagtail's own screens (pages, images, users...)
# one round of them, to keep the sweep within seconds.
PORTAL_ADMIN = ("/admin/espace_", "/admin/snippets/", "/admin/justificatifs", "/admin/facturation", "/admin/modeladmin")
PORTAL_ADMIN += ("/admin/feuille-de-presence/", "/admin/pieces-justificatives/", "/admin/messages-familles/")
PORTAL_ADMIN += ("/admin/pointages/",)
# Wagtail's page that fails on purpose, to show how the server reports an error.
FAILWHALE = "/admin/failwhale/"


@parts(ADMIN_PARTS)
def test_admin_pages_never_answer_a_server_error_to_hostile_parameters(client, site, member, part):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    urls = [url for url in STAFF_URLS if not url.startswith(ADMIN_OPEN) and url != FAILWHALE]
    ours = [url for url in urls if url.startswith(PORTAL_ADMIN)][part::ADMIN_PARTS]
    theirs = [url for url in urls if not url.startswith(PORTAL_ADMIN)][part::ADMIN_PARTS]
    addresses = [address for route, _ in _staff_routes() for address in _hostile_addresses(route)][part::ADMIN_PARTS]
    errors = (
        _server_errors(client, ours, _queries(3, _real(member)))
        + _server_errors(client, theirs, _queries(1, {}))
        + _server_errors(client, addresses, [{}])
    )
    assert not errors, "\n".join(errors)


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


@pytest.mark.parametrize("vue", ["mois", "agenda"])
@pytest.mark.parametrize("far", ["9999-12-31", "0001-01-01", "2026-02-30"])
def test_a_planning_asked_for_an_impossible_date_shows_the_current_period_and_says_why(client, site, member, far, vue):
    client.force_login(member.user)
    response = client.get(reverse("espace_famille:planning"), {"date": far, "vue": vue})
    assert response.status_code == 200
    page = _text(response)
    assert "La date demandée n'est pas une date du planning : voici la période en cours." in page


@pytest.mark.parametrize("far", ["9999-12-31", "0001-01-01"])
def test_confirming_a_day_at_the_ends_of_the_calendar_is_not_found(client, site, member, far):
    client.force_login(member.user)
    query = {**_real(member), "jour": far}
    assert client.get(reverse("espace_famille:planning_confirm"), query).status_code == 404


def test_the_counter_payment_form_given_a_family_that_is_not_a_number_asks_to_choose_one(client, site):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/facturation/reglement/", {"family": "abc", "regie": "99999999999999999999"})
    assert response.status_code == 200
    assert "Choisissez une famille" in _text(response) and "Enregistrer le règlement" not in _text(response)


def test_an_admin_listing_given_an_unknown_filter_says_the_address_is_invalid(client, site):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/espace_famille/family/", {"date": "9999-12-31"})
    assert response.status_code == 400
    assert "Adresse invalide" in _text(response)


def test_an_address_holding_a_nul_byte_is_invalid_before_any_query(client, site):
    """PostgreSQL refuses a NUL byte in any text: the calendar feed's token or a search must not reach it."""
    for url, query in (("/espace-famille/planning/calendrier/%00abc.ics", {}), ("/", {"q": "a\x00b"})):
        response = client.get(url, query)
        assert response.status_code == 400 and "Adresse invalide" in _text(response), url
