"""What every page's layout needs from the family space: the count of unread messages in the header."""

from django.utils.functional import cached_property

from espace_famille.demandes import selectors


class UnreadMessages:
    """Counted on first use only: pages that do not show the header (the Wagtail admin) pay no query."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def count(self) -> int:
        return selectors.unread_messages_count(user=self.user)


def unread_messages(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_messages": UnreadMessages(user)}
