"""«Mes messages»: the messages the service sent to the account's families, and each one."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from commun.menus import crumb
from commun.parsing import parse_id
from espace_famille.dossier import selectors as dossier_selectors
from espace_famille.messagerie import selectors, services

PER_PAGE = 10
MES_MESSAGES = ("Mes messages", "messagerie:list")


@login_required
def message_list(request):
    page = Paginator(selectors.received_by(user=request.user), PER_PAGE).get_page(parse_id(request.GET.get("page")))
    context = {
        "page": page,
        "several_families": len(dossier_selectors.families_for(user=request.user)) > 1,
        "breadcrumb": [crumb("principal", "mon_espace"), (MES_MESSAGES[0], None)],
    }
    return render(request, "messagerie/list.html", context)


@never_cache
@login_required
def message_detail(request, pk):
    """One message; opening it reads it."""
    recipient = selectors.received_one(user=request.user, pk=pk)
    services.message_mark_read(recipient=recipient, by=request.user)
    context = {
        "recipient": recipient,
        "message": recipient.message,
        "breadcrumb": [crumb("principal", "mon_espace"), MES_MESSAGES, (recipient.message.subject, None)],
    }
    return render(request, "messagerie/detail.html", context)
