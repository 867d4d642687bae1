"""What every page's layout needs from the site: its identity and legal pages (the menus: commun.menus)."""

from django.conf import settings

from .menus import identity_for


def portal(request):
    identity = identity_for(request)

    def page_url(page):
        return page.get_url(request) if page else None

    return {
        "identity": identity,
        "franceconnect_enabled": bool(settings.FRANCECONNECT_CLIENT_ID),
        "terms_url": page_url(identity.terms_page),
        "privacy_url": page_url(identity.privacy_page),
    }
