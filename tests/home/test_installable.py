"""The installable portal: its manifest and icons, the service worker served from the root, the «hors ligne» page,
the content security policy that lets them in, and a sign-out that tells the browser to forget what it kept."""

import importlib.util
import json
import re
import time
from datetime import datetime
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
import time_machine
from django.contrib.staticfiles import finders
from PIL import Image
from wagtail.models import Page

from cms import security
from espace_famille.comptes.models import FranceConnectIdentity
from home import pwa
from tests.factories import ChildFactory, UserFactory, parent_of, service_instructor
from tests.franceconnect_provider import CLIENT_ID, CLIENT_SECRET, PERSON, Provider

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CLEAR = '"cache", "storage"'


def text(response) -> str:
    return unescape(response.content.decode())


def policy(response) -> dict[str, list[str]]:
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.fixture
def parent(client, site):
    user = parent_of(ChildFactory().family)
    client.force_login(user)
    return user


def test_the_manifest_names_the_municipality_and_opens_the_family_space(client, site):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Mairie de Boulogne-Billancourt — Portail citoyen"
    assert manifest["short_name"] == "Boulogne-Billancourt"
    assert manifest["lang"] == "fr" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/espace-famille/" and manifest["scope"] == "/"
    assert [(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]] == [
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    ]


def test_the_manifest_takes_the_name_the_municipality_gives_itself_in_wagtail(client, site):
    from home.models import SiteIdentity

    identity = SiteIdentity.current()
    identity.municipality_name = "Ville de Saint-Malo"
    identity.save()
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    assert manifest["name"] == "Ville de Saint-Malo — Portail citoyen" and manifest["short_name"] == "Saint-Malo"


def test_the_theme_colour_is_the_brand_colour_of_the_site(client, site):
    stylesheet = (ROOT / "static" / "css" / "portail.css").read_text()
    brand = re.search(r"--brand: (#[0-9a-f]{6});", stylesheet).group(1)
    assert json.loads(client.get("/manifest.webmanifest").content)["theme_color"] == brand
    assert f'<meta name="theme-color" content="{brand}">' in client.get("/").content.decode()


