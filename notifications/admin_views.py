"""Admin views of notifications: «Envoyer un test» for an email template, «Renvoyer» for an outbox row."""

from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from . import services
from .models import EmailTemplate, OutboxMessage, OutboxStatus


def can_resend(message: OutboxMessage) -> bool:
    # A pending row is still in the workers' hands: resending it could send it twice.
    return message.status in (OutboxStatus.SENT, OutboxStatus.FAILED)


class ConfirmView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET asks for confirmation; POST acts, then goes back to the object's page."""

    template_name = "notifications/admin/confirm.html"
    model = None
    index_url_name = None
    back_url_name = None
    button_label = ""

    @cached_property
    def object(self):
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    @cached_property
    def back_url(self):
        return reverse(self.back_url_name, args=[self.object.pk])

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": capfirst(self.model._meta.verbose_name_plural)},
            {"url": self.back_url, "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            question=self.get_question(), button_label=self.button_label, back_url=self.back_url, **kwargs
        )

    def post(self, request, *args, **kwargs):
        self.act()
        return redirect(self.back_url)

    def get_question(self) -> str:
        raise NotImplementedError

    def act(self) -> None:
        raise NotImplementedError


class TemplateSendTestView(ConfirmView):
    model = EmailTemplate
    permission_required = "change"
    page_title = "Envoyer un test"
    button_label = "Envoyer le test"

    def get_question(self):
        return (
            f"Envoyer « {self.object} », tel qu'enregistré et rempli avec les données d'exemple, "
            f"à {self.request.user.email} ?"
        )

    def act(self):
        services.template_send_test(template=self.object, to=self.request.user.email, by=self.request.user)
        messages.success(self.request, f"E-mail de test envoyé à {self.request.user.email}.")


class OutboxResendView(ConfirmView):
    model = OutboxMessage
    permission_required = "view"
    page_title = "Renvoyer l'e-mail"
    button_label = "Renvoyer"

    def get(self, request, *args, **kwargs):
        if not can_resend(self.object):
            return self.refuse()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not can_resend(self.object):
            return self.refuse()
        return super().post(request, *args, **kwargs)

    def refuse(self):
        messages.error(self.request, "Cet e-mail est en attente d'envoi : il ne peut pas être renvoyé maintenant.")
        return redirect(self.back_url)

    def get_question(self):
        return f"Renvoyer « {self.object.subject} » à {self.object.to_email} ?"

    def act(self):
        if services.outbox_resend(message_id=self.object.pk, by=self.request.user):
            messages.success(self.request, f"E-mail renvoyé à {self.object.to_email}.")
        else:
            messages.error(self.request, "L'e-mail n'a pas pu être envoyé : voir la dernière erreur.")
