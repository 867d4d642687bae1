"""Wagtail's bar: editors find it on the site's pages; a parent's pages neither show it nor load permissions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BAR = "wagtail-userbar"


def test_an_editor_finds_wagtails_bar_on_the_sites_pages(client, site):
    client.force_login(UserFactory(is_superuser=True))
    assert BAR in client.get("/").content.decode()


def test_a_parent_has_no_bar_and_no_permission_is_read_for_it(client, site):
    client.force_login(UserFactory())
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()
    assert BAR not in page and "Se déconnecter" in page
    assert not [q["sql"] for q in queries if '"auth_permission"' in q["sql"]]
