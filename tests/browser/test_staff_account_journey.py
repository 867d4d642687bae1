"""A staff member opens «Compte» in the admin: the page runs without a script error (it failed on the time zone
«localtime») and passes axe-core."""

import pytest

from tests.browser.staff import staff_log_in
from tests.factories import service_instructor

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_account_page_of_the_admin_runs_without_error(live_server, admin_page, axe, site):
    staff_log_in(admin_page, live_server.url, service_instructor(email="instructeur@example.org"))

    admin_page.goto(live_server.url + "/admin/account/")
    assert "Compte" in admin_page.title()
    admin_page.wait_for_load_state("networkidle")
    axe(admin_page)
