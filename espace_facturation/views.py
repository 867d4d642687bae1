"""Views of the billing space."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from espace_famille import selectors


@login_required
def home(request):
    """«Espace facturation»: its entries once subscribed, how to subscribe otherwise."""
    family = selectors.current_family(user=request.user, chosen_id=request.session.get("family_id"))
    context = {"family": family, "breadcrumb": [("Espace facturation", None)]}
    if family is None:
        return render(request, "espace_famille/not_subscribed.html", {**context, "space": "Espace facturation"})
    return render(request, "espace_facturation/home.html", context)
