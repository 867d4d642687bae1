"""What every page's layout needs from the site: its identity and legal pages (the menus: commun.menus).

Read when a template uses them, not before: the admin's screens, which never show them, pay no query for them."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .menus import identity_for
from .pwa import THEME_COLOUR


def portal(request):
    identity = SimpleLazyObject(lambda: identity_for(request))

    def page_url(field: str):
        def url():
            return identity.page_url(field, request)

        return SimpleLazyObject(url)

    return {
        "identity": identity,
        "franceconnect_enabled": bool(settings.FRANCECONNECT_CLIENT_ID),
        "terms_url": page_url("terms_page"),
        "privacy_url": page_url("privacy_page"),
        "theme_colour": THEME_COLOUR,
    }
