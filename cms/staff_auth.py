"""Staff sign-in: the admin's login goes through allauth (throttled, second factor), and a session reaches the
admin only once a second factor was used in it."""

import time
from datetime import UTC, datetime

from allauth.account.views import LoginView
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from espace_famille.forms import LoginForm

# When this session last proved a second factor (an authenticator app code, a security key or a recovery code at
# sign-in, or a new authenticator just set up). Logging out or a new login of another person clears the session.
SECOND_FACTOR = "_portail_second_factor"
# When the signed-in session began (cms/security.py sets it at its first request).
STARTED = "_portail_started"
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


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
