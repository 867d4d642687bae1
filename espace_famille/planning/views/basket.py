"""«Mon panier»: the days ticked on the planning, their récapitulatif, their confirmation at once and its result."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from commun import formats, intents
from espace_famille.dossier import selectors
from espace_famille.planning import basket as baskets
from espace_famille.planning.exceptions import BookingNotAllowed

ESPACE_FAMILLE = ("Espace famille", "espace_famille:home")
PLANNING = ("Planning", "espace_famille:planning")
ACTION = "planning.basket"
RESULT = "planning_basket_result"
EMPTY = "Votre panier est vide : cochez « Ajouter au panier » sur les jours à réserver, puis « Voir le panier »."


def _family(request):
    family = selectors.current_family(user=request.user, chosen_id=request.session.get("family_id"))
    if family is None:
        raise Http404
    return family


def _without(items, removed) -> str:
    """The basket's address without one of its days («Retirer»)."""
    kept = [baskets.tick_value(child_id=c, activity_id=a, day=d) for c, a, d in items if (c, a, d) != removed]
    return f"{reverse('espace_famille:planning_basket')}?{'&'.join(f'{baskets.FIELD}={value}' for value in kept)}"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def planning_basket(request):
    """GET: the récapitulatif of the ticked days (nothing changes). POST «Confirmer»: every day asked at once,
    under one intent, then the result page."""
    family = _family(request)
    try:
        if request.method == "GET":
            # Like the planning's unknown date: a damaged tick is left out and said, the rest of the basket shown.
            items, unreadable = baskets.read_items(request.GET.getlist(baskets.FIELD))
            return _page(request, family=family, items=items, refused=baskets.IGNORED if unreadable else "")
        items = baskets.parse_items(request.POST.getlist(baskets.FIELD))
    except baskets.BasketUnreadable as error:
        return _page(request, family=family, items=[], refused=error.message, status=400)
    token = request.POST.get(intents.FIELD)
    if not items:
        return _page(request, family=family, items=items, refused=EMPTY, status=400)
    try:
        with intents.once(token, action=ACTION, subject=baskets.basket_key(items), user=request.user) as intent:
            basket = baskets.basket_confirm(family=family, by=request.user, items=items, key=intent.nonce)
    except intents.AlreadyDone as error:
        messages.info(request, error.message)
        return redirect("espace_famille:planning_basket_result")
    except intents.IntentInvalid as error:
        return _page(request, family=family, items=items, refused=error.message, status=400)
    except BookingNotAllowed:
        raise Http404 from None
    request.session[RESULT] = {
        "rows": [line.as_row() for line in basket.lines],
        "total": formats.money(basket.total),
    }
    return redirect("espace_famille:planning_basket_result")


def _page(request, *, family, items, refused: str = "", status: int = 200):
    basket = baskets.basket_lines(family=family, items=items, now=timezone.now())
    context = {
        "basket": basket,
        "rows": [(line, _without(items, line.item)) for line in basket.lines],
        "total": formats.money(basket.total),
        "refused": refused,
        "confirmable": any(line.outcome != baskets.rules.BASKET_REFUSED for line in basket.lines),
        "intent": intents.issue(action=ACTION, subject=baskets.basket_key(items), user=request.user) if items else "",
        "field": baskets.FIELD,
        "empty": EMPTY,
        "breadcrumb": [ESPACE_FAMILLE, PLANNING, ("Mon panier", None)],
    }
    return render(request, "espace_famille/planning_basket.html", context, status=status)


@never_cache
@login_required
def planning_basket_result(request):
    """«Résultat»: what happened to each day of the basket just confirmed (kept in the session, so a reload or a
    second submission shows the same page); without one, the page says so."""
    _family(request)
    result = request.session.get(RESULT) or {}
    context = {
        "rows": result.get("rows", []),
        "total": result.get("total", ""),
        "breadcrumb": [ESPACE_FAMILLE, PLANNING, ("Résultat", None)],
    }
    return render(request, "espace_famille/planning_basket_result.html", context)
