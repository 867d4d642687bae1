"""FranceConnect: the button's redirection, FranceConnect's return, the first login (link an account with its
password, or open one), unlinking, and the return from FranceConnect's logout."""

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from espace_famille.comptes import franceconnect, services
from espace_famille.comptes.exceptions import FranceConnectRefused
from espace_famille.comptes.forms import FranceConnectCreateForm, FranceConnectLinkForm
from espace_famille.comptes.models import FranceConnectIdentity, User

FAILED = (
    "La connexion avec FranceConnect n'a pas abouti. Réessayez, ou connectez-vous avec votre e-mail et votre "
    "mot de passe."
)
CANCELLED = "Vous avez annulé la connexion avec FranceConnect."


def _enabled():
    if not franceconnect.enabled():
        raise Http404


@require_POST
def start(request):
    _enabled()
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        request.session[franceconnect.NEXT] = target
    try:
        return franceconnect.authorize_redirect(request)
    except franceconnect.FranceConnectError:
        return _failure(request)


@require_GET
@never_cache
def callback(request):
    _enabled()
    try:
        identity = franceconnect.identity_from_callback(request)
    except franceconnect.FranceConnectError:
        return _failure(request, cancelled=request.GET.get("error") == "access_denied")
    link = FranceConnectIdentity.objects.select_related("user").filter(sub=identity.sub).first()
    if link is not None:
        services.franceconnect_login_record(link=link)
        return _sign_in(request, link.user, identity.id_token)
    request.session[franceconnect.PENDING] = identity.as_session()
    return redirect("franceconnect_link")


@require_http_methods(["GET", "POST"])
@never_cache
def link(request):
    """«Première connexion avec FranceConnect»: the identity is linked to an existing account only once that
    account's password is given, never on the e-mail alone; otherwise the person opens an account."""
    _enabled()
    pending = request.session.get(franceconnect.PENDING)
    if not pending:
        messages.info(request, "Connectez-vous d'abord avec FranceConnect.")
        return redirect("account_login")
    identity = franceconnect.Identity(**pending)
    existing = bool(identity.email) and User.objects.filter(email__iexact=identity.email).exists()
    action = request.POST.get("action") if request.method == "POST" else None
    link_form = FranceConnectLinkForm(
        request.POST if action == "lier" else None,
        request=request,
        initial={"email": identity.email},
        prefix="lier",
    )
    create_form = (
        None
        if existing
        else FranceConnectCreateForm(request.POST if action == "creer" else None, identity=identity, prefix="creer")
    )
    status = 200
    if action == "lier":
        if link_form.is_valid():
            user = link_form.user
            try:
                services.franceconnect_link(user=user, sub=identity.sub)
            except FranceConnectRefused as error:
                link_form.add_error(None, error)
            else:
                get_adapter(request).send_notification_mail("franceconnect/email/linked", user)
                messages.success(request, "Votre compte est désormais lié à FranceConnect.")
                return _sign_in(request, user, identity.id_token)
        status = 400
    elif action == "creer" and create_form is not None:
        if create_form.is_valid():
            try:
                user = services.franceconnect_account_create(identity=identity, email=create_form.cleaned_data["email"])
            except FranceConnectRefused as error:
                create_form.add_error("email", error)
            else:
                messages.success(request, "Votre compte citoyen est créé : il s'ouvre avec FranceConnect.")
                if user.email != identity.email:
                    EmailAddress.objects.get(user=user).send_confirmation(request, signup=True)
                return _sign_in(request, user, identity.id_token)
        status = 400
    elif action is not None:
        status = 400
    context = {"identity": identity, "existing": existing, "link_form": link_form, "create_form": create_form}
    return render(request, "account/franceconnect_link.html", context, status=status)


@login_required
@require_POST
def unlink(request):
    try:
        services.franceconnect_unlink(user=request.user)
    except FranceConnectRefused as error:
        messages.error(request, error.message)
    else:
        request.session.pop(franceconnect.ID_TOKEN, None)
        messages.success(request, "Votre compte n'est plus lié à FranceConnect.")
    return redirect("espace_famille:mon_espace")


@require_GET
def logout_return(request):
    return render(request, "account/franceconnect_logged_out.html")


def _sign_in(request, user, id_token: str):
    """Signs the person in through allauth's login, so that its steps apply: an inactive account is refused, and
    an account protected by a second factor asks for it before it opens."""
    target = request.session.pop(franceconnect.NEXT, None)
    request.session.pop(franceconnect.PENDING, None)
    if request.user.is_authenticated and request.user != user:
        logout(request)
    # Kept for the logout, which also ends the person's FranceConnect session.
    request.session[franceconnect.ID_TOKEN] = id_token
    return perform_login(
        request, user, email_verification="optional", redirect_url=target or resolve_url(settings.LOGIN_REDIRECT_URL)
    )


def _failure(request, *, cancelled: bool = False):
    request.session.pop(franceconnect.PENDING, None)
    message = CANCELLED if cancelled else FAILED
    return render(request, "account/franceconnect_error.html", {"message": message}, status=400)
