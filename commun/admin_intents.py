"""Intents in the Wagtail admin: a decision page or a bulk action's confirmation names its action and its objects;
the POST does it once."""

import hashlib

from django import forms
from django.shortcuts import redirect
from wagtail.admin import messages

from . import intents


def ids_subject(pks) -> str:
    """The objects a page names, in a few characters whatever their number (a token stays short): their count
    and a digest of their sorted ids."""
    ids = sorted(int(pk) for pk in pks)
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:32]
    return f"{len(ids)}:{digest}"


class IntentBulkActionMixin:
    """Put first in the bases of a bulk action (`class X(IntentBulkActionMixin, SnippetBulkAction)`).

    The confirmation page issues an intent for `<intent_prefix>.<action_type>` on the objects it lists; the POST
    consumes it in the transaction of the decisions. A second POST of the same page decides nothing and says
    «Cette demande est déjà enregistrée.»; a POST naming other objects than the page showed (the selection changed
    meanwhile) sends back to the confirmation page, which shows the objects as they now are."""

    intent_prefix = ""

    @property
    def intent_action(self) -> str:
        return f"{self.intent_prefix}.{self.action_type}"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields[intents.FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = ids_subject(entry["item"].pk for entry in context["items"])
        context["form"].initial[intents.FIELD] = intents.issue(
            action=self.intent_action, subject=shown, user=self.request.user
        )
        return context

    def form_valid(self, form):
        objects, _ = self.get_actionable_objects()
        token = self.request.POST.get(intents.FIELD)
        subject = ids_subject(obj.pk for obj in objects)
        try:
            with intents.once(token, action=self.intent_action, subject=subject, user=self.request.user):
                return super().form_valid(form)
        except intents.AlreadyDone as error:
            messages.info(self.request, error.message)
            return redirect(self.next_url)
        except intents.IntentInvalid as error:
            messages.error(self.request, error.message)
            return redirect(self.request.get_full_path())


class IntentDecisionMixin:
    """A decision page about one object (`self.object`): its form carries an intent naming `intent_action` and the
    object, whatever button is pressed; the view runs its service inside `self.intent_once()`."""

    intent_action = ""

    def issue_intent(self) -> str:
        return intents.issue(action=self.intent_action, subject=str(self.object.pk), user=self.request.user)

    def intent_once(self):
        token = self.request.POST.get(intents.FIELD)
        return intents.once(token, action=self.intent_action, subject=str(self.object.pk), user=self.request.user)

    def intent_refused(self, error: intents.IntentRefused):
        """A repeat goes back to the queue («Cette demande est déjà enregistrée.»); a stale page reloads itself."""
        if isinstance(error, intents.AlreadyDone):
            messages.info(self.request, error.message)
            return redirect(self.index_url_name)
        messages.error(self.request, error.message)
        return redirect(self.request.path)
