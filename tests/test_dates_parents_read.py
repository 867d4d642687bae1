"""The dates parents read on their pages are written as commun.formats writes them («2 déc. 2026», «02/12/2026»):
never Django's «2 Déc 2026», never the ISO «2026-12-02» of a stored value. Swept over the demo's lived-in spaces."""

import re
from html import unescape

import pytest
from django.urls import reverse

from espace_famille.comptes.models import User
from espace_famille.demandes.models import Request
from espace_famille.messagerie.models import FamilyMessageRecipient
from tests.test_demo import TERM_TIME, load_demo

pytestmark = pytest.mark.django_db

CAPITALISED_MONTH = re.compile(r"\b\d{1,2} [A-ZÉ][a-zéû]{2,3}\.? \d{4}\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def visible_text(response) -> str:
    assert response.status_code == 200, response.request["PATH_INFO"]
    page = response.content.decode()
    return unescape(re.sub(r"<[^>]+>", " ", page))


def test_every_date_on_the_parents_pages_reads_in_french(client, time_machine):
    time_machine.move_to(TERM_TIME, tick=False)
    load_demo()
    for user in User.objects.filter(subscriptions__isnull=False).distinct():
        client.force_login(user)
        families = list(user.subscriptions.values_list("family", flat=True))
        urls = [
            reverse("espace_famille:mon_espace"),
            reverse("espace_famille:requests"),
            reverse("espace_famille:family_file"),
            reverse("espace_famille:planning_list"),
            reverse("justificatifs:list"),
            reverse("messagerie:list"),
            reverse("espace_facturation:invoices"),
            reverse("espace_facturation:payments"),
            reverse("espace_facturation:operations"),
        ]
        urls += [
            reverse("espace_famille:request_detail", args=[pk])
            for pk in Request.objects.filter(family__in=families).values_list("pk", flat=True)
        ]
        urls += [
            reverse("messagerie:detail", args=[pk])
            for pk in FamilyMessageRecipient.objects.filter(family__in=families).values_list("pk", flat=True)
        ]
        for url in urls:
            text = visible_text(client.get(url))
            assert not CAPITALISED_MONTH.search(text), (user.email, url, CAPITALISED_MONTH.findall(text))
            assert not ISO_DATE.search(text), (user.email, url, ISO_DATE.findall(text))
