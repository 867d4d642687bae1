"""The page cache: anonymous visitors read CMS pages from it, each with their own CSRF token, and it forgets a page
as soon as what the page shows changes."""

import re
from html import unescape

import pytest
from django.core.cache import caches
from django.middleware.csrf import _does_token_match
from django.test import Client
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, PageViewRestriction

from home.models import ContentPage, HomePage, SiteIdentity
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def text(response) -> str:
    return unescape(response.content.decode())


def visit(client, path="/", **extra):
    response = client.get(path, **extra)
    assert response.status_code == 200, path
    return response


def test_an_anonymous_visitor_reads_the_home_page_from_the_cache_without_a_query(site, django_assert_num_queries):
    first = visit(Client())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = visit(Client())
    assert second["X-Page-Cache"] == "hit"
    assert "Connectez-vous au Portail Citoyen" in text(second)
    # Every other middleware still treats it as a page: the security headers are there.
    assert second["X-Frame-Options"] == "DENY" and "default-src 'self'" in second["Content-Security-Policy"]


def test_the_key_is_the_host_the_path_and_the_query_string(site):
    visit(Client(), "/plan-du-site/")
    assert visit(Client(), "/plan-du-site/")["X-Page-Cache"] == "hit"
    assert visit(Client(), "/plan-du-site/?page=2")["X-Page-Cache"] == "miss"
    assert visit(Client(), "/plan-du-site/", HTTP_HOST="autre.example.org")["X-Page-Cache"] == "miss"
    assert visit(Client(), "/plan-du-site/", HTTP_HOST="autre.example.org")["X-Page-Cache"] == "hit"


def test_head_is_served_from_the_cache_too(site):
    visit(Client())
    response = Client().head("/")
    assert response.status_code == 200 and response["X-Page-Cache"] == "hit"


