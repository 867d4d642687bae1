"""Admin registration of the messages to families: the «Messages aux familles» menu and screens, the audit action,
and the family's «Messages envoyés» on its «Fiche famille»."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from espace_famille.dossier.family_page import AUDIT_OBJECTS_HOOK, SECTIONS_HOOK
from espace_famille.messagerie import admin_views, sections, services


class MessagesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.VIEW)


hooks.register("register_admin_urls", admin_views.admin_urls)
hooks.register(SECTIONS_HOOK, sections.family_section)
hooks.register(AUDIT_OBJECTS_HOOK, sections.audit_objects)


@hooks.register("register_admin_menu_item")
def messages_menu_item():
    return MessagesMenuItem("Messages aux familles", reverse("messagerie_index"), icon_name="mail", order=210)


@hooks.register("register_log_actions")
def register_message_log_actions(actions):
    actions.register_action(services.SEND_ACTION, "Message envoyé aux familles", "Message envoyé aux familles")
