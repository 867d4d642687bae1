"""Security middleware: the content security policy by part of the site, and sessions that expire."""

import time
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from . import staff_auth
from .staff_auth import STARTED

EXPIRED = "Votre session a expiré : connectez-vous à nouveau."
# The session's latest moment, in seconds since the epoch (its first one: staff_auth.STARTED).
SEEN = "_portail_seen"
# Write the latest moment at most once a minute, not at every request.
SEEN_RESOLUTION = 60


class PortalCSPMiddleware(CSPMiddleware):
    """The portal's strict policy everywhere; the Wagtail admin gets CSP_ADMIN_UPDATE added on top, for the
    inline styles its own screens still set (never for scripts). No page may be framed (frame-ancestors 'none'),
    except what the admin itself frames: the page shown in the preview panel, and Wagtail's views that allow
    their own origin to frame them (X-Frame-Options: SAMEORIGIN, the previews), which the admin alone may
    frame."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if _framed_by_the_admin(request, response):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["'self'"]}
        if parts.update is not None:  # the view's own (an e-mail's preview: its inline styles)
            return parts
        if request.path.startswith(settings.ADMIN_PATH_PREFIX):
            parts.update = settings.CSP_ADMIN_UPDATE
        elif settings.FRANCECONNECT_CLIENT_ID:
            # The FranceConnect buttons post to the portal, which sends the browser on to FranceConnect: the
            # form-action directive covers that redirection.
            parts.update = {"form-action": [_origin(settings.FRANCECONNECT_ISSUER)]}
        return parts


def _framed_by_the_admin(request, response) -> bool:
    # Wagtail renders the preview panel's page through the whole middleware chain, on a request of its own
    # (wagtail.models.preview.make_preview_request) marked is_preview and in_preview_panel: that response keeps
    # the policy written then. Its admin views that the admin frames say so with X-Frame-Options.
    if getattr(request, "is_preview", False) and getattr(request, "in_preview_panel", False):
        return True
    return request.path.startswith(settings.ADMIN_PATH_PREFIX) and response.get("X-Frame-Options") == "SAMEORIGIN"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class PrivateNoStoreMiddleware:
    """Pages of the family space, the billing space, the account and the admin hold personal data (health,
    IBAN, invoices): no browser or proxy keeps a copy (`Cache-Control: no-store, private`), whatever the view
    or the answer (a form's errors, a 404)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(settings.PRIVATE_PATH_PREFIXES):
            add_never_cache_headers(response)
        return response


# Set on the request by the signal of Django's logout(), whoever calls it.
SIGNED_OUT = "_portail_signed_out"
# What a browser forgets of the portal when a session ends: its cache, and its storage, which holds the service
# worker and the planning it kept for offline reading (static/js/sw.js).
CLEAR_SITE_DATA = '"cache", "storage"'


# Whether the account signed in may open Wagtail's admin, kept in its session at sign-in: the site's pages show
# Wagtail's bar to editors only, without loading every permission of each parent on each page. The bar is a
# shortcut, not a permission: the admin checks its own, and a right granted later shows the bar at the next sign-in.
EDITOR_SESSION_KEY = "portail_editor"


def mark_editor(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[EDITOR_SESSION_KEY] = user.has_perm("wagtailadmin.access_admin")


def mark_signed_out(sender, request, user, **kwargs):
    if request is not None and user is not None:
        setattr(request, SIGNED_OUT, True)


class ClearSiteDataMiddleware:
    """The answer that ends a session — «Se déconnecter», the FranceConnect logout (the same view), a session that
    expired, a staff session without its second factor — tells the browser to forget what it kept of the portal
    (`Clear-Site-Data`): on a shared phone, the next person finds no planning of the previous one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, SIGNED_OUT, False):
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


class SessionExpiryMiddleware:
    """A signed-in session ends after SESSION_IDLE_SECONDS without a request, and SESSION_ABSOLUTE_SECONDS after
    it began, whatever the activity: the person signs in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(STARTED, now)
            seen = session.get(SEEN, now)
            if now - seen > settings.SESSION_IDLE_SECONDS or now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, EXPIRED)
                return redirect_to_login(request.get_full_path(), _login_url(request))
            if SEEN not in session or now - seen >= SEEN_RESOLUTION:
                session[SEEN] = now
        return self.get_response(request)


def _login_url(request) -> str:
    return "/admin/login/" if request.path.startswith(settings.ADMIN_PATH_PREFIX) else settings.LOGIN_URL


# The admin's own sign-in pages and assets stay open: a staff member signs in there.
ADMIN_OPEN_PATHS = ("login/", "logout/", "password_reset/", "jsi18n/", "sprite/")

SECOND_FACTOR_SETUP = (
    "L'administration du portail demande une double authentification : activez une application "
    "d'authentification ou ajoutez une clé de sécurité pour continuer."
)
SECOND_FACTOR_LOGIN = "Connectez-vous avec votre mot de passe et votre second facteur pour accéder à l'administration."


class StaffOnlyAdminMiddleware:
    """A signed-in person who is not staff (a parent) gets a clear 403 on every admin page, instead of being sent
    to the admin's login form as if another account could help.

    Staff reach the admin only with a session where a second factor was used: one who has none yet is sent to set
    one up; one who has one but signed in without it (another way in) signs in again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        prefix = settings.ADMIN_PATH_PREFIX
        if (
            not path.startswith(prefix)
            or path[len(prefix) :].startswith(ADMIN_OPEN_PATHS)
            or not request.user.is_authenticated
        ):
            return self.get_response(request)
        if not request.user.has_perm("wagtailadmin.access_admin"):
            return render(request, "403_admin.html", status=403)
        if not staff_auth.second_factor_used(request):
            if staff_auth.has_second_factor(request.user):
                logout(request)
                messages.info(request, SECOND_FACTOR_LOGIN)
                return redirect_to_login(request.get_full_path(), _login_url(request))
            messages.info(request, SECOND_FACTOR_SETUP)
            if staff_auth.enrolment_needed(request):
                return redirect("staff_enrolment")
            return redirect(staff_auth.setup_url())
        return self.get_response(request)


# allauth's pages that add a second factor: a staff member's first one needs the e-mailed link (cms/staff_auth.py).
ENROLMENT_URL_NAMES = ("mfa_activate_totp", "mfa_add_webauthn")


class StaffEnrolmentMiddleware:
    """Sends a staff member with no second factor, whose session has not opened the enrolment link, from
    allauth's enrolment pages to «Activer la double authentification»."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.user.is_authenticated
            and request.path in _enrolment_paths()
            and staff_auth.enrolment_needed(request)
        ):
            return redirect("staff_enrolment")
        return self.get_response(request)


