"""«Messages envoyés» on the «Fiche famille» (the `portail_family_sections` hook): the family's latest messages with
their delivery state, each opening its page, and «Écrire à la famille»; and the messages it received among the
objects of its journal (`portail_family_audit_objects`)."""

from django.urls import reverse

from espace_famille.dossier.family_page import FamilySection
from espace_famille.messagerie import rules, selectors
from espace_famille.messagerie.admin_views import SEND, VIEW
from espace_famille.messagerie.models import FamilyMessage, FamilyMessageRecipient


class MessagesSection(FamilySection):
    order = 80
    heading = "Messages envoyés"
    template_name = "messagerie/admin/family_section.html"


def family_section(request, family) -> MessagesSection | None:
    """The section for staff who may read the messages (four queries), None for the others."""
    if not request.user.has_perm(VIEW):
        return None
    recipients, total = selectors.family_section(family=family)
    index = reverse("messagerie_index")
    return MessagesSection(
        family,
        rows=[(recipient, rules.STATE_LABELS[selectors.state_of(recipient)]) for recipient in recipients],
        total=total,
        index_url=f"{index}?famille={family.pk}",
        write_url=f"{reverse('messagerie_compose')}?famille={family.pk}" if request.user.has_perm(SEND) else "",
    )


def audit_objects(family):
    """The messages the family received: their «Message envoyé aux familles» entries are in its journal."""
    received = FamilyMessageRecipient.objects.filter(family=family).values("message_id")
    return [(FamilyMessage, FamilyMessage.objects.filter(pk__in=received))]
