"""«Mes messages» in «Mon espace citoyen»: a family reads the messages it received, and only those; opening one
reads it; the messages are in the family's data export and in the «Messages envoyés» of its admin page."""

import re
from html import unescape

import pytest
from django.test import RequestFactory
from django.urls import reverse
from wagtail import hooks

from commun.data_export import family_export
from espace_famille.comptes.roles import COMMUNICATION
from espace_famille.dossier.family_page import SECTIONS_HOOK
from espace_famille.messagerie import rules, sections, services
from espace_famille.messagerie.models import FamilyMessageRecipient
from tests.espace_famille.messagerie.setup import family_with_child
from tests.factories import UserFactory, parent_of, role, service_instructor

pytestmark = pytest.mark.django_db
LIST = "/mon-espace/messages/"


def text(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def write(family, subject, body="Texte du message.", by=None):
    return services.message_send(
        audience=rules.Audience(kind=rules.FAMILY, family=family),
        subject=subject,
        body=body,
        by_email=True,
        by_sms=False,
        by=by or service_instructor(),
    )


@pytest.fixture
def durant(site):
    return family_with_child("DURANT")


@pytest.fixture
def aderno(site):
    return family_with_child("ADERNO")


@pytest.fixture
def parent(client, durant):
    user = parent_of(durant, email="jean.durant@example.org")
    client.force_login(user)
    return user


def received(family, message) -> FamilyMessageRecipient:
    return FamilyMessageRecipient.objects.get(family=family, message=message)


def test_a_family_reads_its_messages_and_not_another_familys(client, parent, durant, aderno):
    write(durant, "Attestation d'assurance", "Bonjour,\n\nL'attestation de Léo manque au dossier.")
    write(aderno, "Message pour ADERNO")

    page = text(client.get(LIST))

    assert "Attestation d'assurance Nouveau" in page and "L'attestation de Léo manque au dossier." in page
    assert "Message pour ADERNO" not in page


def test_opening_a_message_reads_it_once(client, parent, durant):
    message = write(durant, "Réunion des familles", "Bonjour,\n\nRéunion jeudi à 18 h.")
    url = reverse("messagerie:detail", args=[received(durant, message).pk])

    page = text(client.get(url))

    assert "Réunion des familles" in page and "Réunion jeudi à 18 h." in page
    first = received(durant, message).read_at
    assert first is not None
    client.get(url)
    assert received(durant, message).read_at == first
    assert "Nouveau" not in text(client.get(LIST))


def test_another_familys_message_is_not_found(client, parent, aderno):
    message = write(aderno, "Message pour ADERNO")
    response = client.get(reverse("messagerie:detail", args=[received(aderno, message).pk]))
    assert response.status_code == 404
    assert received(aderno, message).read_at is None


def test_an_anonymous_visitor_is_sent_to_the_login(client, durant):
    message = write(durant, "Objet")
    for url in (LIST, reverse("messagerie:detail", args=[received(durant, message).pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_mon_espace_shows_mes_messages_with_the_number_not_read(client, parent, durant):
    write(durant, "Premier")
    write(durant, "Second")
    page = text(client.get(reverse("espace_famille:mon_espace")))
    assert "Mes messages" in page and "2 nouveaux messages" in page


def test_the_familys_data_export_holds_its_messages(durant, aderno):
    write(durant, "Attestation d'assurance", "Texte pour DURANT.")
    write(aderno, "Message pour ADERNO")
    exported = family_export(family=durant)["family_messages"]
    assert [(row["subject"], row["text"]) for row in exported] == [("Attestation d'assurance", "Texte pour DURANT.")]


def render_section(user, family):
    request = RequestFactory().get("/admin/")
    request.user = user
    (build,) = [fn for fn in hooks.get_hooks(SECTIONS_HOOK) if fn is sections.family_section]
    return build(request, family)


def test_the_fiche_famille_lists_its_messages_sent_and_offers_to_write(client, durant, aderno):
    instructor = service_instructor()
    message = write(durant, "Attestation d'assurance", by=instructor)
    write(aderno, "Message pour ADERNO", by=instructor)
    client.force_login(instructor)

    page = client.get(reverse("espace_famille_family_page", args=[durant.pk]))

    html = unescape(page.content.decode())
    assert page.status_code == 200
    assert '<a href="#messagessection">Messages envoyés</a>' in html
    assert "Attestation d'assurance" in html and "Message pour ADERNO" not in html
    assert reverse("messagerie_detail", args=[message.pk]) in html
    assert f'href="/admin/messages-familles/ecrire/?famille={durant.pk}">Écrire à la famille' in html
    # The journal of the family names the message sent.
    assert "Message envoyé aux familles" in html


def test_the_section_reads_in_four_queries_whatever_the_number_of_messages(durant, django_assert_num_queries):
    instructor = service_instructor()
    for number in range(7):
        write(durant, f"Message {number}", by=instructor)
    with django_assert_num_queries(4):
        section = render_section(instructor, durant)
    html = unescape(section.render_html({}))
    assert section.order == 80 and html.count("En attente") == 5
    assert f'href="/admin/messages-familles/?famille={durant.pk}">Les 7 messages reçus par la famille' in html


def test_staff_who_may_not_read_the_messages_get_no_section(durant):
    officer = UserFactory(is_staff=True)
    officer.groups.add(role(COMMUNICATION))
    assert render_section(officer, durant) is None