def _enrolment_paths() -> set[str]:
    return {reverse(name) for name in ENROLMENT_URL_NAMES}


# Modules of the libraries whose admin views read their own parameters (choosers, workflows, listings).
UPSTREAM_VIEWS = ("wagtail.", "wagtail_modeladmin.")


class MalformedAddressMiddleware:
    """A malformed address answers 400 «Adresse invalide», never a server error: one holding a NUL byte (no
    address of the portal has one, and PostgreSQL refuses it in any text it is compared with), and those the
    portal cannot parse itself: an admin listing given a filter it does not know (IncorrectLookupParameters, which
    Django's own admin turns into a message), and Wagtail's views that convert an identifier from the address
    without checking it (a chooser's «chosen/x/», a workflow's step number). The portal's own views read their
    parameters through commun.parsing: their errors stay server errors, to be fixed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key + value for key, value in request.GET.items()):
            return _bad_request(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, IncorrectLookupParameters) or (
            isinstance(exception, ValueError | OverflowError) and _upstream_view(request)
        ):
            return _bad_request(request)
        return None


def _bad_request(request):
    back = settings.ADMIN_PATH_PREFIX if request.path.startswith(settings.ADMIN_PATH_PREFIX) else "/"
    return render(request, "bad_request.html", {"back": back}, status=400)


def _upstream_view(request) -> bool:
    match = request.resolver_match
    return bool(match) and getattr(match.func, "__module__", "").startswith(UPSTREAM_VIEWS)
