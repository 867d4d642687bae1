"""Staff sign-in: the admin's login goes through allauth (throttled, second factor), and a session reaches the
admin only once a second factor was used in it.

A staff member's first second factor is enrolled only in a session that opened the single-use link e-mailed to
their address (or handed over by an administrator: `manage.py staff_enrolment_link`): a stolen password alone
cannot enrol the thief's own authenticator."""

import time
import uuid
from datetime import UTC, datetime

from allauth.account.views import LoginView
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from commun import tokens
from espace_famille.comptes.forms import LoginForm
from home.models import SiteIdentity
from notifications import services as notifications

# When this session last proved a second factor (an authenticator app code, a security key or a recovery code at
# sign-in, or a new authenticator just set up). Logging out or a new login of another person clears the session.
SECOND_FACTOR = "_portail_second_factor"
# When the signed-in session began (cms/security.py sets it at its first request).
STARTED = "_portail_started"
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
# When this session opened the enrolment link; it may then enrol second factors for ENROLMENT_WINDOW.
ENROLMENT = "_portail_enrolment"
ENROLMENT_WINDOW = 30 * 60
ENROLMENT_PURPOSE = "staff-enrolment"
ENROLMENT_VALIDITY = 24 * 3600
# At most one e-mail every ENROLMENT_EMAIL_INTERVAL seconds per staff member.
ENROLMENT_EMAIL_INTERVAL = 5 * 60


class StaffLoginForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "E-mail (identifiant)"


class StaffLoginView(LoginView):
    """«Connexion des agents» at /admin/login/: allauth's login, its rate limits and its second-factor step, then
    back to the admin page the person asked for."""

    template_name = "account/staff_login.html"

    def get_form_class(self):
        return StaffLoginForm

    def get_success_url(self):
        target = self.request.POST.get("next") or self.request.GET.get("next")
        if target and url_has_allowed_host_and_scheme(target, {self.request.get_host()}, self.request.is_secure()):
            return target
        return settings.ADMIN_PATH_PREFIX

    def get_authenticated_redirect_url(self):
        return self.get_success_url()


def second_factor_used(request) -> bool:
    """Whether this session proved a second factor: at sign-in, or by setting one up since it began (allauth
    adds the authenticator after its transaction commits, so this looks at the authenticator's date rather than
    trusting a signal to reach the session in time)."""
    if request.session.get(SECOND_FACTOR):
        return True
    started = request.session.get(STARTED)
    if started and _second_factors(request.user).filter(created_at__gte=_moment(started)).exists():
        mark_second_factor(request)
        return True
    return False


def has_second_factor(user) -> bool:
    return _second_factors(user).exists()


def mark_second_factor(request) -> None:
    request.session[SECOND_FACTOR] = time.time()


def on_authentication_step(sender, request, method, **kwargs):
    if method == "mfa":
        mark_second_factor(request)


def on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    if not has_second_factor(user):
        request.session.pop(SECOND_FACTOR, None)


def setup_url() -> str:
    return reverse("mfa_index")


def _second_factors(user):
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS)


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def reaches_admin(user) -> bool:
    return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")


def enrolment_needed(request) -> bool:
    """A staff member with no second factor whose session has not opened the enrolment link (recently)."""
    if not reaches_admin(request.user) or has_second_factor(request.user):
        return False
    granted = request.session.get(ENROLMENT)
    return not (granted and time.time() - granted < ENROLMENT_WINDOW)


def enrolment_link(user, *, request=None) -> str:
    token = tokens.issue(purpose=ENROLMENT_PURPOSE, subject=str(user.pk), validity=ENROLMENT_VALIDITY)
    return SiteIdentity.public_address(reverse("staff_enrolment_confirm", args=[token]), request=request)


ENROLMENT_SENT = (
    "Un lien d'activation vient d'être envoyé à {email}. Ouvrez-le dans ce navigateur, connecté à votre compte, "
    "pour activer votre double authentification."
)


@login_required
@require_http_methods(["GET", "POST"])
def enrolment(request):
    """«Activer la double authentification»: the page a staff member without a second factor lands on; its button
    e-mails the single-use link."""
    if not enrolment_needed(request):
        return redirect(setup_url())
    if request.method == "POST":
        user = request.user
        if cache.add(f"staff-enrolment-sent:{user.pk}", True, ENROLMENT_EMAIL_INTERVAL):
            notifications.queue(
                kind="staff_second_factor",
                to=user.email,
                key=f"staff_second_factor:{uuid.uuid4()}",
                context={"nom_complet": user.display_name, "lien": enrolment_link(user, request=request)},
            )
        messages.info(request, ENROLMENT_SENT.format(email=user.email))
        return redirect("staff_enrolment")
    return render(request, "account/staff_enrolment.html", {"breadcrumb": [("Double authentification", None)]})


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_confirm(request, token):
    """The e-mailed link: it shows a button (a mail scanner opening it must not spend it); the button lets this
    session enrol a first second factor, once, and only for the account the link was sent to."""
    if request.method == "GET":
        context = {"breadcrumb": [("Double authentification", None)]}
        return render(request, "account/staff_enrolment_confirm.html", context)
    subject = tokens.redeem(token, purpose=ENROLMENT_PURPOSE, validity=ENROLMENT_VALIDITY)
    if subject != str(request.user.pk):
        messages.error(request, "Ce lien d'activation a déjà servi, n'est plus valable ou concerne un autre compte.")
        return redirect("staff_enrolment")
    request.session[ENROLMENT] = time.time()
    return redirect(setup_url())
