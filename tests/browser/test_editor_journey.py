"""A communication officer's day in the Wagtail admin, in a real browser under the portal's strict content security
policy: chooses the municipality's logo with the image chooser, links the terms of use from a page's rich text
with the page chooser, and reads the page in the preview panel. Nothing is blocked, nothing fails in the console."""

import io
import mimetypes

import pytest
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image as PILImage
from playwright.sync_api import expect
from wagtail.images.models import Image
from wagtail.models import Site

from espace_famille.comptes.roles import COMMUNICATION
from home.models import HomePage, LegalPage, SiteIdentity
from notifications.models import EmailTemplate
from tests.browser.staff import staff_log_in
from tests.factories import UserFactory, role

pytestmark = pytest.mark.django_db(transaction=True)


def serve_media_from_storage(page):
    """The live test server serves no media (production keeps them in object storage): the browser reads the images
    and renditions from the test storage."""

    def fulfil(route):
        name = route.request.url.split("/media/", 1)[1].split("?", 1)[0]
        if not default_storage.exists(name):
            return route.fulfill(status=404)
        with default_storage.open(name) as file:
            route.fulfill(body=file.read(), content_type=mimetypes.guess_type(name)[0])

    page.route("**/media/**", fulfil)


def logo():
    content = io.BytesIO()
    PILImage.new("RGB", (64, 64), "#0b5d6b").save(content, "PNG")
    return Image.objects.create(title="Blason de la ville", file=ImageFile(content, name="blason.png"))


def test_an_editor_chooses_the_logo_links_a_page_and_previews_it(live_server, admin_page, axe, site):
    page = admin_page
    serve_media_from_storage(page)
    blason = logo()
    editor = UserFactory(is_staff=True, email="communication@example.org")
    editor.groups.add(role(COMMUNICATION))
    home = HomePage.objects.get()
    terms = LegalPage.objects.get(slug="conditions-d-utilisation")
    url = live_server.url

    staff_log_in(page, url, editor)

    site_pk = Site.objects.get(is_default_site=True).pk
    page.goto(url + f"/admin/settings/home/siteidentity/{site_pk}/")
    axe(page)
    logo_field = page.locator("[data-contentpath='logo']")
    logo_field.get_by_role("button", name="Choisir une image").click()
    modal = page.locator(".modal-dialog")
    expect(modal.get_by_role("link", name="Blason de la ville")).to_be_visible()
    axe(page)
    modal.get_by_role("link", name="Blason de la ville").click()
    expect(logo_field.get_by_text("Blason de la ville")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()
    assert SiteIdentity.objects.get(site_id=site_pk).logo == blason

    page.goto(url + f"/admin/pages/{home.pk}/edit/")
    axe(page)
    text = page.locator("[data-contentpath='signup_text']")
    text.get_by_role("textbox").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Lisez les conditions d'utilisation.")
    for _ in "conditions d'utilisation.":
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Control+k")
    modal.get_by_role("row").filter(has_text=home.title).get_by_role("link", name="Explorer").click()
    modal.get_by_role("link", name=terms.title).click()
    expect(text.get_by_role("button", name="conditions d'utilisation.")).to_be_visible()
    # The preview renders the form as it stands (Wagtail saves drafts by itself meanwhile): the link it shows went
    # through the server, which found the page chosen.
    page.locator("[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("link", name="conditions d'utilisation.")).to_have_attribute(
        "href", terms.url, timeout=15000
    )
    axe(page)

    # The e-mails' texts: the listing, then one template's form, with its rich text.
    template = EmailTemplate.objects.order_by("pk").first()
    page.goto(url + reverse(EmailTemplate.snippet_viewset.get_url_name("list")))
    axe(page)
    page.goto(url + reverse(EmailTemplate.snippet_viewset.get_url_name("edit"), args=[template.pk]))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe(page)
    assert len(axe.visited) == 6
