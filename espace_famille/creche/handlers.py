"""The crèche application in the decision framework: accepted, refused, or kept on the waiting list (and then
accepted or refused)."""

from django.contrib.admin.utils import quote
from django.urls import reverse

from espace_famille.creche import services
from espace_famille.demandes import kinds
from espace_famille.demandes.models import RequestKind, RequestState

WAITING = "waiting"


class CrecheHandler(kinds.KindHandler):
    """Its own audit actions («portail.creche.accepted»); the framework records the decision, with the notice
    «Sur liste d'attente» for a waiting application."""

    kinds = (RequestKind.CRECHE.value,)
    permission = "creche.decide_crecheapplication"
    decidable_states = (RequestState.PENDING, RequestState.WAITING)
    extra_decisions = {WAITING: "wait"}
    family_template = "creche/includes/request_part.html"
    # A pending application holds no place: withdrawn, it is simply no longer examined.
    withdrawable = True
    withdraw_help = "Votre pré-inscription ne sera pas étudiée par le service. Vous pourrez en faire une nouvelle."

    def _decide(self, request, *, by, decision, message):
        return services.decision_outcome(request=request, decision=decision)

    def accept(self, request, *, by, message, lines=None, values=None):
        return self._decide(request, by=by, decision=RequestState.ACCEPTED, message=message)

    def refuse(self, request, *, by, message, lines=None):
        return self._decide(request, by=by, decision=RequestState.REFUSED, message=message)

    def wait(self, request, *, by, message):
        return self._decide(request, by=by, decision=RequestState.WAITING, message=message)

    def queue_url(self):
        from espace_famille.creche.models import CrecheApplication

        return reverse(CrecheApplication.snippet_viewset.get_url_name("list"))

    def admin_urls(self, requests):
        from espace_famille.creche.models import CrecheApplication

        applications = CrecheApplication.objects.filter(request__in=requests).values_list("request_id", "pk")
        name = CrecheApplication.snippet_viewset.get_url_name("inspect")
        return {request_id: reverse(name, args=[quote(pk)]) for request_id, pk in applications}

    def admin_url(self, request):
        from espace_famille.creche.models import CrecheApplication

        application = CrecheApplication.objects.filter(request=request).only("pk").first()
        if application is None:
            return ""
        return reverse(CrecheApplication.snippet_viewset.get_url_name("inspect"), args=[quote(application.pk)])
