"""Views of «Mon espace citoyen» and the «Espace famille» home: parse, call a service, render."""

from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from commun import throttling
from commun.menus import crumb
from espace_famille.comptes import selectors as comptes_selectors
from espace_famille.comptes import services, subscriptions
from espace_famille.comptes.exceptions import SubscriptionNotFound, SubscriptionThrottled
from espace_famille.comptes.forms import ProfileForm, ResendConfirmationForm
from espace_famille.dossier import selectors as dossier_selectors
from espace_famille.dossier import services as dossier_services


@login_required
def mon_espace(request):
    if request.user.subscriber_code_failed:
        messages.warning(
            request,
            "Le code abonné saisi lors de votre inscription ne correspond à aucun dossier famille. "
            "Vous pouvez vous abonner avec votre code ou une de vos factures dans « Mes abonnements ».",
        )
        services.signup_code_failure_acknowledge(user=request.user)
    return render(
        request,
        "espace_famille/mon_espace.html",
        {
            "subscriptions": comptes_selectors.subscriptions_for(user=request.user),
            "breadcrumb": [(crumb("principal", "mon_espace")[0], None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            services.profile_update(user=request.user, **form.cleaned_data)
            messages.success(request, "Votre profil a été mis à jour.")
            return redirect("espace_famille:mon_espace")
        status = 400
    else:
        status = 200
    breadcrumb = [crumb("principal", "mon_espace"), ("Mon profil", None)]
    return render(request, "espace_famille/profile.html", {"form": form, "breadcrumb": breadcrumb}, status=status)


@login_required
def subscription_list(request):
    return render(
        request,
        "espace_famille/subscriptions.html",
        {
            "subscriptions": comptes_selectors.subscriptions_for(user=request.user),
            "breadcrumb": [crumb("principal", "mon_espace"), ("Mes abonnements", None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def subscription_add(request):
    """«M'abonner»: the ways registered by the apps, each with its own form and «Rechercher»."""
    ways = subscriptions.ways()
    forms = {way.slug: way.form_class(prefix=way.slug) for way in ways}
    status = 200
    if request.method == "POST":
        way = subscriptions.get(request.POST.get("way", ""))
        if way is None:
            raise Http404
        form = forms[way.slug] = way.form_class(request.POST, prefix=way.slug)
        status = 400
        if throttling.subscription_blocked(request):
            form.add_error(None, SubscriptionThrottled())
            status = 429
        elif form.is_valid():
            try:
                family = way.find_family(form.cleaned_data)
                if family is None:
                    raise SubscriptionNotFound()
                subscription, created = dossier_services.subscription_claim(
                    family=family, method=way.slug, by=request.user
                )
            except SubscriptionNotFound as error:
                throttling.subscription_failed(request)
                form.add_error(None, error)
            else:
                if created:
                    messages.success(
                        request,
                        f"Votre abonnement à la {subscription.family} est actif : "
                        "l'Espace famille et l'Espace facturation vous sont ouverts.",
                    )
                else:
                    messages.info(request, f"Vous êtes déjà abonné à la {subscription.family}.")
                return redirect("espace_famille:subscriptions")
    context = {
        "ways": [(way, forms[way.slug]) for way in ways],
        "breadcrumb": [
            crumb("principal", "mon_espace"),
            ("Mes abonnements", "espace_famille:subscriptions"),
            ("M'abonner", None),
        ],
    }
    return render(request, "espace_famille/subscription_add.html", context, status=status)


@require_http_methods(["GET", "POST"])
def resend_confirmation(request):
    """Send the confirmation email again; the answer never tells whether the address has an account."""
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        if ratelimit.consume(request, action="confirm_email", key=email):
            address = EmailAddress.objects.filter(email__iexact=email, verified=False).select_related("user").first()
            if address is not None:
                address.send_confirmation(request, signup=False)
        messages.info(
            request,
            "Si un compte non confirmé existe pour cette adresse, un nouvel e-mail de confirmation vient de lui "
            "être envoyé. Pensez à regarder dans vos courriers indésirables.",
        )
        return redirect("account_login")
    status = 400 if request.method == "POST" else 200
    breadcrumb = [("Renvoyer l'e-mail de confirmation", None)]
    return render(request, "account/resend_confirmation.html", {"form": form, "breadcrumb": breadcrumb}, status=status)


@login_required
def home(request):
    """«Espace famille»: its blocks once subscribed, how to subscribe otherwise."""
    family = dossier_selectors.current_family(user=request.user, chosen_id=request.session.get("family_id"))
    context = {"family": family, "breadcrumb": [("Espace famille", None)]}
    if family is None:
        return render(request, "espace_famille/not_subscribed.html", context)
    context["guardians"] = family.guardians.all()
    context["children"] = family.children.all()
    context["families"] = dossier_selectors.families_for(user=request.user)
    return render(request, "espace_famille/home.html", context)


@login_required
@require_http_methods(["POST"])
def family_choose(request):
    """A parent subscribed to several families picks the one to work on."""
    try:
        chosen = int(request.POST.get("family", ""))
    except ValueError:
        raise Http404 from None
    if not any(family.pk == chosen for family in dossier_selectors.families_for(user=request.user)):
        raise Http404
    request.session["family_id"] = chosen
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("espace_famille:home")


@require_http_methods(["GET", "POST"])
def unlock(request, token):
    """«Débloquer mon compte», from the e-mail sent when sign-ins to the account were locked. The link only shows
    a button (a mail scanner opening it must not spend it); the button clears the locks, once."""
    if request.method == "POST":
        if throttling.unlock(token):
            messages.success(request, "Votre compte est débloqué : vous pouvez vous connecter.")
            return redirect("account_login")
        messages.error(request, "Ce lien de déblocage a déjà servi ou n'est plus valable.")
        return redirect("account_login")
    return render(request, "account/unlock.html", {"breadcrumb": [("Débloquer mon compte", None)]})
