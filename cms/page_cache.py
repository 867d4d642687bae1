"""The page cache: CMS pages served to anonymous visitors from the `pages` cache, purged when what they show changes.

A page is stored only when a visitor who is not signed in and has no message waiting asks for it with GET or HEAD,
Wagtail serves it with a 200 that sets no cookie, says neither «Vary» nor «private», «no-cache» or «no-store» (a
page under a view restriction says «no-cache»), and its class does not set `page_cache = False`. It is keyed by
the scheme, the host, the path and the query string. The CSRF token of its forms (the login form of the home page)
is stored as a placeholder that each answer replaces with the visitor's own token: a form posted from a cached page
works for every visitor, and no visitor ever reads another's token.

Purging does not empty the cache (its Redis database may be the tasks' and the rate limits'): it changes the
generation, a value stored beside the pages, and an entry written under another generation is a miss. A purge
follows every publication, unpublication, move or deletion of a page, every change of a site, of its settings
(identity, menus' pages), of a view restriction and of an image.

Every request, signed in or not, also takes its Wagtail site and the site's identity (with the pages its menus link
to) from the same cache, under the same generation, in the same read as the page: finding them in the database
cost a third of a family page's time. The site comes with its home page as Wagtail routes to it (its specific
class, its fields as published, its view restrictions), the addresses of the pages its menus link to and the sites'
root paths that give the pages their addresses: a signed-in parent's home page is found, and its links written,
without a query. A page's parts that are the same for every visitor (the home page's cards) are kept with Django's
`{% cache %}`, varied on the host and on the generation this middleware puts on the request
(`request.page_cache_generation`, absent when there is no page cache).
"""

import hashlib
import logging
import re
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH, _does_token_match, get_token
from wagtail import hooks
from wagtail.models import Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.models import SiteIdentity

logger = logging.getLogger(__name__)

ALIAS = "pages"
HEADER = "X-Page-Cache"
GENERATION = "generation"
# What stands for the visitor's CSRF token in a stored page; nothing an editor types looks like it.
PLACEHOLDER = b"__portail_page_cache_csrf_token__"
# A token or a secret, as CsrfViewMiddleware writes them: letters and digits, 64 (masked) or 32 characters long.
_TOKEN = re.compile(
    rb"(?<![A-Za-z0-9])(?:[A-Za-z0-9]{%d}|[A-Za-z0-9]{%d})(?![A-Za-z0-9])" % (CSRF_TOKEN_LENGTH, CSRF_SECRET_LENGTH)
)
_UNCACHEABLE = ("private", "no-cache", "no-store")
MARK = "_page_cache_page"
# A site and its identity, kept until a purge (or this long: they are small, and read by every request).
SITE_SECONDS = 3600


def _cache():
    return caches[ALIAS]


def purge(**_signal_arguments) -> None:
    """Every stored page becomes a miss, now and once the current transaction commits (a page rendered meanwhile
    from the data not yet committed is stored under the generation this replaces)."""
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> str:
    generation = uuid.uuid4().hex
    try:
        _cache().set(GENERATION, generation, timeout=None)
    except Exception:
        logger.exception("Le cache des pages ne répond pas : la purge n'a pas pu être enregistrée.")
    return generation


def _key(request) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.path}?{request.META.get('QUERY_STRING', '')}"
    return "page:" + hashlib.sha256(address.encode()).hexdigest()


def _eligible(request) -> bool:
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    # Not a resolve() of the path to tell a CMS page: it costs more than a lookup that misses. Only what Wagtail
    # served as a page is stored (_storable).
    return not request.user.is_authenticated and not len(getattr(request, "_messages", ()))


def _storable(request, response) -> bool:
    page = getattr(request, MARK, None)
    if page is None or not getattr(page, "page_cache", True):
        return False
    if response.status_code != 200 or response.streaming or response.cookies or response.has_header("Vary"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in _UNCACHEABLE)


def _without_csrf_token(request, content: bytes) -> bytes | None:
    """The page with each of the visitor's CSRF tokens replaced by the placeholder; None when the placeholder is
    already in it (it would give the next visitors a token where the editor wrote the placeholder's text)."""
    if PLACEHOLDER in content:
        return None
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return content

    def replace(match: re.Match) -> bytes:
        candidate = match.group(0).decode()
        return PLACEHOLDER if _does_token_match(candidate, secret) else match.group(0)

    return _TOKEN.sub(replace, content)


def _site_key(request) -> str:
    return f"site:{request.get_host()}"


