"""«Espace famille / Pièces justificatives»: the table of documents, adding or replacing one, seeing its file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from commun import intents
from commun.downloads import download_name
from commun.uploads import UploadRefused
from espace_famille.dossier import selectors as famille_selectors
from espace_famille.justificatifs import selectors, services
from espace_famille.justificatifs.exceptions import InvalidDocument
from espace_famille.justificatifs.forms import UploadForm
from espace_famille.justificatifs.models import DocumentType

ESPACE_FAMILLE = ("Espace famille", "espace_famille:home")
PIECES = ("Pièces justificatives", "justificatifs:list")


def _family(request):
    family = famille_selectors.current_family(user=request.user, chosen_id=request.session.get("family_id"))
    if family is None:
        raise Http404
    return family


@never_cache
@login_required
def document_list(request):
    family = famille_selectors.current_family(user=request.user, chosen_id=request.session.get("family_id"))
    if family is None:
        context = {"space": "Espace famille", "breadcrumb": [ESPACE_FAMILLE, (PIECES[0], None)]}
        return render(request, "espace_famille/not_subscribed.html", context)
    rows = selectors.table(family=family, today=timezone.localdate())
    context = {
        "family": family,
        "rows": rows,
        "missing": [row for row in rows if row.missing],
        "breadcrumb": [ESPACE_FAMILLE, (PIECES[0], None)],
    }
    return render(request, "justificatifs/list.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request, type_pk):
    """«Ajouter» or «Remplacer»: the file goes to the service, which applies the upload policy."""
    family = _family(request)
    document_type = get_object_or_404(DocumentType, pk=type_pk, active=True)
    child = None
    if document_type.per_child:
        chosen = request.GET.get("enfant", "")
        if not chosen.isdigit() or len(chosen) > 9:
            raise Http404
        child = get_object_or_404(family.children, pk=int(chosen))
    form = UploadForm(request.POST or None, request.FILES or None)
    subject = f"{document_type.pk}:{child.pk if child else ''}"
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with intents.once(
                    request.POST.get(intents.FIELD), action="documents.upload", subject=subject, user=request.user
                ):
                    services.document_upload(
                        family=family,
                        document_type=document_type,
                        child=child,
                        upload=form.cleaned_data["file"],
                        by=request.user,
                    )
            except intents.AlreadyDone as error:
                messages.info(request, error.message)
                return redirect("justificatifs:list")
            except intents.IntentInvalid as error:
                form.add_error(None, error.message)
            except (InvalidDocument, UploadRefused) as error:
                form.add_error("file", error)
            else:
                messages.success(request, "Votre document est envoyé : il est en attente de validation par le service.")
                return redirect("justificatifs:list")
        status = 400
    context = {
        "family": family,
        "document_type": document_type,
        "child": child,
        "form": form,
        "intent": intents.issue(action="documents.upload", subject=subject, user=request.user),
        "breadcrumb": [ESPACE_FAMILLE, PIECES, ("Ajouter un document", None)],
    }
    return render(request, "justificatifs/upload.html", context, status=status)


@never_cache
@login_required
def document_file(request, pk):
    """«Voir»: the file, as an attachment, never sniffed nor cached; to the family and to staff only."""
    document = selectors.document_for(user=request.user, pk=pk)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=download_name(f"{document.document_type.name}{document.extension}"),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
