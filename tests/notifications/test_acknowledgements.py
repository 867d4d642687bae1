"""The acknowledgement of receipt («Accusé d'enregistrement électronique») of every submission, read as the family
receives it, and the count of unread messages in the header."""

import re
from datetime import date, datetime
from html import unescape

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from commun import menus
from commun.clock import PARIS
from espace_famille.comptes.permissions import INSTRUCTORS
from espace_famille.demandes import acknowledgements
from espace_famille.demandes.models import RequestKind
from espace_famille.dossier.models import Subscription
from espace_famille.modifications import services as modifications_services
from espace_famille.planning import services as planning_services
from espace_famille.planning.models import Booking
from home.models import SiteIdentity
from notifications.models import OutboxMessage
from tests.factories import (
    ActivityFactory,
    ChildFactory,
    EnrolmentFactory,
    FamilyFactory,
    GuardianFactory,
    UserFactory,
    role,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 10, 16, 33, tzinfo=PARIS)
SUBJECT = "Accusé d'enregistrement électronique"
# Ten Mondays and Tuesdays of «4/Péri SOIR», as in the guide.
TEN_DAYS = [
    date(2026, 11, 16),
    date(2026, 11, 17),
    date(2026, 11, 23),
    date(2026, 11, 24),
    date(2026, 11, 30),
    date(2026, 12, 1),
    date(2026, 12, 7),
    date(2026, 12, 8),
    date(2026, 12, 14),
    date(2026, 12, 15),
]
MONDAY = TEN_DAYS[0]
SPACE_URL = "http://127.0.0.1:8000/mon-espace/"


@pytest.fixture
def activity(site):
    return ActivityFactory(code="4", label="Péri SOIR")


@pytest.fixture
def family():
    family = FamilyFactory(name="BLMAN")
    GuardianFactory(family=family, first_name="Matthieu")
    return family


@pytest.fixture
def parent(family):
    user = UserFactory(email="matthieu.blman@example.org", first_name="Matthieu", last_name="Blman")
    Subscription.objects.create(user=user, family=family, method="code")
    return user


@pytest.fixture
def child(family, activity):
    child = ChildFactory(family=family, first_name="Annette")
    EnrolmentFactory(child=child, activity=activity)
    return child


