"""Security headers, session expiry and the password asked again before changing the e-mail address."""

import time

import pytest
from django.urls import reverse

from cms import security
from espace_famille.dossier.models import Subscription
from tests.factories import PASSWORD, FamilyFactory, UserFactory


def _policy(response) -> dict[str, list[str]]:
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: values for name, *values in directives}


def test_portal_pages_forbid_inline_scripts_and_styles(client, site):
    policy = _policy(client.get(reverse("account_login")))
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in str(policy) and "'unsafe-eval'" not in str(policy)


def test_the_admin_allows_inline_styles_but_never_inline_scripts(client, site):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    policy = _policy(client.get("/admin/"))
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["script-src"] == ["'self'"]


def test_powerful_browser_features_are_turned_off(client, site):
    header = client.get(reverse("account_login"))["Permissions-Policy"]
    for feature in ("camera=()", "geolocation=()", "microphone=()", "payment=()"):
        assert feature in header


@pytest.fixture
def parent(client, db):
    user = UserFactory()
    Subscription.objects.create(user=user, family=FamilyFactory(), method="code")
    client.force_login(user)
    return user


def _age_session(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_a_session_left_idle_ends_and_the_parent_signs_in_again(client, site, parent, settings):
    settings.SESSION_IDLE_SECONDS = 30 * 60
    assert client.get(reverse("espace_famille:home")).status_code == 200
    _age_session(client, **{security.SEEN: 31 * 60})
    response = client.get(reverse("espace_famille:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=/espace-famille/")
    # The parent is signed out, and told why on the login page.
    page = client.get(response["Location"]).content.decode()
    assert "Votre session a expiré : connectez-vous à nouveau." in page
    assert client.get(reverse("espace_famille:home")).status_code == 302


def test_an_active_session_still_ends_after_its_absolute_time(client, site, parent, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 8 * 3600
    _age_session(client, **{security.STARTED: 8 * 3600 + 1, security.SEEN: 10})
    assert client.get(reverse("espace_famille:home")).status_code == 302


def test_an_active_session_within_both_limits_goes_on(client, site, parent):
    _age_session(client, **{security.STARTED: 3600, security.SEEN: 60})
    assert client.get(reverse("espace_famille:home")).status_code == 200


def test_an_expired_staff_session_goes_back_to_the_admin_login(client, site, settings):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    client.get("/admin/")
    _age_session(client, **{security.SEEN: settings.SESSION_IDLE_SECONDS + 1})
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_changing_the_email_address_asks_for_the_password_again(client, site, parent):
    response = client.post(reverse("account_email"), {"action_add": "", "email": "nouvelle@example.org"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    assert not parent.emailaddress_set.filter(email="nouvelle@example.org").exists()
    client.post(response["Location"], {"password": PASSWORD})
    client.post(reverse("account_email"), {"action_add": "", "email": "nouvelle@example.org"})
    assert parent.emailaddress_set.filter(email="nouvelle@example.org").exists()


def test_pages_refuse_the_methods_they_do_not_use(client, site):
    assert client.put("/plan-du-site/").status_code == 405
    assert client.delete("/").status_code == 405
    assert client.options("/plan-du-site/")["Allow"] == "GET, HEAD, OPTIONS"
    assert client.options("/nous-contacter/")["Allow"] == "GET, HEAD, OPTIONS, POST"


def test_forms_refuse_a_post_without_the_csrf_token(site):
    """wapiti reports «Lack of anti CSRF token» because it does not know Django's field name
    (csrfmiddlewaretoken): the token is there, and checked."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    page = strict.get(reverse("account_login")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    assert strict.post(reverse("account_login"), {"login": "a@example.org", "password": "x"}).status_code == 403
    assert strict.post("/nous-contacter/", {"nom": "A"}).status_code == 403


def test_the_csrf_cookie_is_out_of_reach_of_scripts(client, site):
    response = client.get(reverse("account_login"))
    assert response.cookies["csrftoken"]["httponly"] is True
