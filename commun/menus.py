"""The portal's menus: a registry of items that each app fills from its AppConfig.ready().

A section is one menu: "principal" (the navigation under the header), "compte" (the account links in the
header), "pied_de_page" (the footer), "espace_famille" and "espace_facturation" (the blocks of each space's
home). Templates render a section with `{% load menus %}{% menu "principal" as items %}`; this module knows no
app, the apps know it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import reverse

# What a condition, a badge, an address or a description is computed from: the request and the context of
# the template (the view's data, e.g. the family shown), so that an item costs no query of its own when the
# page already holds what it needs.
Context = dict[str, Any]


@dataclass(frozen=True)
class MenuItem:
    section: str
    key: str
    label: str
    # A URL name reversed without arguments, or a function giving the address (None hides the item): pages of
    # the CMS chosen in the site settings have no URL name.
    url_name: str = ""
    url: Callable[[HttpRequest, Context], str | None] | None = None
    order: int = 100
    condition: Callable[[HttpRequest, Context], bool] | None = None
    # A short text beside the label («2 nouveaux messages»); empty means no badge.
    badge: Callable[[HttpRequest, Context], str] | None = None
    description: str | Callable[[HttpRequest, Context], str] = ""

    def __post_init__(self):
        if bool(self.url_name) == bool(self.url):
            raise ImproperlyConfigured(f"Menu item {self.section}/{self.key}: give url_name or url, not both.")


@dataclass(frozen=True)
class Entry:
    """An item as one request sees it."""

    key: str
    label: str
    url: str
    badge: str
    description: str
    # "page" on the item's own page, "true" on a page under it (a section of the site), "" elsewhere.
    current: str


_sections: dict[str, dict[str, MenuItem]] = {}
_sorted: dict[str, list[MenuItem]] = {}  # each section's items in their order, until an item comes or goes


def register(item: MenuItem) -> None:
    """Adds an item, or replaces the one of the same key in its section (ready() may run twice in tests)."""
    _sections.setdefault(item.section, {})[item.key] = item
    _sorted.pop(item.section, None)


def unregister(section: str, key: str) -> None:
    _sections.get(section, {}).pop(key, None)
    _sorted.pop(section, None)


def items(section: str) -> list[MenuItem]:
    """The items of a section in their order (then by label, so that equal orders read the same every time)."""
    if section not in _sorted:
        _sorted[section] = sorted(_sections.get(section, {}).values(), key=lambda item: (item.order, item.label))
    return list(_sorted[section])


def item(section: str, key: str) -> MenuItem:
    try:
        return _sections[section][key]
    except KeyError:
        raise ImproperlyConfigured(f"No menu item {section}/{key}: which app registers it?") from None


def crumb(section: str, key: str) -> tuple[str, str]:
    """The (label, URL name) of an item, for the breadcrumbs of the pages under it."""
    found = item(section, key)
    return found.label, found.url_name


def entries(section: str, request: HttpRequest, context: Context | None = None) -> list[Entry]:
    """The items of a section shown to this request, the current one marked."""
    context = {} if context is None else context
    shown = []
    for menu_item in items(section):
        if menu_item.condition is not None and not menu_item.condition(request, context):
            continue
        url = reverse(menu_item.url_name) if menu_item.url_name else menu_item.url(request, context)
        if not url:
            continue
        shown.append((menu_item, url))
    path = getattr(request, "path", "")
    current = current_url(path, [url for _, url in shown])
    return [
        Entry(
            key=menu_item.key,
            label=menu_item.label,
            url=url,
            badge=menu_item.badge(request, context) if menu_item.badge else "",
            description=(
                menu_item.description(request, context) if callable(menu_item.description) else menu_item.description
            ),
            current="" if url != current else "page" if url == path else "true",
        )
        for menu_item, url in shown
    ]


def current_url(path: str, urls: list[str]) -> str:
    """The address among `urls` that leads to `path`: the same one, or else the longest one above it.

    The portal's addresses are a tree (/espace-famille/planning/liste/ is under /espace-famille/), so the item
    of a space stays marked on every page of that space. The home page ("/") is marked on itself only.
    """
    if path in urls:
        return path
    above = [url for url in urls if url != "/" and url.endswith("/") and path.startswith(url)]
    return max(above, key=len, default="")


def per_request(function: Callable[[HttpRequest], Any]) -> Callable[[HttpRequest, Context], Any]:
    """Computes a value once per request, for a condition and a badge that read the same count."""
    attribute = f"_menu_{function.__module__}_{function.__qualname__}".replace(".", "_")

    def cached(request: HttpRequest, context: Context | None = None) -> Any:
        if not hasattr(request, attribute):
            setattr(request, attribute, function(request))
        return getattr(request, attribute)

    return cached