def _site_for(request, entry, *, generation: str, key: str) -> None:
    """The request's Wagtail site and its identity (home.SiteIdentity, with the pages of the menus), as Wagtail's
    Site.find_for_request and SiteIdentity.for_request would find them: from the cache under the current generation
    (one read shared with the page's), else from the database, then kept for the next requests. Every page, signed
    in or not, needs both; the same purges as the pages' drop them."""
    attribute = SiteIdentity.get_cache_attr_name()
    if entry is not None and entry["generation"] == generation and "root_paths" in entry:
        request._wagtail_site = entry["site"]
        # Where Page.url looks for the sites' root paths before Wagtail's own cache key.
        request._wagtail_cached_site_root_paths = entry["root_paths"]
        if entry["identity"] is not None:
            entry["identity"]._request = request
            setattr(request, attribute, entry["identity"])
        return
    site = Site.find_for_request(request)
    identity = SiteIdentity.for_request(request) if site is not None else None
    if identity is not None:
        identity.keep_page_urls(request)  # the menus' and the footer's links, kept with it
    if site is not None:
        # Kept on the site (Wagtail's cached_property): Page.route_for_request finds the home page without a query,
        # and with its view restrictions (a purge follows every change of one).
        home = site.root_page.localized.specific
        if hasattr(home, "keep_view_restrictions"):
            home.keep_view_restrictions()
    try:
        entry = {"generation": generation, "site": site, "identity": identity, "root_paths": Site.get_site_root_paths()}
        _cache().set(key, entry, timeout=SITE_SECONDS)
    except Exception:
        logger.exception("Le cache des pages ne répond pas : site non enregistré.")


class PageCacheMiddleware:
    """Last of the middleware, so that every other one treats a stored page as the page Wagtail would serve."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        eligible = _eligible(request)
        site_key = _site_key(request)
        key = _key(request) if eligible else ""
        try:
            found = _cache().get_many([GENERATION, site_key, key] if eligible else [GENERATION, site_key])
        except Exception:
            logger.exception("Le cache des pages ne répond pas : page servie sans lui.")
            return self.get_response(request)
        generation = found.get(GENERATION) or _new_generation()
        _site_for(request, found.get(site_key), generation=generation, key=site_key)
        if settings.PAGE_CACHE_SECONDS > 0:
            request.page_cache_generation = generation
        if not eligible:
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None and entry["generation"] == generation:
            return _hit(request, entry)
        response = self.get_response(request)
        if _storable(request, response):
            content = _without_csrf_token(request, response.content)
            if content is not None:
                entry = {"generation": generation, "content": content, "headers": list(response.items())}
                try:
                    _cache().set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
                except Exception:
                    logger.exception("Le cache des pages ne répond pas : page non enregistrée.")
        if hasattr(request, MARK):
            response[HEADER] = "miss"
        return response


def _hit(request, entry: dict) -> HttpResponse:
    content = entry["content"]
    if PLACEHOLDER in content:
        content = content.replace(PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content)
    for name, value in entry["headers"]:
        response[name] = value
    response[HEADER] = "hit"
    return response


def _purge_unless_draft(update_fields=None, **signal_arguments) -> None:
    if update_fields is None:
        purge()


@hooks.register("before_serve_page")
def _mark_page(page, request, serve_args, serve_kwargs):
    setattr(request, MARK, page)


def connect() -> None:
    """Purges on every change that a cached page may show (called from CmsConfig.ready())."""
    from wagtail.contrib.settings.registry import registry
    from wagtail.images import get_image_model
    from wagtail.models import Page, PageViewRestriction, get_page_models

    for name, signal in (("published", page_published), ("unpublished", page_unpublished), ("moved", post_page_move)):
        signal.connect(purge, dispatch_uid=f"page_cache_{name}")
    # A page's draft saved is not what visitors read (Wagtail saves only its revision fields): only a page saved
    # whole (what a script or a migration does, publishing aside) and its deletion (the row of wagtailcore_page goes).
    post_delete.connect(purge, sender=Page, dispatch_uid="page_cache_page_deleted")
    for model in get_page_models():
        post_save.connect(_purge_unless_draft, sender=model, dispatch_uid=f"page_cache_page_saved_{model._meta.label}")
    for model in (Site, PageViewRestriction, get_image_model(), *registry):
        post_save.connect(purge, sender=model, dispatch_uid=f"page_cache_saved_{model._meta.label}")
        post_delete.connect(purge, sender=model, dispatch_uid=f"page_cache_deleted_{model._meta.label}")
