"""Who signs every email: the site hosting the portal provides it, so that notifications imports no app above it.

`home` registers its site settings (`SiteIdentity`) when it starts. With no provider, emails go unsigned.
"""

from collections.abc import Callable

_provider: Callable[[], dict] | None = None


def provide(provider: Callable[[], dict]) -> None:
    """Set the callable returning the signature.

    Its keys: name, address, phone, opening_hours, public_url, service_name, sender.
    """
    global _provider
    _provider = provider


def current() -> dict:
    return _provider() if _provider is not None else {}
