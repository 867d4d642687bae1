"""Browsers ask every site for its icon: the portal names it on its pages and in the admin, and /favicon.ico leads
to it, instead of a 404 in the browser's console on every page."""

import pytest
from django.contrib.staticfiles import finders

from tests.factories import service_instructor

pytestmark = pytest.mark.django_db


def test_the_icon_is_named_on_the_site_and_in_the_admin_and_favicon_ico_leads_to_it(client, site):
    icon = '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">'
    assert icon in client.get("/").content.decode()
    assert icon in client.get("/admin/login/").content.decode()
    client.force_login(service_instructor())
    assert icon in client.get("/admin/").content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg")
