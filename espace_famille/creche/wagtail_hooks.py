"""The instructors' queue of pre-registrations, its permission policy and the audit labels."""

from wagtail import hooks
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from commun import todo
from espace_famille.creche import admin_views
from espace_famille.creche import todo as family_todo
from espace_famille.creche.models import CrecheApplication


@hooks.register("register_log_actions")
def register_creche_log_actions(actions):
    actions.register_action(
        "portail.creche.submit", "Pré-inscription enregistrée", "Pré-inscription en crèche enregistrée"
    )
    actions.register_action("portail.creche.accepted", "Pré-inscription acceptée", "Pré-inscription en crèche acceptée")
    actions.register_action("portail.creche.refused", "Pré-inscription refusée", "Pré-inscription en crèche refusée")
    actions.register_action(
        "portail.creche.waiting", "Pré-inscription sur liste d'attente", "Pré-inscription mise sur liste d'attente"
    )


class ApplicationPolicy(ModelPermissionPolicy):
    """Families submit pre-registrations and instructors decide them (creche.services): nobody adds, edits or
    deletes one through the generic snippet forms, not even a superuser."""

    def user_has_permission(self, user, action):
        return action in ("view", admin_views.DECIDE) and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class ApplicationViewSet(SnippetViewSet):
    model = CrecheApplication
    icon = "group"
    menu_label = "Pré-inscriptions en crèche"
    menu_order = 195
    add_to_admin_menu = True
    index_view_class = admin_views.ApplicationIndexView
    index_template_name = "creche/admin/index.html"
    inspect_view_enabled = True
    inspect_view_class = admin_views.ApplicationDecisionView
    filterset_class = admin_views.ApplicationFilterSet
    search_fields = ["child_first_name", "request__family__name"]
    copy_view_enabled = False


register_permission_policy(CrecheApplication, ApplicationPolicy(CrecheApplication))
register_snippet(ApplicationViewSet)
for action in (admin_views.AcceptBulkAction, admin_views.WaitingBulkAction, admin_views.RefuseBulkAction):
    hooks.register("register_bulk_action", action)

# «À faire» (commun.todo)
hooks.register(todo.TODO_HOOK, family_todo.family_todo)
