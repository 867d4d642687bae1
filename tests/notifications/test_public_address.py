"""The links of e-mails lead to the portal's configured address: the Wagtail Site's host name and port («Paramètres >
Sites»), or the address the person is using when the e-mail is written during their request; never a development
port left in a setting."""

import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Site

from home.models import SiteIdentity
from tests.factories import UserFactory, service_instructor

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured_site(site):
    Site.objects.filter(is_default_site=True).update(hostname="portail.ville.fr", port=443)


def test_without_a_request_the_address_is_the_wagtail_site_s(configured_site):
    assert SiteIdentity.public_address("/mon-espace/") == "https://portail.ville.fr/mon-espace/"


def test_a_site_on_another_port_keeps_it(site):
    Site.objects.filter(is_default_site=True).update(hostname="portail.ville.fr", port=8080)
    assert SiteIdentity.public_address("/mon-espace/") == "http://portail.ville.fr:8080/mon-espace/"


def test_a_link_handed_over_by_a_command_uses_the_wagtail_site(configured_site):
    user = service_instructor(email="agent@example.org")
    out = StringIO()
    call_command("staff_enrolment_link", user.email, stdout=out)
    assert re.fullmatch(r"https://portail\.ville\.fr/compte/double-authentification/[^/\s]+/", out.getvalue().strip())


def test_an_email_written_during_a_request_links_to_the_address_in_use(client, configured_site):
    user = UserFactory(email="parent@example.org")
    for _ in range(6):
        client.post(
            reverse("account_login"),
            {"login": user.email, "password": "Wrong12345"},
            secure=True,
            headers={"host": "portail.ville.fr"},
        )
    [email] = [message for message in mail.outbox if "Débloquer mon compte" in message.body]
    assert re.search(r"^https://portail\.ville\.fr/compte/debloquer/[^/\s]+/$", email.body, re.MULTILINE)
    assert ":8000" not in email.body


def test_the_password_reset_link_uses_the_same_address(client, configured_site):
    UserFactory(email="parent@example.org")
    client.post(
        reverse("account_reset_password"),
        {"email": "parent@example.org"},
        secure=True,
        headers={"host": "portail.ville.fr"},
    )
    [email] = mail.outbox
    assert re.search(r"^https://portail\.ville\.fr/compte/password/reset/key/\S+/$", email.body, re.MULTILINE)
    assert "\nhttps://portail.ville.fr\n" in email.body
