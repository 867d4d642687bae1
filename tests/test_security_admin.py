"""The Wagtail admin under the strict content security policy: no inline script on its screens (choosers, date
inputs, inline panels start from static/js/admin.js), and only the preview panel's page may be framed, by the
admin itself."""

import io
from html.parser import HTMLParser

import pytest
from django.core.files.images import ImageFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images.models import Image
from wagtail.models import Site
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms import admin_scripts
from home.models import FormPage, HomePage, LegalPage, SitemapPage
from notifications.models import EmailTemplate
from tests.factories import UserFactory
from tests.test_security import _policy


class InlineScripts(HTMLParser):
    """The scripts of a page the browser would execute from the page itself: no src, and not a data block."""

    DATA_TYPES = {"application/json", "text/template"}

    def __init__(self):
        super().__init__()
        self.found, self._inline = [], False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self._inline = tag == "script" and "src" not in attributes and attributes.get("type") not in self.DATA_TYPES
        if tag != "script":
            self.found += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]

    def handle_data(self, data):
        if self._inline:
            self.found.append(data.strip()[:120])
            self._inline = False

    def handle_endtag(self, tag):
        self._inline = False


def inline_scripts(html: str) -> list[str]:
    parser = InlineScripts()
    parser.feed(html)
    return parser.found


@pytest.fixture
def administrator(client, site):
    client.force_login(UserFactory(is_superuser=True, is_staff=True, email="admin@example.org"))
    return client


def test_the_admin_screens_with_choosers_dates_and_inline_panels_hold_no_inline_script(administrator):
    site = Site.objects.get(is_default_site=True)
    screens = {
        # The logo (image chooser) and the portal's pages (page choosers).
        "identité": f"/admin/settings/home/siteidentity/{site.pk}/",
        # «Champs du formulaire» (an inline panel).
        "formulaire": f"/admin/pages/{FormPage.objects.get().pk}/edit/",
        # «mise à jour le» (a date input).
        "conditions": f"/admin/pages/{LegalPage.objects.first().pk}/edit/",
        # The tasks of a workflow (an inline panel of task choosers).
        "processus": "/admin/workflows/add/",
    }
    for name, url in screens.items():
        response = administrator.get(url)
        assert response.status_code == 200, name
        assert inline_scripts(response.content.decode()) == [], name
        assert b"data-portail-start=" in response.content, name


def test_a_start_script_is_data_that_cannot_close_its_element():
    script = admin_scripts.start_script("PageChooser", "id_page", {"title": "</script><script>alert(1)</script>"})
    assert script.count("</script>") == 1
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in script
    with pytest.raises(ValueError):
        admin_scripts.start_script("eval", "alert(1)")


def test_the_page_in_the_preview_panel_may_be_framed_by_the_admin_only(administrator):
    sitemap = SitemapPage.objects.get()
    preview_url = f"/admin/pages/{sitemap.pk}/edit/preview/"
    form = nested_form_data({"title": "Plan du site", "slug": sitemap.slug, "intro": "Toutes les pages du portail."})
    assert administrator.post(preview_url, form).json()["is_valid"]

    preview = administrator.get(preview_url, {"in_preview_panel": "true"})
    assert "Toutes les pages du portail." in preview.content.decode()
    assert _policy(preview)["frame-ancestors"] == ["'self'"]
    assert _policy(preview)["script-src"] == ["'self'"]

    assert _policy(administrator.get(f"/admin/pages/{sitemap.pk}/edit/"))["frame-ancestors"] == ["'none'"]
    assert _policy(administrator.get(sitemap.url))["frame-ancestors"] == ["'none'"]


def test_an_e_mail_preview_keeps_its_inline_styles_never_scripts(administrator):
    """An e-mail carries its styles inline (mail clients read no style sheet): the preview panel shows them."""
    template = EmailTemplate.objects.order_by("pk").first()
    viewset = EmailTemplate.snippet_viewset
    preview_url = reverse(viewset.get_url_name("preview_on_edit"), args=[template.pk])
    form = {field: getattr(template, field) for field in ("kind", "subject", "body", "zone")}
    assert administrator.post(preview_url, form).json()["is_valid"]

    preview = administrator.get(preview_url, {"in_preview_panel": "true"})
    assert preview.status_code == 200
    assert "'unsafe-inline'" in _policy(preview)["style-src"]
    assert _policy(preview)["script-src"] == ["'self'"]
    assert _policy(preview)["frame-ancestors"] == ["'self'"]
    # Everywhere else on the site, no inline style.
    assert "'unsafe-inline'" not in _policy(administrator.get("/"))["style-src"]


def test_the_image_chooser_thumbnails_are_decorative_beside_their_title(administrator):
    content = io.BytesIO()
    PILImage.new("RGB", (8, 8), "#0b5d6b").save(content, "PNG")
    Image.objects.create(title="Blason de la ville", file=ImageFile(content, name="blason.png"))

    page = administrator.get("/admin/images/chooser/").json()["html"]
    assert 'alt=""' in page
    assert 'alt="Blason de la ville"' not in page
    assert "Blason de la ville" in page


def test_the_home_page_previews_its_new_cards_not_the_ones_kept_for_the_visitors(administrator):
    """The published cards are kept for every visitor (cms/page_cache.py): the preview shows the editor's draft."""
    assert "Consultez et payez vos factures." in administrator.get("/").content.decode()
    home = HomePage.objects.get()
    preview_url = f"/admin/pages/{home.pk}/edit/preview/"
    card = {
        "title": "Inscriptions de l'été",
        "text": "Du 6 juillet au 28 août.",
        "page": "",
        "space": "espace_famille:home",
    }
    form = nested_form_data(
        {
            "title": home.title,
            "slug": home.slug,
            "login_title": home.login_title,
            "signup_title": home.signup_title,
            "signup_text": rich_text(home.signup_text),
            "cards": streamfield([("card", card)]),
        }
    )
    assert administrator.post(preview_url, form).json()["is_valid"]

    preview = administrator.get(preview_url, {"in_preview_panel": "true"}).content.decode()
    assert "Du 6 juillet au 28 août." in preview
    assert "Consultez et payez vos factures." not in preview


def test_the_home_page_previews_as_a_visitor_reads_it(administrator):
    """The editor writes the texts a visitor reads (connexion, création de compte): the preview shows them, not the
    editor's own «À faire»."""
    home = HomePage.objects.get()
    preview_url = f"/admin/pages/{home.pk}/edit/preview/"
    form = nested_form_data(
        {
            "title": home.title,
            "slug": home.slug,
            "login_title": home.login_title,
            "signup_title": "Pas encore de compte ?",
            "signup_text": rich_text("<p>Lisez les conditions d'utilisation.</p>"),
            "cards": streamfield([]),
        }
    )
    assert administrator.post(preview_url, form).json()["is_valid"]

    preview = administrator.get(preview_url, {"in_preview_panel": "true"}).content.decode()
    assert "Pas encore de compte ?" in preview
    assert "Lisez les conditions d'utilisation." in preview
    assert "À faire" not in preview
    assert "Se déconnecter" not in preview
