"""Admin registration: email templates (communication officers), the outbox of e-mails and of SMS, and their audit
actions."""

import django_filters
from django.contrib.admin.utils import quote
from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.widgets import Button, ListingButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    DeleteView,
    EditView,
    InspectView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from commun.admin_services import ServiceSnippetDeleteMixin, ServiceSnippetFormMixin

from . import admin_views, kinds
from .models import EmailTemplate, OutboxMessage, OutboxSms, OutboxStatus


@hooks.register("register_log_actions")
def register_notification_log_actions(actions):
    actions.register_action("portail.outbox.resend", "E-mail renvoyé", "E-mail renvoyé")
    actions.register_action("portail.email.test", "E-mail de test envoyé", "E-mail de test envoyé")


class EmailTemplateCreateView(ServiceSnippetFormMixin, CreateView):
    pass


class EmailTemplateDeleteView(ServiceSnippetDeleteMixin, DeleteView):
    pass


class EmailTemplateEditView(ServiceSnippetFormMixin, EditView):
    send_test_url_name = None

    @cached_property
    def header_more_buttons(self):
        send_test = Button(
            "Envoyer un test",
            url=reverse(self.send_test_url_name, args=[quote(self.object.pk)]),
            icon_name="mail",
            priority=40,
        )
        return [*super().header_more_buttons, send_test]


class EmailTemplateViewSet(SnippetViewSet):
    model = EmailTemplate
    icon = "mail"
    menu_label = "Modèles d'e-mails"
    list_display = ["kind", "subject", "updated_at"]
    copy_view_enabled = False
    # Written through commun.admin_services (the permission checked, the audit entry written), not by the form.
    add_view_class = EmailTemplateCreateView
    edit_view_class = EmailTemplateEditView
    delete_view_class = EmailTemplateDeleteView

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(send_test_url_name=self.get_url_name("send_test"), **kwargs)

    def get_urlpatterns(self):
        send_test = self.construct_view(admin_views.TemplateSendTestView, back_url_name=self.get_url_name("edit"))
        return [*super().get_urlpatterns(), path("test/<int:pk>/", send_test, name="send_test")]


class ReadOnlyPolicy(ModelPermissionPolicy):
    """The outbox is a record: staff read it and resend, nobody (not even a superuser) adds, edits or deletes."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and super().user_has_permission(user, "view")


class OutboxFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label="type", choices=kinds.choices)

    class Meta:
        model = OutboxMessage
        fields = ["status", "kind"]


class OutboxInspectView(InspectView):
    resend_url_name = None

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if admin_views.can_resend(self.object):
            url = reverse(self.resend_url_name, args=[quote(self.object.pk)])
            buttons = [*buttons, Button("Renvoyer", url=url, icon_name="resubmit", priority=40)]
        return buttons

    def get_kind_display_value(self):
        return dict(kinds.choices()).get(self.object.kind, self.object.kind)

    def get_sent_at_display_value(self):
        return self.object.sent_at or "—"


class OutboxViewSet(SnippetViewSet):
    model = OutboxMessage
    icon = "tasks"
    menu_label = "Boîte d'envoi"
    list_display = ["created_at", "to_email", "subject", "status", "attempts", "sent_at"]
    filterset_class = OutboxFilterSet
    search_fields = ["to_email", "subject"]
    inspect_view_enabled = True
    inspect_view_class = OutboxInspectView
    inspect_view_fields = [
        "created_at",
        "kind",
        "to_email",
        "from_email",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "last_error",
        "body_text",
    ]
    copy_view_enabled = False

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(resend_url_name=self.get_url_name("resend"), **kwargs)

    def get_urlpatterns(self):
        resend = self.construct_view(admin_views.OutboxResendView, back_url_name=self.get_url_name("inspect"))
        return [*super().get_urlpatterns(), path("renvoyer/<int:pk>/", resend, name="resend")]


class SmsFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(label="état", choices=OutboxStatus.choices)

    class Meta:
        model = OutboxSms
        fields = ["status"]


class SmsInspectView(InspectView):
    def get_sent_at_display_value(self):
        return self.object.sent_at or "—"


class SmsOutboxViewSet(SnippetViewSet):
    """The SMS sent and to send, with the provider's answer: a failed SMS says why here."""

    model = OutboxSms
    icon = "mobile-alt"
    menu_label = "SMS envoyés"
    list_display = ["created_at", "to_phone", "text", "status", "attempts", "sent_at"]
    filterset_class = SmsFilterSet
    search_fields = ["to_phone", "text"]
    inspect_view_enabled = True
    inspect_view_class = SmsInspectView
    inspect_view_fields = [
        "created_at",
        "to_phone",
        "sender",
        "text",
        "status",
        "attempts",
        "sent_at",
        "provider_reference",
        "last_error",
    ]
    copy_view_enabled = False


class CommunicationGroup(SnippetViewSetGroup):
    menu_label = "Communication"
    menu_icon = "mail"
    items = (EmailTemplateViewSet, OutboxViewSet, SmsOutboxViewSet)


register_permission_policy(OutboxMessage, ReadOnlyPolicy(OutboxMessage))
register_permission_policy(OutboxSms, ReadOnlyPolicy(OutboxSms))
register_snippet(CommunicationGroup)


@hooks.register("register_snippet_listing_buttons")
def notification_listing_buttons(snippet, user, next_url=None):
    if isinstance(snippet, EmailTemplate) and user.has_perm("notifications.change_emailtemplate"):
        url = reverse(EmailTemplate.snippet_viewset.get_url_name("send_test"), args=[quote(snippet.pk)])
        yield ListingButton("Envoyer un test", url, icon_name="mail", priority=30)
    if isinstance(snippet, OutboxMessage) and admin_views.can_resend(snippet):
        url = reverse(OutboxMessage.snippet_viewset.get_url_name("resend"), args=[quote(snippet.pk)])
        yield ListingButton("Renvoyer", url, icon_name="resubmit", priority=30)
