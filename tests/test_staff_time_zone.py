"""Staff read the admin's times in the portal's zone: the account page offers no zone the browser does not know
(Debian's «localtime» failed it), and a profile that held such a zone goes back to the portal's."""

from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from wagtail.admin.localization import get_available_admin_time_zones
from wagtail.users.models import UserProfile

from tests.factories import service_instructor

reset = import_module("espace_famille.migrations.0011_staff_time_zones").reset_time_zones


def test_the_admin_offers_the_portal_time_zone_only():
    assert get_available_admin_time_zones() == ["Europe/Paris"] == [settings.TIME_ZONE]


@pytest.mark.django_db
def test_the_account_page_offers_no_time_zone_to_choose(client, site):
    client.force_login(service_instructor())
    page = client.get("/admin/account/").content.decode()
    assert "current_time_zone" not in page and "localtime" not in page


@pytest.mark.django_db
def test_a_profile_holding_a_zone_the_admin_does_not_offer_goes_back_to_the_portal_zone():
    kept, reset_one = service_instructor(), service_instructor()
    UserProfile.objects.create(user=kept, current_time_zone="Europe/Paris")
    UserProfile.objects.create(user=reset_one, current_time_zone="localtime")

    reset(apps, None)

    assert UserProfile.get_for_user(kept).get_current_time_zone() == "Europe/Paris"
    assert UserProfile.get_for_user(reset_one).current_time_zone == ""
    assert UserProfile.get_for_user(reset_one).get_current_time_zone() == "Europe/Paris"
