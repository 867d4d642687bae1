"""Staff sign in to the admin in a browser as they do for real: password, then their authenticator app's code."""

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
