"""«Messages envoyés» on the family's admin page («Fiche famille», the `portail_family_sections` hook): the
family's latest messages with their delivery state, each opening its page, and «Écrire à la famille»."""

from django.urls import reverse
from wagtail.admin.ui.components import Component

from espace_famille.messagerie import rules, selectors
from espace_famille.messagerie.admin_views import SEND, VIEW

HOOK = "portail_family_sections"


class FamilyMessagesSection(Component):
    name = "portail_family_messages"
    order = 80
    template_name = "messagerie/admin/family_section.html"

    def __init__(self, *, family, recipients, total: int, can_send: bool):
        self.family, self.recipients, self.total, self.can_send = family, recipients, total, can_send

    def get_context_data(self, parent_context=None):
        return {
            "family": self.family,
            "rows": [(recipient, rules.STATE_LABELS[selectors.state_of(recipient)]) for recipient in self.recipients],
            "total": self.total,
            "index_url": f"{reverse('messagerie_index')}?famille={self.family.pk}",
            "write_url": f"{reverse('messagerie_compose')}?famille={self.family.pk}" if self.can_send else "",
        }


def family_section(request, family) -> FamilyMessagesSection | None:
    """The section for staff who may read the messages (four queries), None for the others."""
    if not request.user.has_perm(VIEW):
        return None
    recipients, total = selectors.family_section(family=family)
    return FamilyMessagesSection(
        family=family, recipients=recipients, total=total, can_send=request.user.has_perm(SEND)
    )