def test_every_icon_exists_as_a_png_of_its_size(client, site):
    for icon in json.loads(client.get("/manifest.webmanifest").content)["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        with Image.open(path) as image:
            assert image.format == "PNG" and f"{image.width}x{image.height}" == icon["sizes"]


def test_the_committed_icons_are_what_the_script_draws():
    spec = importlib.util.spec_from_file_location("pwa_icons", ROOT / "scripts" / "pwa_icons.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    for size in (192, 512):
        for maskable, name in ((False, f"pwa-{size}.png"), (True, f"pwa-maskable-{size}.png")):
            drawn = script.draw(size, maskable=maskable)
            with Image.open(ROOT / "static" / "img" / name) as committed:
                assert committed.convert("RGBA").tobytes() == drawn.convert("RGBA").tobytes(), name
        # A maskable icon fills its square: a phone cutting it to a circle shows no transparent corner.
        with Image.open(ROOT / "static" / "img" / f"pwa-maskable-{size}.png") as maskable:
            assert maskable.convert("RGBA").getpixel((0, 0)) == (11, 93, 107, 255)


def test_every_page_of_the_site_links_the_manifest_and_the_script_that_registers_the_worker(client, site):
    page = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<script src="/static/js/pwa.js" defer></script>' in page
    assert '<link rel="apple-touch-icon" href="/static/img/pwa-192.png">' in page


def test_the_service_worker_is_served_from_the_root_for_the_whole_site_and_never_cached(client, site):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert {"no-cache", "no-store", "max-age=0"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    source = response.content.decode()
    config = json.loads(re.match(r"self\.PORTAIL = (.*);\n", source).group(1))
    assert config["offline"] == "/hors-ligne/"
    assert config["precache"] == [
        "/hors-ligne/",
        "/static/css/portail.css",
        "/static/js/pwa.js",
        "/static/img/favicon.svg",
    ]
    assert "__VERSION__" not in source and re.search(r'"portail-shell-[0-9a-f]{12}"', source)
    assert client.post("/sw.js").status_code == 405


def test_the_worker_keeps_only_the_planning_pages_of_the_family_space():
    source = (ROOT / "static" / "js" / "sw.js").read_text()
    kept = json.loads(re.search(r"const PLANNING_PAGES = (\[.*\]);", source).group(1))
    assert kept == ["/espace-famille/planning/", "/espace-famille/planning/liste/"]


def test_the_offline_page_says_so_in_french_in_the_site_layout_without_signing_in(client, site):
    response = client.get("/hors-ligne/")
    assert response.status_code == 200
    page = text(response)
    assert '<html lang="fr"' in page and "<title>Hors ligne — Mairie de Boulogne-Billancourt</title>" in page
    assert "<h1>Vous êtes hors ligne</h1>" in page
    assert "Ce que vous pouvez encore faire" in page
    assert '<a href="/espace-famille/planning/">Consulter le dernier planning enregistré sur cet appareil</a>' in page
    assert '<a class="button" href="/" data-retry>Réessayer</a>' in page
    assert (
        'Appeler le <a href="tel:02.02.02.02.02">02.02.02.02.02</a> (Mairie de Boulogne-Billancourt, tous les jours'
        in page
    )
    assert "892 rue Yves Kermen" in page  # the footer of the site's layout


def test_the_offline_page_names_nobody_and_leaves_the_messages_to_the_next_page(client, parent):
    page = text(client.get("/hors-ligne/"))
    assert parent.email not in page and "Se déconnecter" not in page and "data-signed-out" not in page
    client.post("/compte/logout/")
    assert "Vous êtes déconnecté(e)." not in text(client.get("/hors-ligne/"))
    assert "Vous êtes déconnecté(e)." in text(client.get("/compte/login/"))


def test_the_planning_carries_the_hidden_offline_banner_with_the_moment_it_was_drawn(client, parent):
    moment = datetime(2026, 12, 4, 14, 32, tzinfo=ZoneInfo("Europe/Paris"))
    with time_machine.travel(moment, tick=False):
        client.force_login(parent)
        for address in ("/espace-famille/planning/", "/espace-famille/planning/liste/"):
            page = text(client.get(address))
            assert re.search(
                r'<div class="message message-warning offline-banner" role="status" data-offline-banner hidden>\s*'
                r"<p><strong>Hors ligne : planning enregistré le 04/12/2026 à 14:32</strong></p>",
                page,
            ), address
    # Elsewhere no page says it was kept.
    assert "data-offline-banner" not in text(client.get("/espace-facturation/"))


def test_the_content_security_policy_lets_in_the_worker_and_the_manifest_and_nothing_else(client, site):
    for address in ("/", "/hors-ligne/", "/compte/login/"):
        directives = policy(client.get(address))
        assert "'self'" in directives["worker-src"] and directives["manifest-src"] == ["'self'"]
        assert directives["script-src"] == ["'self'"]


def test_signing_out_tells_the_browser_to_forget_the_portal(client, parent):
    assert "Clear-Site-Data" not in client.get("/espace-famille/planning/")
    response = client.post("/compte/logout/")
    assert response.status_code == 302 and response["Clear-Site-Data"] == CLEAR
    # Nobody was signed in: nothing to forget.
    assert "Clear-Site-Data" not in client.post("/compte/logout/")


def test_a_session_that_expires_tells_the_browser_to_forget_the_portal(client, parent, settings):
    settings.SESSION_IDLE_SECONDS = 30 * 60
    session = client.session
    session[security.SEEN] = time.time() - 31 * 60
    session.save()
    response = client.get("/espace-famille/planning/")
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/")
    assert response["Clear-Site-Data"] == CLEAR


def test_the_franceconnect_logout_tells_the_browser_to_forget_the_portal(client, site, settings):
    with Provider() as provider:
        settings.FRANCECONNECT_CLIENT_ID = CLIENT_ID
        settings.FRANCECONNECT_CLIENT_SECRET = CLIENT_SECRET
        settings.FRANCECONNECT_ISSUER = provider.issuer
        FranceConnectIdentity.objects.create(user=UserFactory(), sub=PERSON["sub"])
        response = client.post("/compte/franceconnect/connexion/")
        back = requests.get(response["Location"], allow_redirects=False, timeout=5).headers["Location"]
        client.get(back.removeprefix("http://testserver"))
        assert "_franceconnect_id_token" in client.session
        response = client.post("/compte/logout/")
    assert response["Location"].startswith(provider.issuer + "/session/end?")
    assert response["Clear-Site-Data"] == CLEAR


def test_pages_drawn_for_nobody_signed_in_ask_the_worker_to_forget_the_planning(client, parent):
    assert "data-signed-out" not in text(client.get("/espace-famille/planning/"))
    client.post("/compte/logout/")
    assert "<body data-signed-out>" in text(client.get("/compte/login/"))


def test_the_admin_and_its_preview_never_register_the_worker(client, site):
    client.force_login(service_instructor(is_superuser=True))
    assert "pwa.js" not in client.get("/admin/").content.decode()
    assert "pwa.js" not in client.get("/admin/pages/").content.decode()
    home = Page.objects.get(depth=2).specific
    preview = home.make_preview_request()
    assert preview.status_code == 200 and "Accueil" in preview.content.decode()
    assert "pwa.js" not in preview.content.decode()
    assert "pwa.js" in client.get(home.url).content.decode()


def test_the_short_name_drops_the_kind_of_municipality():
    assert pwa.short_name("Mairie de Boulogne-Billancourt") == "Boulogne-Billancourt"
    assert pwa.short_name("Commune d'Arles") == "Arles"
    assert pwa.short_name("Mairie") == "Mairie"
    assert pwa.short_name("Saint-Denis") == "Saint-Denis"
