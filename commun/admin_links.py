"""Where the admin links an object it names without showing it (the «Historique du site» report, the journals):
through Wagtail's admin URL finders (`register_admin_url_finder`), to the screen where staff read that object — a
request to its decision screen, a family to its «Fiche famille», a document or an invoice to its own screen — rather
than to an edit form the object does not have, which sent staff back to the dashboard. Each app registers the
finders of its models beside their screens."""

from django.contrib.admin.utils import quote
from wagtail.admin.admin_url_finder import register_admin_url_finder


class ScreenURLFinder:
    """An admin URL finder to the screen `url(instance)` names ('' for none), for whoever holds `permission`;
    without a user, for anyone (as Wagtail's own finders)."""

    permission = ""

    def __init__(self, user=None):
        self.user = user

    def may_read(self, instance) -> bool:
        return self.user.has_perm(self.permission)

    def url(self, instance) -> str:
        raise NotImplementedError

    def get_edit_url(self, instance) -> str | None:
        if self.user is not None and not (self.user.is_active and self.may_read(instance)):
            return None
        return self.url(instance) or None


class RecordURLFinder:
    """The finder of a wagtail-modeladmin ModelAdmin (`permission_helper`, `url_helper`): the row's edit form where
    the user may edit it, its detail («inspect») screen where they may only read it."""

    permission_helper = None
    url_helper = None

    def __init__(self, user=None):
        self.user = user

    def get_edit_url(self, instance) -> str | None:
        pk = quote(instance.pk)
        helper = self.permission_helper
        if self.user is not None and helper.user_can_edit_obj(self.user, instance):
            return self.url_helper.get_action_url("edit", pk)
        if helper.inspect_view_enabled and (self.user is None or helper.user_can_inspect_obj(self.user, instance)):
            return self.url_helper.get_action_url("inspect", pk)
        return self.url_helper.get_action_url("edit", pk) if self.user is None else None


class RecordLinkAdminMixin:
    """Mixed in before a wagtail-modeladmin ModelAdmin whose rows some staff only read (invoices, payments): the
    history links each row with RecordURLFinder instead of the edit form alone."""

    def register_admin_url_finders(self):
        finder = type(
            f"{self.model.__name__}URLFinder",
            (RecordURLFinder,),
            {"permission_helper": self.permission_helper, "url_helper": self.url_helper},
        )
        register_admin_url_finder(self.model, finder)
