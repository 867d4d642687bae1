"""«Messages aux familles» in the Wagtail admin: write (the form, then a preview that counts the families, e-mails
and SMS, then «Envoyer», carried out once), the messages sent with their delivery counts, and one message family
by family."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from wagtail.admin import messages

from commun import intents
from commun.parsing import parse_date, parse_id
from espace_famille.dossier.models import Family
from espace_famille.messagerie import emails, rules, selectors, services
from espace_famille.messagerie.exceptions import MessageInvalid
from espace_famille.messagerie.forms import ComposeForm
from notifications import services as notifications

VIEW = "messagerie.view_familymessage"
SEND = services.SEND
INTENT = "messagerie.send"
PER_PAGE = 25


class _Permission:
    """Staff without the permission get 403 and a page that says why (rather than Wagtail's return to the admin's
    home): the messages to families are for the instructors and the administrators."""

    permission = VIEW

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            context = {"page_title": "Messages aux familles"}
            return render(request, "messagerie/admin/forbidden.html", context, status=403)
        return super().dispatch(request, *args, **kwargs)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def _counted(counts) -> str:
    """«12 envoyés · 1 en échec · 0 en attente»: the message's e-mails and SMS by state."""
    sent = counts[rules.SENT]
    return f"{_plural(sent, 'envoyé')} · {counts[rules.FAILED]} en échec · {counts[rules.PENDING]} en attente"


@method_decorator(never_cache, name="dispatch")
class ComposeView(_Permission, View):
    """GET: the form, filled from ?famille=<pk> («Écrire à la famille») or ?activite=<pk>&jour=<date>. POST
    «Aperçu»: who the message reaches, before anything is sent; «Modifier»: the form again; «Envoyer»: the
    message, sent once whatever the number of clicks."""

    permission = SEND

    def get(self, request):
        initial = {}
        if family_id := parse_id(request.GET.get("famille")):
            initial = {"audience": rules.FAMILY, "family": family_id}
        elif activity_id := parse_id(request.GET.get("activite")):
            initial = {
                "audience": rules.ACTIVITY,
                "activity": activity_id,
                "start_date": parse_date(request.GET.get("jour")),
            }
        return self.compose(ComposeForm(initial=initial))

    def post(self, request):
        form = ComposeForm(request.POST)
        step = request.POST.get("step")
        if step == "edit":
            return self.compose(form)
        if not form.is_valid():
            return self.compose(form, status=400)
        if step == "send":
            return self.send(form)
        return self.preview(form)

    def compose(self, form, status=200):
        context = {"form": form, "page_title": "Écrire aux familles"}
        return render(self.request, "messagerie/admin/compose.html", context, status=status)

    def preview(self, form):
        data = form.cleaned_data
        plan = selectors.audience_plan(
            audience=form.chosen_audience(), by_email=data["by_email"], by_sms=data["by_sms"]
        )
        if not plan.families:
            form.add_error(None, "Aucune famille ne correspond à ces destinataires.")
            return self.compose(form, status=400)
        sample_email = None
        first_reached = next(((family, reach) for family, reach in plan.families if reach.emails), None)
        if data["by_email"] and first_reached:
            family, reach = first_reached
            address, person = reach.emails[0]
            context = emails.context(
                person=person, family=family, subject=data["subject"], body=data["body"], lien=emails.link()
            )
            sample_email = (address, notifications.render_for(kind=emails.KIND, context=context))
        sms_text, sms_count = form.sms_preview()
        context = {
            "form": form,
            "page_title": "Aperçu du message",
            "audience_label": form.chosen_audience().label,
            "plan": plan,
            "sample_email": sample_email,
            "sms_text": sms_text if data["by_sms"] else "",
            "sms_count": sms_count,
            "intent": intents.issue(action=INTENT, subject=form.digest(), user=self.request.user),
        }
        return render(self.request, "messagerie/admin/preview.html", context)

    def send(self, form):
        data = form.cleaned_data
        token = self.request.POST.get(intents.FIELD)
        try:
            with intents.once(token, action=INTENT, subject=form.digest(), user=self.request.user):
                message = services.message_send(
                    audience=form.chosen_audience(),
                    subject=data["subject"],
                    body=data["body"],
                    sms_text=data["sms_text"],
                    by_email=data["by_email"],
                    by_sms=data["by_sms"],
                    by=self.request.user,
                )
        except intents.AlreadyDone as error:
            messages.info(self.request, error.message)
            return redirect("messagerie_index")
        except (intents.IntentInvalid, MessageInvalid) as error:
            form.add_error(None, error.message)
            return self.compose(form, status=400)
        reached = message.recipients.count()
        messages.success(self.request, f"Message « {message.subject} » envoyé à {_plural(reached, 'famille')}.")
        return redirect("messagerie_detail", pk=message.pk)


@method_decorator(never_cache, name="dispatch")
class MessageIndexView(_Permission, TemplateView):
    template_name = "messagerie/admin/index.html"

    def get_context_data(self, **kwargs):
        family = None
        if family_id := parse_id(self.request.GET.get("famille")):
            family = Family.objects.filter(pk=family_id).first()
        sent = selectors.messages_sent(family=family)
        page = Paginator(sent, PER_PAGE).get_page(parse_id(self.request.GET.get("p")))
        counts = selectors.delivery_counts(message_ids=[message.pk for message in page.object_list])
        rows = []
        for message in page.object_list:
            state = selectors.message_state(counts[message.pk])
            rows.append((message, _counted(counts[message.pk]), state, rules.STATE_LABELS[state]))
        return super().get_context_data(
            page=page,
            rows=rows,
            family=family,
            can_send=self.request.user.has_perm(SEND),
            page_title="Messages aux familles",
            **kwargs,
        )


@method_decorator(never_cache, name="dispatch")
class MessageDetailView(_Permission, TemplateView):
    template_name = "messagerie/admin/detail.html"

    def get_context_data(self, **kwargs):
        message, recipients = selectors.message_detail(pk=self.kwargs["pk"])
        states = [selectors.state_of(recipient) for recipient in recipients]
        rows = [
            (recipient, state, rules.STATE_LABELS[state]) for recipient, state in zip(recipients, states, strict=True)
        ]
        return super().get_context_data(
            message=message,
            rows=rows,
            summary=[
                (rules.STATE_LABELS[state], states.count(state)) for state in rules.STATE_LABELS if state in states
            ],
            page_title=f"Message « {message.subject} »",
            **kwargs,
        )


def admin_urls() -> list:
    return [
        path("messages-familles/", MessageIndexView.as_view(), name="messagerie_index"),
        path("messages-familles/ecrire/", ComposeView.as_view(), name="messagerie_compose"),
        path("messages-familles/<int:pk>/", MessageDetailView.as_view(), name="messagerie_detail"),
    ]
