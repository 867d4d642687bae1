"""Admin of supporting documents: the types asked (administrators), the queue to check (instructors) and
«Justificatifs», every document whatever its state."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from commun import todo
from commun.admin_display import DisplayAdminMixin
from commun.admin_services import RecordAdminMixin, ViewOnlyPolicy
from commun.dashboard import ALERTS_HOOK
from espace_famille.dossier.family_page import AUDIT_OBJECTS_HOOK, SECTIONS_HOOK
from espace_famille.justificatifs import admin_listing, admin_views, dashboard, family_page
from espace_famille.justificatifs import todo as family_todo
from espace_famille.justificatifs.models import Document, DocumentType


@modeladmin_register
class DocumentTypeAdmin(DisplayAdminMixin, RecordAdminMixin, ModelAdmin):
    """Written through record_save / record_delete (the permission checked, the audit entry written)."""

    model = DocumentType
    menu_label = "Types de pièces"
    menu_icon = "doc-empty"
    menu_order = 205
    list_display = ("name", "per_child", "validity", "valid_until", "mandatory", "active")
    list_filter = ("mandatory", "per_child", "active")


class QueueMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.DECIDE)


register_permission_policy(Document, ViewOnlyPolicy(Document))
hooks.register("register_admin_viewset", lambda: admin_listing.document_viewset)
hooks.register("register_admin_urls", admin_views.admin_urls)
hooks.register(ALERTS_HOOK, dashboard.alerts)
hooks.register(SECTIONS_HOOK, family_page.section)
hooks.register(AUDIT_OBJECTS_HOOK, family_page.audit_objects)


@hooks.register("register_admin_menu_item")
def queue_menu_item():
    return QueueMenuItem("Pièces à vérifier", reverse("justificatifs_queue"), icon_name="doc-full-inverse", order=198)


@hooks.register("register_log_actions")
def register_document_log_actions(actions):
    actions.register_action("portail.document.validate", "Pièce validée", "Pièce justificative validée")
    actions.register_action("portail.document.refuse", "Pièce refusée", "Pièce justificative refusée")


# «À faire» (commun.todo)
hooks.register(todo.TODO_HOOK, family_todo.family_todo)
