"""The Wagtail admin under the strict content security policy: no inline script on its screens (choosers, date
inputs, inline panels start from static/js/admin.js), and only the preview panel's page may be framed, by the
admin itself."""

from html.parser import HTMLParser

import pytest
from wagtail.models import Site
from wagtail.test.utils.form_data import nested_form_data

from cms import admin_scripts
from home.models import FormPage, LegalPage, SitemapPage
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
