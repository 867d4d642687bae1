"""Admin registration of the requests: the «Demandes» menu group, built from the request kinds' handlers (each kind's
queue), the permission policy of requests, where the site's history links a request, and the audit actions of
requests."""

from django.contrib.auth import get_user_model
from wagtail import hooks
from wagtail.admin.admin_url_finder import register_admin_url_finder
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from commun import todo
from espace_famille.demandes import dashboard, family_page, kinds
from espace_famille.demandes import todo as family_todo
from espace_famille.demandes.admin_views import DECIDE, RequestURLFinder
from espace_famille.demandes.models import Request
from espace_famille.dossier.family_page import AUDIT_OBJECTS_HOOK, SECTIONS_HOOK


class DecisionLogFormatter(LogFormatter):
    """The journal shows the message the instructor wrote to the family with the decision."""

    def format_message(self, log_entry):
        message = (log_entry.data or {}).get("message")
        return f"{self.message} — message pour la famille : « {message} »" if message else self.message


@hooks.register("register_log_actions")
def register_request_log_actions(actions):
    actions.register_action("portail.request.submit", "Demande enregistrée", "Demande enregistrée par la famille")
    actions.register_action("portail.request.update", "Demande complétée", "Demande complétée par la famille")
    actions.register_action("portail.request.withdraw", "Demande retirée", "Demande retirée par la famille")

    @actions.register_action("portail.request.accept")
    class AcceptFormatter(DecisionLogFormatter):
        label = message = "Demande acceptée"

    @actions.register_action("portail.request.refuse")
    class RefuseFormatter(DecisionLogFormatter):
        label = message = "Demande refusée"

    @actions.register_action("portail.request.partial")
    class PartialFormatter(DecisionLogFormatter):
        label = message = "Demande partiellement acceptée"

    @actions.register_action("portail.request.waiting")
    class WaitingFormatter(DecisionLogFormatter):
        label = message = "Demande mise sur liste d'attente"


class RequestPolicy(ModelPermissionPolicy):
    """Families make requests, instructors decide them: nobody adds, edits or deletes one in the admin.

    «decide» is granted by the model's change permission; «view» by its view permission."""

    def user_has_permission(self, user, action):
        if action == DECIDE:
            action = "change"
        elif action != "view":
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        mapped = {"change" if action == DECIDE else action for action in actions}
        mapped &= {"view", "change"}
        if not mapped:
            return get_user_model().objects.none()
        return super().users_with_any_permission(mapped)


class RequestsGroup(SnippetViewSetGroup):
    """«Demandes»: one queue per request kind that has one (family file, bookings and absences), as each kind's
    handler registered it. Wagtail instantiates the group once every app is ready: its items are read then."""

    menu_label = "Demandes"
    menu_icon = "tasks"
    menu_order = 190

    def __init__(self):
        self.items = tuple(kinds.admin_viewsets())
        super().__init__()

    def on_register(self):
        # After its viewsets, whose own finder leads to an edit form requests do not have: each request links to
        # the screen where its kind decides it.
        super().on_register()
        register_admin_url_finder(Request, RequestURLFinder)


register_permission_policy(Request, RequestPolicy(Request))
register_snippet(RequestsGroup)
hooks.register("construct_homepage_panels", dashboard.add_panel)
hooks.register(SECTIONS_HOOK, family_page.section)
hooks.register(AUDIT_OBJECTS_HOOK, family_page.audit_objects)

# «À faire» (commun.todo)
hooks.register(todo.TODO_HOOK, family_todo.family_todo)
