"""The error pages that need more than Django's defaults: a server error drawn without the database, an unknown host
answered without reading the site, a form whose CSRF token expired.

404 and 403 are Django's own views, drawing 404.html and 403.html in the site's layout."""

import logging

from django.core.exceptions import DisallowedHost
from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

PLAIN_LAYOUT = "base_plain.html"


@requires_csrf_token
def bad_request(request, exception):
    """«Demande incorrecte». A request for a host the portal does not serve (DisallowedHost) gets the plain layout:
    the site's settings and menus are found from the host, which would be refused again."""
    if isinstance(exception, DisallowedHost):
        return HttpResponseBadRequest(loader.render_to_string("400.html", {"layout": PLAIN_LAYOUT}))
    return render(request, "400.html", status=400)


def server_error(request):
    """«Le portail rencontre un problème», drawn without the database (it may be what failed) nor the context
    processors that read it."""
    return HttpResponseServerError(loader.render_to_string("500.html", {"signed_in": _signed_in(request)}))


def _signed_in(request) -> bool:
    # The person is usually known by now; if not, finding out reads the session, from a database that may be down.
    try:
        return request.user.is_authenticated
    except Exception:  # the error page must be drawn whatever failed
        logger.warning("Session illisible pendant une erreur serveur", exc_info=True)
        return False


def csrf_failure(request, reason=""):
    """«Le formulaire a expiré»: the CSRF token of a form was missing or stale (the page stayed open too long, or
    the browser refuses the site's cookies). The way back reloads the form the person came from, on this site."""
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "/"
    return render(request, "403_csrf.html", {"back": back}, status=403)
