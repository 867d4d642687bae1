"""A security key (WebAuthn) as an instructor's second factor, in Chromium with its virtual authenticator: the key
is added from «Authentification à deux facteurs», then opens the admin at the next sign-in."""

import pytest
from allauth.mfa.models import Authenticator

from espace_famille.comptes.permissions import INSTRUCTORS, ensure_staff_groups
from tests.browser.staff import open_enrolment_link
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, url, user):
    page.goto(url + "/admin/login/?next=/admin/")
    page.get_by_label("E-mail (identifiant)").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="S'identifier").click()


def test_an_instructor_adds_a_security_key_and_signs_in_with_it(live_server, page, axe, site, settings):
    # WebAuthn needs HTTPS, or the developer's own machine: the live server runs on http://localhost.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    groups = {group.name: group for group in ensure_staff_groups()}
    instructor = UserFactory(email="instructrice@example.org", is_staff=True)
    instructor.groups.add(groups[INSTRUCTORS])
    url = live_server.url.replace("127.0.0.1", "localhost")
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )

    sign_in(page, url, instructor)
    open_enrolment_link(page, url, axe)
    page.goto(url + "/compte/2fa/webauthn/add/")
    page.wait_for_url("**/compte/reauthenticate/**")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url("**/compte/2fa/webauthn/add/")
    axe(page)
    page.get_by_label("Nom de la clé").fill("Clé du bureau")
    page.get_by_role("button", name="Ajouter").click()
    page.wait_for_url("**/compte/2fa/recovery-codes/")
    key = Authenticator.objects.get(user=instructor, type=Authenticator.Type.WEBAUTHN)
    assert key.data["name"] == "Clé du bureau"
    page.goto(url + "/admin/")
    assert "Tableau de bord" in page.content()

    page.context.clear_cookies()
    sign_in(page, url, instructor)
    page.wait_for_url("**/compte/2fa/authenticate/")
    axe(page)
    page.get_by_role("button", name="Utilisez une clé secrète").click()
    page.wait_for_url("**/admin/")
    assert "Tableau de bord" in page.content()
