"""Staff sign in to the admin in a browser as they do for real: password, then their authenticator app's code;
a first second factor through the link e-mailed to them."""

import re

from django.core import mail

from tests.factories import PASSWORD
from tests.second_factor import enrol_totp, has_totp, totp_code


def staff_log_in(page, url, user):
    if not has_totp(user):
        enrol_totp(user)
    page.goto(url + "/admin/login/")
    page.get_by_label("E-mail (identifiant)").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="S'identifier").click()
    page.get_by_label("Code").fill(totp_code())
    with page.expect_navigation():
        page.get_by_role("button", name="Connexion").click()


def open_enrolment_link(page, url, axe):
    """On «Activer la double authentification»: ask for the link, open it from the e-mail, confirm."""
    page.wait_for_url("**/compte/double-authentification/")
    assert "L'administration du portail demande une double authentification" in page.content()
    axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Recevoir le lien par e-mail").click()
    body = next(message.body for message in reversed(mail.outbox) if "double-authentification/" in message.body)
    page.goto(url + re.search(r"https?://[^/\s]+(/compte/double-authentification/[^/\s]+/)", body).group(1))
    axe(page)
    page.get_by_role("button", name="Activer la double authentification").click()
    page.wait_for_url("**/compte/2fa/")
