"""Security middleware: the content security policy by part of the site, and sessions that expire."""

import time

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

EXPIRED = "Votre session a expiré : connectez-vous à nouveau."
# The session's first and latest moments, in seconds since the epoch.
STARTED, SEEN = "_portail_started", "_portail_seen"
# Write the latest moment at most once a minute, not at every request.
SEEN_RESOLUTION = 60


class PortalCSPMiddleware(CSPMiddleware):
    """The portal's strict policy everywhere; the Wagtail admin gets CSP_ADMIN_UPDATE added on top, for the
    inline styles its own screens still set (never for scripts)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path.startswith(settings.ADMIN_PATH_PREFIX) and parts.update is None:
            parts.update = settings.CSP_ADMIN_UPDATE
        return parts


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


class StaffOnlyAdminMiddleware:
    """A signed-in person who is not staff (a parent) gets a clear 403 on every admin page, instead of being sent
    to the admin's login form as if another account could help."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        prefix = settings.ADMIN_PATH_PREFIX
        if (
            path.startswith(prefix)
            and not path[len(prefix) :].startswith(ADMIN_OPEN_PATHS)
            and request.user.is_authenticated
            and not request.user.has_perm("wagtailadmin.access_admin")
        ):
            return render(request, "403_admin.html", status=403)
        return self.get_response(request)