def test_two_visitors_each_get_their_own_csrf_token_and_both_can_sign_in_from_the_cached_home_page(site):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    miss, hit = visit(first), visit(second)
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    first_token, second_token = TOKEN.search(text(miss)).group(1), TOKEN.search(text(hit)).group(1)
    first_secret, second_secret = first.cookies["csrftoken"].value, second.cookies["csrftoken"].value
    assert first_secret != second_secret
    assert _does_token_match(second_token, second_secret) and not _does_token_match(second_token, first_secret)
    assert "__portail_page_cache_csrf_token__" not in text(hit)
    for client, token in ((first, first_token), (second, second_token)):
        user = UserFactory()
        response = client.post(
            "/compte/login/", {"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)


def test_a_visitor_with_a_csrf_cookie_keeps_it_on_a_cached_page(site):
    visit(Client())
    visitor = Client(enforce_csrf_checks=True)
    visitor.get("/compte/login/")
    secret = visitor.cookies["csrftoken"].value
    hit = visit(visitor)
    assert hit["X-Page-Cache"] == "hit"
    assert _does_token_match(TOKEN.search(text(hit)).group(1), secret)


def test_the_contact_form_posted_from_a_cached_page_is_sent_for_two_visitors(site):
    from notifications.models import OutboxMessage

    for number, client in enumerate((Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True))):
        page = visit(client, "/nous-contacter/")
        assert page["X-Page-Cache"] == ("miss", "hit")[number]
        fields = {"nom": "Jeanne", "e_mail": "jeanne@example.org", "objet": "Cantine", "message": "Bonjour"}
        response = client.post("/nous-contacter/", {**fields, "csrfmiddlewaretoken": TOKEN.search(text(page)).group(1)})
        assert response.status_code == 200 and "votre message a bien été envoyé" in text(response)
    assert OutboxMessage.objects.filter(kind="contact_form").count() == 2


def test_a_signed_in_parent_never_reads_the_cache(client, site):
    visit(Client())
    client.force_login(UserFactory())
    response = visit(client)
    assert "X-Page-Cache" not in response and "Se déconnecter" in text(response)
    assert "Connectez-vous au Portail Citoyen" not in text(response)


def test_a_visitor_with_a_message_waiting_reads_it_on_a_fresh_page(client, site):
    visit(Client())
    client.force_login(UserFactory())
    client.post("/compte/logout/")
    response = visit(client)
    assert "X-Page-Cache" not in response
    assert "Vous êtes déconnecté(e)." in text(response)
    assert visit(client)["X-Page-Cache"] == "hit"


def test_pages_other_than_the_cms_pages_are_not_cached(site):
    response = Client().get("/compte/login/")
    assert response.status_code == 200 and "X-Page-Cache" not in response
    missing = Client().get("/pas-de-page-ici/")
    assert missing.status_code == 404 and "X-Page-Cache" not in missing


def test_a_page_under_a_view_restriction_is_never_cached(site):
    page = ContentPage.objects.get(slug="service-enfance-jeunesse")
    path = page.url
    assert visit(Client(), path)["X-Page-Cache"] == "miss"
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret")
    for _ in range(2):
        response = Client().get(path)
        assert response["X-Page-Cache"] == "miss" and "Le service enfance jeunesse" not in text(response)


def _title_changed(page, title):
    page.title = title
    page.save_revision().publish()


def test_publishing_a_page_purges_it(site, django_capture_on_commit_callbacks):
    page = ContentPage.objects.get(slug="service-enfance-jeunesse")
    path = page.url
    visit(Client(), path)
    assert visit(Client(), path)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        _title_changed(page, "Le service jeunesse")
    response = visit(Client(), path)
    assert response["X-Page-Cache"] == "miss" and "Le service jeunesse" in text(response)
    # The site map, which lists it, was purged too.
    assert "Le service jeunesse" in text(visit(Client(), "/plan-du-site/"))


def test_a_draft_does_not_purge(site):
    page = ContentPage.objects.get(slug="service-enfance-jeunesse")
    visit(Client(), page.url)
    page.title = "Brouillon"
    page.save_revision()
    response = visit(Client(), page.url)
    assert response["X-Page-Cache"] == "hit" and "Brouillon" not in text(response)


def test_unpublishing_moving_and_deleting_a_page_purge_it(site):
    page = ContentPage.objects.get(slug="service-enfance-jeunesse")
    path = page.url
    visit(Client(), path)
    page.unpublish()
    assert Client().get(path).status_code == 404
    page.save_revision().publish()
    visit(Client(), path)
    legal = Page.objects.get(slug="conditions-d-utilisation")
    page.move(legal, pos="last-child")
    moved = Page.objects.get(pk=page.pk).url
    # Wagtail leaves a redirect from the old address, which the cache no longer hides.
    response = Client().get(path)
    assert response.status_code == 301 and response["Location"] == moved
    visit(Client(), moved)
    Page.objects.get(pk=page.pk).delete()
    assert Client().get(moved).status_code == 404


def test_changing_the_site_identity_purges_every_page(site):
    visit(Client())
    visit(Client(), "/plan-du-site/")
    identity = SiteIdentity.current()
    identity.municipality_name = "Mairie de Sèvres"
    identity.save()
    for path in ("/", "/plan-du-site/"):
        response = visit(Client(), path)
        assert response["X-Page-Cache"] == "miss" and "Mairie de Sèvres" in text(response)


def test_changing_an_image_purges_every_page(site):
    image = get_image_model().objects.create(title="Logo", file=get_test_image_file())
    visit(Client())
    image.title = "Logo de la mairie"
    image.save()
    assert visit(Client())["X-Page-Cache"] == "miss"


def test_a_purge_does_not_empty_the_other_caches(site):
    from cms import page_cache

    caches["default"].set("throttle", 3)
    visit(Client())
    page_cache.purge()
    assert caches["default"].get("throttle") == 3
    assert visit(Client())["X-Page-Cache"] == "miss"


def test_a_page_class_can_refuse_the_cache(site, monkeypatch):
    monkeypatch.setattr(HomePage, "page_cache", False, raising=False)
    visit(Client())
    assert visit(Client())["X-Page-Cache"] == "miss"


def test_no_page_cache_when_its_lifetime_is_zero(site, settings):
    settings.PAGE_CACHE_SECONDS = 0
    visit(Client())
    assert "X-Page-Cache" not in visit(Client())


def test_a_page_cache_that_does_not_answer_serves_pages_all_the_same(site, monkeypatch):
    from cms import page_cache

    class Broken:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("Redis ne répond pas")

            return fail

    monkeypatch.setattr(page_cache, "_cache", lambda: Broken())
    response = visit(Client())
    assert "Connectez-vous au Portail Citoyen" in text(response)


# The site and its identity, read by every page -----------------------------------------------------------------


def site_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if '"wagtailcore_site"' in q["sql"] or '"home_siteidentity"' in q["sql"]]


