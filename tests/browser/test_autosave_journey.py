"""Wagtail saves a draft by itself while the editor types (autosave), and warns before leaving a page with edits
not saved. No edit may be taken for saved when it was not: neither what is typed while an autosave is on its way,
nor what is typed in the first seconds, before Wagtail starts watching the form."""

import pytest

from espace_famille.comptes.roles import COMMUNICATION
from home.models import LegalPage
from tests.browser.staff import staff_log_in
from tests.factories import UserFactory, role

pytestmark = pytest.mark.django_db(transaction=True)


def open_terms(page, live_server):
    editor = UserFactory(is_staff=True, email="communication@example.org")
    editor.groups.add(role(COMMUNICATION))
    terms = LegalPage.objects.get(slug="conditions-d-utilisation")
    staff_log_in(page, live_server.url, editor)
    page.goto(live_server.url + f"/admin/pages/{terms.pk}/edit/")
    return terms, page.get_by_role("textbox", name="Titre*")


def autosaved(page):
    """Wagtail says the form is saved (no edit left unsaved, the last autosave succeeded), and still says so a
    moment later: no autosave is due."""
    settled = (
        "() => { const form = document.querySelector('[data-controller~=w-autosave]');"
        " return form.getAttribute('data-w-unsaved-has-edits-value') !== 'true'"
        " && form.getAttribute('data-w-autosave-state-value') === 'saved'; }"
    )
    page.wait_for_function(settled, timeout=20000)
    page.wait_for_timeout(1500)
    page.wait_for_function(settled, timeout=20000)


def draft_title(page, terms, live_server) -> str:
    """The title of the latest draft, as the editor finds it when they come back to the page."""
    page.goto(live_server.url + f"/admin/pages/{terms.pk}/edit/")
    return page.get_by_role("textbox", name="Titre*").input_value()


def test_what_is_typed_during_an_autosave_is_saved_too(live_server, admin_page, site):
    page = admin_page
    terms, title = open_terms(page, live_server)
    page.wait_for_timeout(2500)  # Wagtail watches the form from two seconds after it is shown

    # The first autosave reaches the server, which saves the draft; its answer waits until the editor has typed
    # more.
    held = []

    def hold_first_save(route):
        if route.request.method == "POST" and not held:
            held.append((route, route.fetch()))
        else:
            route.continue_()

    page.route(f"**/admin/pages/{terms.pk}/edit/", hold_first_save)
    title.fill("Conditions générales")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "Wagtail did not autosave"
    # Typed just before the answer comes back: Wagtail checks the form every 500 ms, and has not seen it yet.
    title.fill("Conditions générales d'utilisation du portail")
    route, response = held[0]
    route.fulfill(response=response)

    autosaved(page)
    assert draft_title(page, terms, live_server) == "Conditions générales d'utilisation du portail"


def test_what_is_typed_as_soon_as_the_page_shows_is_saved(live_server, admin_page, site):
    page = admin_page
    terms, title = open_terms(page, live_server)
    title.fill("Conditions d'utilisation du portail")  # before Wagtail starts watching the form

    autosaved(page)
    assert draft_title(page, terms, live_server) == "Conditions d'utilisation du portail"