@pytest.fixture
def instructor():
    user = UserFactory(email="instructeur@example.org", is_staff=True)
    user.groups.add(role(INSTRUCTORS))
    return user


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run a submission as a committed transaction would: its emails go through the outbox to mail.outbox."""

    def run(action, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = action(**kwargs)
        return result

    return run


def ask(sent, *, family, parent, children, activity, kind="booking", days=TEN_DAYS, now=NOW):
    return sent(
        planning_services.booking_request_submit,
        family=family,
        by=parent,
        children=children,
        activity=activity,
        kind=kind,
        days=days,
        now=now,
    )


def acknowledgements_sent():
    return [message for message in mail.outbox if message.subject == SUBJECT]


def text_rows(message) -> list[list[str]]:
    """The table of the plain-text part, under its header line."""
    lines = message.body.splitlines()
    start = lines.index(
        "Jour\tHeure\tType de la demande\tActivité" + ("\tEnfant" if "\tEnfant" in message.body else "")
    )
    rows = []
    for line in lines[start + 1 :]:
        if "\t" not in line:
            break
        rows.append(line.split("\t"))
    return rows


def html_rows(message) -> list[list[str]]:
    html = message.alternatives[0][0].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", html)
        if "<td" in row
    ]


# The email of a booking submission ---------------------------------------------------------------------------


def test_ten_days_booked_are_acknowledged_in_one_email_listing_each_day(sent, family, parent, child, activity):
    result = ask(sent, family=family, parent=parent, children=[child], activity=activity)
    assert len(result.requested) == 10

    [email] = acknowledgements_sent()
    assert email.to == [parent.email]
    assert email.subject == "Accusé d'enregistrement électronique"
    assert "Bonjour M. Matthieu BLMAN," in email.body
    assert (
        "Vos 10 demandes de réservation pour 4/Péri SOIR réalisées le 10/11/2026 à 16:33 sont en cours d'instruction :"
        in email.body
    )
    expected = [[f"{day:%d/%m/%Y}", "16:30", "Réservation", "4/Péri SOIR"] for day in TEN_DAYS]
    assert text_rows(email) == expected
    assert html_rows(email) == expected
    assert "Nous vous tiendrons informé de leur traitement." in email.body
    assert '<th scope="col" ' in email.alternatives[0][0]


def test_a_single_day_is_acknowledged_in_the_singular(sent, family, parent, child):
    morning = ActivityFactory(code="5", label="ALSH-IS-Matin", weekdays={0: ("08:00", "12:00")})
    EnrolmentFactory(child=child, activity=morning)

    ask(sent, family=family, parent=parent, children=[child], activity=morning, days=[MONDAY])

    [email] = acknowledgements_sent()
    assert (
        "Votre demande de réservation pour 5/ALSH-IS-Matin réalisée le 10/11/2026 à 16:33 est en cours "
        "d'instruction :" in email.body
    )
    assert text_rows(email) == [["16/11/2026", "08:00", "Réservation", "5/ALSH-IS-Matin"]]


def test_an_absence_is_acknowledged_as_an_absence(sent, family, parent, child, activity, instructor):
    ask(sent, family=family, parent=parent, children=[child], activity=activity, days=TEN_DAYS[:2])
    planning_services.booking_requests_bulk_decide(requests=family.requests.all(), by=instructor, accept=True)
    mail.outbox.clear()

    ask(sent, family=family, parent=parent, children=[child], activity=activity, kind="absence", days=TEN_DAYS[:2])

    [email] = acknowledgements_sent()
    assert (
        "Vos 2 demandes d'absence pour 4/Péri SOIR réalisées le 10/11/2026 à 16:33 sont en cours d'instruction :"
        in email.body
    )
    assert text_rows(email) == [
        ["16/11/2026", "16:30", "Absence", "4/Péri SOIR"],
        ["17/11/2026", "16:30", "Absence", "4/Péri SOIR"],
    ]


def test_two_children_booked_at_once_get_one_email_with_the_days_of_both(sent, family, parent, child, activity):
    brother = ChildFactory(family=family, first_name="Timéo")
    EnrolmentFactory(child=brother, activity=activity)

    result = ask(sent, family=family, parent=parent, children=[child, brother], activity=activity, days=TEN_DAYS[:2])

    assert len(result.requests) == 2
    [email] = acknowledgements_sent()
    assert "Vos 4 demandes de réservation pour 4/Péri SOIR" in email.body
    assert text_rows(email) == [
        ["16/11/2026", "16:30", "Réservation", "4/Péri SOIR", "Annette"],
        ["16/11/2026", "16:30", "Réservation", "4/Péri SOIR", "Timéo"],
        ["17/11/2026", "16:30", "Réservation", "4/Péri SOIR", "Annette"],
        ["17/11/2026", "16:30", "Réservation", "4/Péri SOIR", "Timéo"],
    ]


def test_an_activity_that_accepts_at_once_still_acknowledges(sent, family, parent, child):
    automatic = ActivityFactory(code="7", label="Garderie", auto_accept=True)
    EnrolmentFactory(child=child, activity=automatic)

    ask(sent, family=family, parent=parent, children=[child], activity=automatic, days=[MONDAY])

    [email] = acknowledgements_sent()
    assert "Votre demande de réservation pour 7/Garderie réalisée le 10/11/2026 à 16:33 est acceptée :" in email.body


def test_a_one_day_absence_the_rules_accept_says_acceptee_in_the_email_as_in_mes_demandes(
    client, sent, family, parent, child
):
    meals = ActivityFactory(code="2", label="Repas Ecoles", auto_accept=True)
    EnrolmentFactory(child=child, activity=meals)
    ask(sent, family=family, parent=parent, children=[child], activity=meals, days=[MONDAY])
    mail.outbox.clear()

    [request] = ask(
        sent, family=family, parent=parent, children=[child], activity=meals, kind="absence", days=[MONDAY]
    ).requests

    client.force_login(parent)
    listing = unescape(client.get(reverse("espace_famille:requests")).content.decode())
    row = re.search(rf"<tr>((?:(?!</tr>).)*> la demande {request.pk} :(?:(?!</tr>).)*)</tr>", listing, re.S | re.I)
    assert row and '<td data-label="Statut">Acceptée</td>' in row.group(1)
    [email] = acknowledgements_sent()
    assert "Votre demande d'absence pour 2/Repas Ecoles réalisée le 10/11/2026 à 16:33 est acceptée :" in email.body
    assert "en cours d'instruction" not in email.body


def test_withdrawing_a_pending_request_sends_no_acknowledgement(sent, family, parent, child, activity):
    ask(sent, family=family, parent=parent, children=[child], activity=activity, days=[MONDAY])
    mail.outbox.clear()

    result = ask(
        sent, family=family, parent=parent, children=[child], activity=activity, kind="cancellation", days=[MONDAY]
    )

    assert result.requested == [(child, MONDAY)]
    assert acknowledgements_sent() == []
    assert OutboxMessage.objects.filter(kind="request_received").count() == 1


def test_days_all_skipped_send_nothing(sent, family, parent, child, activity):
    ask(sent, family=family, parent=parent, children=[child], activity=activity, days=[date(2026, 11, 18)])

    assert acknowledgements_sent() == []


def test_a_submission_made_by_the_service_sends_no_acknowledgement(sent, family, child, activity, instructor):
    ask(sent, family=family, parent=instructor, children=[child], activity=activity, days=[MONDAY])

    assert Booking.objects.get(child=child, day=MONDAY).state == "pending"
    assert acknowledgements_sent() == []


def test_the_same_submission_is_never_acknowledged_twice(sent, family, parent, child, activity):
    result = ask(sent, family=family, parent=parent, children=[child], activity=activity, days=TEN_DAYS[:3])

    sent(
        acknowledgements.booking_received,
        requests=result.requests,
        asked=result.requested,
        activity=activity,
        kind="booking",
        by=parent,
        now=NOW,
    )

    assert len(acknowledgements_sent()) == 1
    row = OutboxMessage.objects.get(kind="request_received")
    assert row.key == f"request_received:{result.requests[0].pk}"


# What every acknowledgement holds ---------------------------------------------------------------------------


def test_the_button_and_the_plain_link_lead_to_mon_espace_citoyen(sent, family, parent, child, activity):
    ask(sent, family=family, parent=parent, children=[child], activity=activity, days=[MONDAY])

    [email] = acknowledgements_sent()
    html = email.alternatives[0][0]
    assert re.search(rf'<a href="{re.escape(SPACE_URL)}"[^>]*>Mon espace citoyen</a>', html)
    assert (
        "Si ce bouton ne s'affiche pas correctement, veuillez cliquer sur le lien suivant :<br>"
        f'<a href="{SPACE_URL}"' in html
    )
    assert f"Si ce bouton ne s'affiche pas correctement, veuillez cliquer sur le lien suivant :\n{SPACE_URL}" in (
        email.body
    )
    assert "Vous pouvez également visualiser vos demandes depuis votre espace citoyen dans le menu Mes Demandes." in (
        email.body
    )


def test_the_link_follows_the_address_of_the_wagtail_site(sent, family, parent, child, activity):
    """The municipality configures its address once, in «Paramètres > Sites»: port 443 is https, without a port."""
    Site.objects.filter(is_default_site=True).update(hostname="portail.ville.fr", port=443)

    ask(sent, family=family, parent=parent, children=[child], activity=activity, days=[MONDAY])

    [email] = acknowledgements_sent()
    assert "https://portail.ville.fr/mon-espace/" in email.body and ":8000" not in email.body
    assert 'href="https://portail.ville.fr/mon-espace/"' in email.alternatives[0][0]
    # The signature gives the same address.
    assert "\nhttps://portail.ville.fr\n" in email.body


def test_the_acknowledgement_ends_with_the_configurable_zone_and_the_signature(sent, family, parent, child, activity):
    ask(sent, family=family, parent=parent, children=[child], activity=activity, days=[MONDAY])

    [email] = acknowledgements_sent()
    assert "Pour toutes informations complémentaires, vous pouvez contacter notre service au 02.02.02.02.02" in (
        email.body
    )
    assert "Restant à votre disposition," in email.body
    signature = email.body.split("Cordialement.", 1)[1]
    assert "Le service enfance jeunesse" in signature
    assert "Mairie de Boulogne-Billancourt" in signature
    assert "892 rue Yves Kermen\n92100 Boulogne-Billancourt" in signature
    assert email.body.rstrip().endswith("Ceci est un mail automatique merci de ne pas y répondre.")


def test_the_signature_follows_a_change_of_the_identity_from_the_next_email(sent, family, parent, child, activity):
    """The signature is kept in the cache (it was read under the activity's lock, for every booking): saving the
    identity drops it."""
    ask(sent, family=family, parent=parent, children=[child], activity=activity, days=[MONDAY])
    identity = SiteIdentity.current()
    identity.municipality_name = "Mairie de Sèvres"
    identity.save()

    ask(sent, family=family, parent=parent, children=[child], activity=activity, days=[TEN_DAYS[1]])

    first, second = acknowledgements_sent()
    assert "Mairie de Boulogne-Billancourt" in first.body.split("Cordialement.", 1)[1]
    assert "Mairie de Sèvres" in second.body.split("Cordialement.", 1)[1]


# Family-file changes ------------------------------------------------------------------------------------------


def test_a_family_file_change_is_acknowledged_with_one_row(sent, family, parent):
    guardian = family.guardians.get()

    request = sent(
        modifications_services.family_file_submit,
        family=family,
        kind=RequestKind.GUARDIAN_CHANGE,
        values={"mobile": "06 12 34 56 78"},
        by=parent,
        guardian=guardian,
    )

    [email] = acknowledgements_sent()
    at = timezone.localtime(request.created_at)
    assert (
        f"Votre demande de modification du responsable réalisée le {at:%d/%m/%Y} à {at:%H:%M} est en cours "
        "d'instruction :" in email.body
    )
    assert text_rows(email) == [[f"{at:%d/%m/%Y}", f"{at:%H:%M}", "Modification du responsable", "—"]]
    assert email.to == [parent.email]


def test_completing_a_pending_change_is_acknowledged_again_but_withdrawing_it_is_not(sent, family, parent):
    def ask_city(city):
        return sent(
            modifications_services.family_file_submit,
            family=family,
            kind=RequestKind.ADDRESS_CHANGE,
            values={"city": city},
            by=parent,
        )

    request = ask_city("Dijon")
    assert ask_city("Dijon") is None
    assert ask_city("Beaune").pk == request.pk
    ask_city(family.city)

    emails = acknowledgements_sent()
    assert len(emails) == 2
    assert all("Votre demande de modification de l'adresse principale réalisée le" in e.body for e in emails)
    assert OutboxMessage.objects.filter(kind="request_received").count() == 2


# The header: unread messages -------------------------------------------------------------------------------


def header(client) -> str:
    page = unescape(client.get(reverse("espace_famille:mon_espace")).content.decode())
    return page.split('<header class="site-header"', 1)[1].split("</header>", 1)[0]


def test_the_header_counts_unread_decisions_until_the_request_is_opened(
    client, family, parent, child, activity, instructor, sent
):
    ask(sent, family=family, parent=parent, children=[child], activity=activity, days=[MONDAY])
    client.force_login(parent)
    assert "nouveau message" not in header(client)

    request = family.requests.get()
    planning_services.booking_request_decide(request=request, by=instructor, accept=[MONDAY], message="Bonne journée.")

    shown = header(client)
    link = re.search(r'<a href="([^"]+)" class="account-requests">(.*?)</a>', shown, re.S)
    assert link.group(1) == reverse("espace_famille:requests")
    # The number is part of the link's accessible name.
    assert " ".join(re.sub(r"<[^>]+>", " ", link.group(2)).split()) == "Mes demandes 1 nouveau message"

    client.get(reverse("espace_famille:request_detail", args=[request.pk]))
    assert "account-requests" not in header(client)


def test_the_header_counter_reads_in_one_query(
    family, parent, child, activity, instructor, sent, django_assert_num_queries
):
    for day in TEN_DAYS[:3]:
        ask(sent, family=family, parent=parent, children=[child], activity=activity, days=[day])
    planning_services.booking_requests_bulk_decide(
        requests=family.requests.all(), by=instructor, accept=True, message="Vu."
    )
    request = RequestFactory().get("/")
    request.user = parent

    with django_assert_num_queries(1):
        [entry] = menus.entries("compte", request)
        assert (entry.label, entry.badge) == ("Mes demandes", "3 nouveaux messages")


def test_anonymous_visitors_have_no_counter_and_no_query(django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert menus.entries("compte", request) == []


def test_a_promotion_from_the_waiting_list_is_a_new_message_in_mes_demandes(client, site, instructor, sent):
    small = ActivityFactory(code="4", label="Péri SOIR", capacity=1)
    households = []
    for name in ("PREMIER", "SECOND"):
        family = FamilyFactory(name=name)
        user = UserFactory()
        Subscription.objects.create(user=user, family=family, method="code")
        child = ChildFactory(family=family)
        EnrolmentFactory(child=child, activity=small)
        households.append((family, user, child))
    for family, user, child in households:
        ask(sent, family=family, parent=user, children=[child], activity=small, days=[MONDAY])
        planning_services.booking_request_decide(request=family.requests.get(), by=instructor, accept=[MONDAY])
    (first, first_parent, first_child), (second, second_parent, _) = households
    client.force_login(second_parent)
    client.get(reverse("espace_famille:request_detail", args=[second.requests.get().pk]))

    ask(sent, family=first, parent=first_parent, children=[first_child], activity=small, kind="absence", days=[MONDAY])
    planning_services.booking_request_decide(request=first.requests.get(kind="absence"), by=instructor, accept=[MONDAY])

    page = unescape(client.get(reverse("espace_famille:requests")).content.decode())
    assert "1 nouveau(x) message(s)" in page
    assert "Mes demandes 1 nouveau message" in " ".join(re.sub(r"<[^>]+>", " ", header(client)).split())
