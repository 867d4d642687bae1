"""«Mes messages» among the cards of «Mon espace citoyen», with the number of messages not yet read."""

from commun.menus import MenuItem, per_request, register

from . import selectors


@per_request
def unread(request) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return selectors.unread_count(user=user)


def unread_badge(request, context) -> str:
    count = unread(request)
    if not count:
        return ""
    return f"{count} nouveau{'x' if count > 1 else ''} message{'s' if count > 1 else ''}"


def register_all() -> None:
    register(
        MenuItem(
            section="mon_espace",
            key="messages",
            label="Mes messages",
            url_name="messagerie:list",
            order=10,
            badge=unread_badge,
            description="Les messages que le service envoie à votre famille : informations, fermetures, sorties.",
        )
    )
