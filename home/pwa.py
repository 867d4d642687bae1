"""The installable portal: its web app manifest, its service worker served from the root, the «hors ligne» page."""

import hashlib
import json
import re
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from .menus import identity_for

# The brand colour of the portal's stylesheet (--brand in static/css/portail.css): the phone's bar takes it.
THEME_COLOUR = "#0b5d6b"
BACKGROUND_COLOUR = "#ffffff"
ICONS = (
    ("img/pwa-192.png", 192, "any"),
    ("img/pwa-512.png", 512, "any"),
    ("img/pwa-maskable-192.png", 192, "maskable"),
    ("img/pwa-maskable-512.png", 512, "maskable"),
)
# What the service worker keeps from the start, for the «hors ligne» page to show in the site's layout.
PRECACHED_STATIC = ("css/portail.css", "js/pwa.js", "img/favicon.svg")
# A municipality's name often starts with its kind: the phone's icon shows the rest under the icon.
NAME_PREFIX = re.compile(r"^(mairie|ville|commune)\s+(de\s+la\s+|de\s+l'|de\s+|d')?", re.IGNORECASE)


def short_name(municipality_name: str) -> str:
    """«Boulogne-Billancourt» for «Mairie de Boulogne-Billancourt»: what fits under an icon."""
    return NAME_PREFIX.sub("", municipality_name).strip() or municipality_name


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request):
    identity = identity_for(request)
    document = {
        "id": "/",
        "name": f"{identity.municipality_name} — Portail citoyen",
        "short_name": short_name(identity.municipality_name),
        "description": "Espace famille et espace facturation de votre commune : planning, demandes, factures.",
        "lang": "fr",
        "dir": "ltr",
        "start_url": reverse("espace_famille:home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static(path), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
            for path, size, purpose in ICONS
        ],
    }
    return JsonResponse(
        document, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False, "indent": 2}
    )


@cache
def _worker_source_kept() -> str:
    return _worker_source_read()


def _worker_source_read() -> str:
    with open(finders.find("js/sw.js"), encoding="utf-8") as source:
        return source.read()


def _worker_source() -> str:
    # Read once in production; at each request while developing, so that a change to sw.js is served at once.
    return _worker_source_read() if settings.DEBUG else _worker_source_kept()


@require_GET
@never_cache
def service_worker(request):
    """static/js/sw.js, from the root so that it may look after every page of the portal (a script under /static/
    would only see /static/), with the addresses it precaches: the static files' names change with their content
    in production. The worker is never cached by the browser: a new version is picked up at the next visit."""
    config = {
        "offline": reverse("pwa_offline"),
        "precache": [reverse("pwa_offline"), *(static(path) for path in PRECACHED_STATIC)],
        "static": static(""),
        "admin": "/admin/",
    }
    source = f"self.PORTAIL = {json.dumps(config)};\n{_worker_source()}"
    # The caches' names change with the worker: a new version starts clean and drops the old caches.
    version = hashlib.sha256(source.encode()).hexdigest()[:12]
    response = HttpResponse(source.replace("__VERSION__", version), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def offline(request):
    """«Vous êtes hors ligne»: the page the service worker shows when a page cannot be reached. It is fetched once
    without the session (it names nobody) and kept on the device."""
    return render(request, "home/offline.html", {"planning_url": reverse("espace_famille:planning")})
