"""«Télécharger mes données»: a guardian downloads what the portal holds about each of their families."""

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.log_actions import log

from commun import data_export, personal_data
from commun.downloads import content_disposition
from commun.menus import crumb
from espace_famille.dossier import selectors
from espace_famille.dossier.models import Family


@login_required
def my_data(request):
    return render(
        request,
        "espace_famille/my_data.html",
        {
            "families": selectors.families_for(user=request.user),
            "sections": personal_data.sections(),
            "breadcrumb": [crumb("principal", "mon_espace"), ("Télécharger mes données", None)],
        },
    )


def _family(request, family_pk: int) -> Family:
    for family in selectors.families_for(user=request.user):
        if family.pk == family_pk:
            return family
    raise Http404


def _attachment(family: Family, content: bytes, *, content_type: str, extension: str) -> HttpResponse:
    name = f"donnees-famille-{slugify(family.name).upper() or family.pk}-{timezone.localdate():%Y-%m-%d}.{extension}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    return response


@never_cache
@login_required
@require_GET
def my_data_pdf(request, family_pk: int):
    family = _family(request, family_pk)
    content = data_export.export_pdf(data_export.family_export(family=family))
    log(instance=family, action="portail.data.export", user=request.user, data={"format": "pdf"})
    return _attachment(family, content, content_type="application/pdf", extension="pdf")


@never_cache
@login_required
@require_GET
def my_data_json(request, family_pk: int):
    family = _family(request, family_pk)
    data = data_export.family_export(family=family)
    content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
    log(instance=family, action="portail.data.export", user=request.user, data={"format": "json"})
    return _attachment(family, content, content_type="application/json; charset=utf-8", extension="json")
