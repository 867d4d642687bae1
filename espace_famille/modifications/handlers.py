"""The family-file kinds (guardian, address, fiscal, bank, child, child added) in the decision framework."""

from django.contrib.admin.utils import quote
from django.urls import reverse

from espace_famille.demandes import kinds
from espace_famille.demandes.models import FAMILY_FILE_KINDS, Request, RequestState
from espace_famille.dossier import changes
from espace_famille.modifications import services

NOT_RECORDED = "—"


class FamilyFileHandler(kinds.KindHandler):
    """Accepting applies the values asked to the file (StaleRequest if the file changed since, unless the instructor
    gives the values checked); refusing keeps the file. The framework records the decision."""

    kinds = tuple(kind.value for kind in FAMILY_FILE_KINDS)
    admin_order = 10
    # A pending change holds nothing: the file keeps its values until an instructor accepts.
    withdrawable = True
    withdraw_help = "Votre dossier famille garde ses valeurs actuelles : rien n'y sera modifié."

    def accept(self, request, *, by, message, lines=None, values=None):
        request = Request.objects.select_related("family", "guardian", "child").get(pk=request.pk)
        services.file_apply(request=request, by=by, values=values)
        return kinds.Outcome(state=RequestState.ACCEPTED)

    def refuse(self, request, *, by, message, lines=None):
        return kinds.Outcome(state=RequestState.REFUSED)

    def changes(self, request):
        """Field by field, the value the file held when the family asked and the value asked; a value not recorded
        when asked shows «—». The IBAN is masked (dossier.changes.show)."""
        model = changes.KIND_FIELDS[request.kind][0]
        return [
            kinds.Change(
                label=changes.field_label(model, name),
                before=changes.show(model, name, change["before"]) if "before" in change else NOT_RECORDED,
                after=changes.show(model, name, change.get("after")),
                headers=changes.list_headers(name) if name in changes.LIST_MODELS else None,
            )
            for name, change in request.changes.items()
        ]

    def admin_url(self, request):
        return reverse(Request.snippet_viewset.get_url_name("inspect"), args=[quote(request.pk)])

    def queue_url(self):
        return reverse(Request.snippet_viewset.get_url_name("list"))

    def admin_viewset(self):
        from espace_famille.modifications.admin_views import RequestViewSet

        return RequestViewSet
