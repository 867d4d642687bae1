"""home 0002: the identity's «adresse du site» goes; an address typed there moves to the Wagtail Site it belongs to
while that Site is still the one Wagtail's migrations made."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE, AFTER = [("home", "0001_initial")], [("home", "0002_remove_siteidentity_public_url")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("typed", "site_before", "site_after"),
    [
        ("https://portail.ville.fr", ("localhost", 80), ("portail.ville.fr", 443)),
        ("http://127.0.0.1:8000", ("localhost", 80), ("127.0.0.1", 8000)),
        ("https://portail.ville.fr", ("mairie.example", 443), ("mairie.example", 443)),
        ("", ("localhost", 80), ("localhost", 80)),
    ],
)
def test_the_typed_address_moves_to_an_untouched_site(typed, site_before, site_after):
    old = migrate(BEFORE)
    Site, SiteIdentity = old.get_model("wagtailcore", "Site"), old.get_model("home", "SiteIdentity")
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = site_before
    site.save()
    SiteIdentity.objects.update_or_create(site=site, defaults={"public_url": typed})

    new = migrate(AFTER)
    site = new.get_model("wagtailcore", "Site").objects.get(pk=site.pk)
    assert (site.hostname, site.port) == site_after