def second_visit(client, path):
    """A signed-in parent's second visit of `path`: the page, and the queries it made."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(UserFactory())
    visit(client, path)
    with CaptureQueriesContext(connection) as queries:
        response = visit(client, path)
    return response, queries


def test_a_signed_in_parent_finds_the_site_and_its_identity_in_the_cache(client, site):
    response, queries = second_visit(client, "/espace-famille/")
    assert site_queries(queries) == []
    # The footer's pages, chosen in the identity, are still linked.
    assert "Plan du site" in text(response)


def test_a_signed_in_parent_sees_a_change_of_the_identity_on_the_next_page(client, site):
    client.force_login(UserFactory())
    visit(client, "/espace-famille/")
    identity = SiteIdentity.current()
    identity.municipality_name = "Mairie de Sèvres"
    identity.save()
    assert "Mairie de Sèvres" in text(visit(client, "/espace-famille/"))


def test_a_page_moved_out_of_the_footer_changes_its_link_on_the_next_page(client, site):
    client.force_login(UserFactory())
    identity = SiteIdentity.current()
    sitemap = identity.sitemap_page.specific
    visit(client, "/espace-famille/")
    sitemap.slug = "carte-du-site"
    sitemap.save_revision().publish()
    assert 'href="/carte-du-site/"' in text(visit(client, "/espace-famille/"))


# Wagtail's view restrictions, checked on every page ----------------------------------------------------------


def restriction_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if '"wagtailcore_pageviewrestriction"' in q["sql"]]


def test_a_page_without_restriction_checks_them_without_a_query(client, site):
    _, queries = second_visit(client, ContentPage.objects.get(slug="service-enfance-jeunesse").url)
    assert restriction_queries(queries) == []


def test_a_restriction_on_a_parent_page_applies_at_once_to_a_signed_in_visitor_and_its_removal_too(client, site):
    from django.contrib.auth.models import Group

    page = ContentPage.objects.get(slug="service-enfance-jeunesse")
    client.force_login(UserFactory())
    assert "Le service enfance jeunesse" in text(visit(client, page.url))
    restriction = PageViewRestriction.objects.create(
        page=page.get_parent(), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Élus"))
    response = client.get(page.url)
    assert response.status_code == 302 and "Le service enfance jeunesse" not in text(response)
    # Wagtail's admin still reads them as a queryset (its privacy dialog orders them).
    assert list(page.specific.get_view_restrictions().order_by("-page__depth")) == [restriction]
    restriction.delete()
    assert "Le service enfance jeunesse" in text(visit(client, page.url))


# A signed-in parent's home page: the page and its cards from the cache -----------------------------------------


def page_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if '"wagtailcore_page"' in q["sql"]]


CARD_TEXT = "Consultez et payez vos factures."  # a card of the demo's home page


def summer_card() -> list:
    return [
        ("card", {"title": "Inscriptions de l'été", "text": "Du 6 juillet au 28 août.", "space": "espace_famille:home"})
    ]


def test_a_signed_in_parent_finds_the_home_page_and_its_cards_without_reading_the_pages(client, site):
    response, queries = second_visit(client, "/")
    assert page_queries(queries) == []
    assert CARD_TEXT in text(response) and "Se déconnecter" in text(response)


def test_cards_published_show_at_once_to_a_signed_in_parent(client, site, django_capture_on_commit_callbacks):
    client.force_login(UserFactory())
    assert CARD_TEXT in text(visit(client, "/"))
    home = HomePage.objects.get()
    home.cards = summer_card()
    with django_capture_on_commit_callbacks(execute=True):
        home.save_revision().publish()
    html = text(visit(client, "/"))
    assert "Du 6 juillet au 28 août." in html and CARD_TEXT not in html


def test_a_draft_is_not_read_but_a_page_saved_whole_is_at_once(client, site):
    client.force_login(UserFactory())
    visit(client, "/")
    home = HomePage.objects.get()
    home.cards = summer_card()
    home.save_revision()  # a draft: the visitors still read the published cards
    assert CARD_TEXT in text(visit(client, "/"))
    assert CARD_TEXT in text(visit(Client(), "/"))
    home.save()  # what a script does: the page as saved is what everyone reads
    for visitor in (client, Client()):
        html = text(visit(visitor, "/"))
        assert "Du 6 juillet au 28 août." in html and CARD_TEXT not in html


def test_a_restriction_on_the_home_page_applies_at_once_to_a_signed_in_visitor_and_its_removal_too(client, site):
    from django.contrib.auth.models import Group

    client.force_login(UserFactory())
    assert CARD_TEXT in text(visit(client, "/"))  # the home page, kept with its restrictions (none)
    restriction = PageViewRestriction.objects.create(
        page=HomePage.objects.get(), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Élus"))
    response = client.get("/")
    assert response.status_code == 302 and CARD_TEXT not in text(response)
    restriction.delete()
    assert CARD_TEXT in text(visit(client, "/"))
