"""commun.menus: the items each app registers, in their order, shown by their condition, the current one marked."""

import re
from html import unescape

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.test import RequestFactory

from commun import menus
from commun.menus import MenuItem

SECTION = "essai"


@pytest.fixture
def section():
    yield SECTION
    for item in menus.items(SECTION):
        menus.unregister(SECTION, item.key)


def get(path: str, user=None):
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    return request


def fixed(url: str):
    return lambda request, context: url


def test_items_come_in_their_order_whatever_the_order_apps_register_them(section):
    menus.register(MenuItem(section=section, key="c", label="Troisième", url=fixed("/c/"), order=30))
    menus.register(MenuItem(section=section, key="a", label="Premier", url=fixed("/a/"), order=10))
    menus.register(MenuItem(section=section, key="b", label="Deuxième", url=fixed("/b/"), order=20))

    assert [entry.label for entry in menus.entries(section, get("/"))] == ["Premier", "Deuxième", "Troisième"]


def test_registering_a_key_again_replaces_the_item_instead_of_showing_it_twice(section):
    menus.register(MenuItem(section=section, key="a", label="Ancien", url=fixed("/a/")))
    menus.register(MenuItem(section=section, key="a", label="Nouveau", url=fixed("/a/")))

    assert [entry.label for entry in menus.entries(section, get("/"))] == ["Nouveau"]


def test_an_item_is_shown_only_when_its_condition_holds_and_it_has_an_address(section):
    with_family = lambda request, context: context.get("family") is not None  # noqa: E731
    menus.register(MenuItem(section=section, key="always", label="Toujours", url=fixed("/t/"), order=1))
    menus.register(MenuItem(section=section, key="family", label="Famille", url=fixed("/f/"), condition=with_family))
    menus.register(MenuItem(section=section, key="page", label="Page non choisie", url=fixed(None)))

    assert [entry.key for entry in menus.entries(section, get("/"), {"family": None})] == ["always"]
    assert [entry.key for entry in menus.entries(section, get("/"), {"family": "DURANT"})] == ["always", "family"]


def test_the_item_of_the_page_is_the_page_and_the_item_of_a_space_is_marked_on_its_pages(section):
    menus.register(MenuItem(section=section, key="home", label="Accueil", url=fixed("/"), order=0))
    menus.register(MenuItem(section=section, key="space", label="Espace", url=fixed("/espace/"), order=1))
    menus.register(MenuItem(section=section, key="sub", label="Sous-page", url=fixed("/espace/sous/"), order=2))

    def marks(path):
        return {entry.key: entry.current for entry in menus.entries(section, get(path)) if entry.current}

    assert marks("/") == {"home": "page"}
    assert marks("/espace/") == {"space": "page"}
    # Only the nearest item above the page is marked: one mark per menu.
    assert marks("/espace/sous/liste/") == {"sub": "true"}
    assert marks("/espace/autre/") == {"space": "true"}
    assert marks("/ailleurs/") == {}


def test_a_badge_and_its_condition_read_one_value_computed_once_per_request(section):
    calls = []

    @menus.per_request
    def unread(request):
        calls.append(request)
        return 2

    menus.register(
        MenuItem(
            section=section,
            key="requests",
            label="Mes demandes",
            url=fixed("/demandes/"),
            condition=lambda request, context: unread(request) > 0,
            badge=lambda request, context: f"{unread(request)} nouveaux messages",
        )
    )
    request = get("/")

    [entry] = menus.entries(section, request)

    assert entry.badge == "2 nouveaux messages"
    assert len(calls) == 1


def test_an_item_needs_one_address():
    with pytest.raises(ImproperlyConfigured):
        MenuItem(section=SECTION, key="x", label="Sans adresse")
    with pytest.raises(ImproperlyConfigured):
        MenuItem(section=SECTION, key="x", label="Deux adresses", url_name="espace_famille:home", url=fixed("/"))


def test_the_template_tag_draws_the_items_with_the_current_one_marked(section):
    menus.register(MenuItem(section=section, key="a", label="Mes Factures", url=fixed("/factures/"), order=1))
    menus.register(MenuItem(section=section, key="b", label="Mes Règlements", url=fixed("/reglements/"), order=2))
    template = Template(
        '{% load menus %}{% menu "essai" as items %}{% for item in items %}'
        '<a href="{{ item.url }}"{% if item.current %} aria-current="{{ item.current }}"{% endif %}>'
        "{{ item.label }}</a>{% endfor %}"
    )

    html = unescape(template.render(Context({"request": get("/reglements/")})))

    assert html == '<a href="/factures/">Mes Factures</a><a href="/reglements/" aria-current="page">Mes Règlements</a>'


def test_without_a_request_the_tag_draws_nothing(section):
    menus.register(MenuItem(section=section, key="a", label="A", url=fixed("/a/")))
    assert Template('{% load menus %}{% menu "essai" as items %}{{ items|length }}').render(Context({})) == "0"


def test_the_portal_registers_the_guide_s_navigation_in_its_order():
    labels = [item.label for item in menus.items("principal")]
    assert labels == [
        "Accueil",
        "Mon espace citoyen",
        "Espace famille",
        "Espace facturation",
        "Plan du site",
        "Nous contacter",
    ]
    assert [item.label for item in menus.items("espace_famille")] == [
        "Dossier Famille",
        "Planning",
        "Pièces justificatives",
        "Pré-inscription en crèche",
    ]
    assert [item.label for item in menus.items("espace_facturation")] == [
        "Mes Factures",
        "Mes Opérations",
        "Mes Règlements",
        "Mes attestations",
    ]


@pytest.mark.django_db
def test_the_navigation_marks_the_space_of_the_page(client, site):
    from tests.factories import UserFactory

    client.force_login(UserFactory())

    def marked(path):
        page = unescape(client.get(path).content.decode())
        nav = page.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
        return re.findall(r'aria-current="(\w+)">([^<]+)</a>', nav)

    assert marked("/mon-espace/") == [("page", "Mon espace citoyen")]
    assert marked("/mon-espace/demandes/") == [("true", "Mon espace citoyen")]
    assert marked("/espace-famille/") == [("page", "Espace famille")]
    assert marked("/") == [("page", "Accueil")]
