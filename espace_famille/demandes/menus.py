"""«Mes demandes» in the header's account links, shown with its count while messages of the service are unread."""

from commun import write_generation
from commun.menus import MenuItem, per_request, register

from . import selectors


@per_request
def unread_count(request) -> int:
    # Counted only when a page draws the header: the Wagtail admin and anonymous visitors pay no query.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    # Kept until the next write to the database (as «À faire»): a page read costs one cache read, not a count.
    return write_generation.cached(f"unread-messages:{user.pk}", lambda: selectors.unread_messages_count(user=user))


def unread_badge(request, context) -> str:
    count = unread_count(request)
    plural = "" if count == 1 else "s"
    return f"{count} nouveau{'' if count == 1 else 'x'} message{plural}"


def register_all() -> None:
    register(
        MenuItem(
            section="compte",
            key="requests",
            label="Mes demandes",
            url_name="espace_famille:requests",
            condition=lambda request, context: unread_count(request) > 0,
            badge=unread_badge,
        )
    )
