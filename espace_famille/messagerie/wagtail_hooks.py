"""Admin registration of the messages to families: the «Messages aux familles» menu and screens, the audit action
and where the site's history links a message, and the family's «Messages envoyés» on its «Fiche famille»."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.admin_url_finder import register_admin_url_finder
from wagtail.admin.menu import MenuItem

from commun import todo
from commun.admin_links import ScreenURLFinder
from espace_famille.dossier.family_page import AUDIT_OBJECTS_HOOK, SECTIONS_HOOK
from espace_famille.messagerie import admin_views, sections, services
from espace_famille.messagerie import todo as family_todo
from espace_famille.messagerie.models import FamilyMessage


class MessagesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.VIEW)


class MessageURLFinder(ScreenURLFinder):
    """A message in the site's history: its page (its families, what reached each)."""

    permission = admin_views.VIEW

    def url(self, instance) -> str:
        return reverse("messagerie_detail", args=[instance.pk])


hooks.register("register_admin_urls", admin_views.admin_urls)
register_admin_url_finder(FamilyMessage, MessageURLFinder)
hooks.register(SECTIONS_HOOK, sections.family_section)
hooks.register(AUDIT_OBJECTS_HOOK, sections.audit_objects)


@hooks.register("register_admin_menu_item")
def messages_menu_item():
    return MessagesMenuItem("Messages aux familles", reverse("messagerie_index"), icon_name="mail", order=210)


@hooks.register("register_log_actions")
def register_message_log_actions(actions):
    actions.register_action(services.SEND_ACTION, "Message envoyé aux familles", "Message envoyé aux familles")


# «À faire» (commun.todo)
hooks.register(todo.TODO_HOOK, family_todo.family_todo)
