"""What every page's layout needs: the portal's navigation."""

from django.conf import settings
from django.urls import reverse

from .models import SiteIdentity


def portal(request):
    identity = SiteIdentity.for_request(request) if hasattr(request, "get_host") else SiteIdentity.current()

    def page_url(page):
        return page.get_url(request) if page else None

    return {
        "identity": identity,
        "nav": [
            ("home", "Accueil", "/"),
            ("mon_espace", "Mon espace citoyen", reverse("espace_famille:mon_espace")),
            ("espace_famille", "Espace famille", reverse("espace_famille:home")),
            ("espace_facturation", "Espace facturation", reverse("espace_facturation:home")),
            ("plan", "Plan du site", page_url(identity.sitemap_page)),
            ("contact", "Nous contacter", page_url(identity.contact_page)),
        ],
        "franceconnect_enabled": bool(settings.FRANCECONNECT_CLIENT_ID),
        "terms_url": page_url(identity.terms_page),
        "privacy_url": page_url(identity.privacy_page),
    }
