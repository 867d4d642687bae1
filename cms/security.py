"""Security middleware: the content security policy by part of the site, and sessions that expire."""

import time

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

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
