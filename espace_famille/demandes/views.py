"""«Mes demandes»: the family's requests, their detail and history, and «Retirer ma demande»."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from commun.listing import filtered_page
from commun.menus import crumb
from espace_famille.demandes import kinds, selectors, services
from espace_famille.demandes.exceptions import AlreadyWithdrawn, InvalidTransition, NotWithdrawable
from espace_famille.demandes.filters import RequestFilter
from espace_famille.demandes.models import RequestState

PER_PAGE = 10
MES_DEMANDES = ("Mes demandes", "espace_famille:requests")


@login_required
def request_list(request):
    filterset = RequestFilter(request.GET or None, queryset=selectors.requests_for(user=request.user))
    page, query, status = filtered_page(filterset, request.GET, per_page=PER_PAGE)
    context = {
        "filter": filterset,
        "page": page,
        "query": query,
        "breadcrumb": [crumb("principal", "mon_espace"), (MES_DEMANDES[0], None)],
    }
    return render(request, "espace_famille/requests.html", context, status=status)


@never_cache
@login_required
def request_detail(request, pk):
    """«Détail de ma demande»: its data and «Historique de la demande». Opening it reads its messages."""
    family_request = selectors.request_for(user=request.user, pk=pk)
    handler = kinds.handler_for(family_request.kind)
    # A request of days (booking, absence, cancellation): its child, its reason, the link to the planning.
    activity = family_request.activity if handler.line_based else None
    services.request_mark_read(request=family_request)
    context = {
        "item": family_request,
        # What the kind shows of it: its activity and days, the values asked of the file.
        "description": handler.describe(family_request),
        "activity": activity,
        "events": family_request.family_events,
        # Documents and crèche applications show their own part, from their app's template.
        "kind_template": handler.family_template or None,
        "can_withdraw": family_request.is_pending and handler.withdrawable,
        "breadcrumb": [crumb("principal", "mon_espace"), MES_DEMANDES, (f"Demande {family_request.pk}", None)],
    }
    return render(request, "espace_famille/request_detail.html", context)


@never_cache
@login_required
def request_withdraw(request, pk):
    """«Retirer ma demande»: a confirmation page, then the withdrawal. A second submission changes nothing and says
    so; a request decided meanwhile (or of a kind that cannot be withdrawn) is left as it is, with the reason."""
    family_request = selectors.request_for(user=request.user, pk=pk)
    handler = kinds.handler_for(family_request.kind)
    detail = redirect("espace_famille:request_detail", pk=family_request.pk)
    if request.method == "POST":
        try:
            services.request_withdraw(request=family_request, by=request.user)
        except AlreadyWithdrawn as error:
            messages.info(request, error.message)
        except InvalidTransition as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Votre demande a été retirée.")
        return detail
    if family_request.state == RequestState.WITHDRAWN:
        messages.info(request, AlreadyWithdrawn().message)
        return detail
    if not (family_request.is_pending and handler.withdrawable):
        messages.error(request, NotWithdrawable(kind=not handler.withdrawable).message)
        return detail
    context = {
        "item": family_request,
        "help": handler.withdraw_help,
        "breadcrumb": [crumb("principal", "mon_espace"), MES_DEMANDES, ("Retirer ma demande", None)],
    }
    return render(request, "espace_famille/request_withdraw.html", context)
