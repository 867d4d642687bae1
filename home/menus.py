"""The site's own items of the menus: «Accueil», «Plan du site», «Nous contacter» and the footer's legal pages."""

from commun.menus import MenuItem, register

from .models import SiteIdentity


def identity_for(request) -> SiteIdentity:
    # A request built by hand (a test, a command) has no host: the default site's settings then.
    return SiteIdentity.for_request(request) if hasattr(request, "get_host") else SiteIdentity.current()


def page_url(field: str):
    """The address of a page chosen in the site settings; None (the item hidden) while none is chosen."""

    def url(request, context) -> str | None:
        return identity_for(request).page_url(field, request) or None

    return url


def register_all() -> None:
    register(MenuItem(section="principal", key="home", label="Accueil", url=lambda request, context: "/", order=0))
    register(MenuItem(section="principal", key="plan", label="Plan du site", url=page_url("sitemap_page"), order=90))
    register(
        MenuItem(section="principal", key="contact", label="Nous contacter", url=page_url("contact_page"), order=100)
    )
    footer = [
        ("terms", "Conditions d'utilisation", "terms_page"),
        ("privacy", "Confidentialité", "privacy_page"),
        ("plan", "Plan du site", "sitemap_page"),
        ("contact", "Nous contacter", "contact_page"),
    ]
    for order, (key, label, field) in enumerate(footer):
        register(MenuItem(section="pied_de_page", key=key, label=label, url=page_url(field), order=order * 10))
