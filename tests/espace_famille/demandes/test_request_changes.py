"""«Détail de ma demande» shows what a request changes, field by field or day by day: «Avant» and «Après»."""

import re
from datetime import date, datetime
from html import unescape

import pytest
from django.urls import reverse

from commun.clock import PARIS
from espace_famille.demandes import kinds
from espace_famille.demandes.models import Request, RequestKind
from espace_famille.modifications import services as modifications_services
from espace_famille.planning import services as planning_services
from tests.factories import (
    ActivityFactory,
    ChildFactory,
    EnrolmentFactory,
    FamilyFactory,
    GuardianFactory,
    parent_of,
    service_instructor,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 10, 9, 0, tzinfo=PARIS)
MONDAY, TUESDAY = date(2026, 11, 16), date(2026, 11, 17)


def rows(response) -> list[list[str]]:
    """The rows of the «Avant / Après» table as a person reads them (tags dropped, each cell's text)."""
    page = unescape(response.content.decode())
    table = page[page.index('class="data-table stack-table"') :]
    table = table[: table.index("</table>")]
    return [
        [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def family(site):
    family = FamilyFactory(name="BLMAN", city="Dijon", iban="FR7630006000011234567890189")
    GuardianFactory(family=family, first_name="Annette", mobile="06 12 34 56 78")
    return family


@pytest.fixture
def parent(client, family):
    user = parent_of(family)
    client.force_login(user)
    return user


def detail(client, request: Request):
    return client.get(reverse("espace_famille:request_detail", args=[request.pk]))


def test_a_family_file_change_shows_each_field_before_and_after(client, parent, family, clock):
    guardian = family.guardians.get()
    request = modifications_services.family_file_submit(
        family=family,
        kind=RequestKind.GUARDIAN_CHANGE,
        values={"mobile": "07 81 23 45 67", "email": "annette@example.org"},
        by=parent,
        guardian=guardian,
    )

    response = detail(client, request)

    assert '<h2 id="changements">Modifications demandées</h2>' in response.content.decode()
    table = rows(response)
    assert table[0] == ["Champ", "Avant", "Après"]
    assert ["Téléphone portable", "06 12 34 56 78", "07 81 23 45 67"] in table
    assert ["E-mail", "—", "annette@example.org"] in table


def test_the_values_shown_are_those_of_the_file_when_asked_not_today(client, parent, family, clock):
    request = modifications_services.family_file_submit(
        family=family, kind=RequestKind.ADDRESS_CHANGE, values={"city": "Is-sur-Tille"}, by=parent
    )
    family.city = "Beaune"  # changed by the service since
    family.save()

    assert ["Commune", "Dijon", "Is-sur-Tille"] in rows(detail(client, request))


def test_bank_details_are_masked_before_and_after(client, parent, family, clock):
    request = modifications_services.family_file_submit(
        family=family,
        kind=RequestKind.BANK_CHANGE,
        values={"iban": "FR7611315000011234567890138"},
        by=parent,
    )

    table = rows(detail(client, request))
    page = detail(client, request).content.decode().replace(" ", "")

    assert ["IBAN", "FR76 •••• •••• •••• •••• •••• 189", "FR76 •••• •••• •••• •••• •••• 138"] in table
    assert "FR7630006000011234567890189" not in page and "FR7611315000011234567890138" not in page


def test_a_request_made_before_values_were_recorded_shows_a_dash(client, parent, family, clock):
    request = Request.objects.create(
        family=family, kind=RequestKind.ADDRESS_CHANGE, author=parent, changes={"city": {"after": "Is-sur-Tille"}}
    )

    assert ["Commune", "—", "Is-sur-Tille"] in rows(detail(client, request))


def test_a_childs_health_list_shows_its_rows_before_and_after(client, parent, family, clock):
    child = ChildFactory(family=family, first_name="Léo")
    request = modifications_services.family_file_submit(
        family=family,
        kind=RequestKind.CHILD_CHANGE,
        values={"allergies": "arachide"},
        by=parent,
        child=child,
    )

    assert ["Allergies", "—", "arachide"] in rows(detail(client, request))


def test_booking_and_absence_days_show_the_state_before_the_state_asked_and_the_decision(client, parent, family, clock):
    child = ChildFactory(family=family, first_name="Léo")
    activity = ActivityFactory(code="4", label="Péri SOIR")
    EnrolmentFactory(child=child, activity=activity)

    def ask(kind, *days):
        planning_services.booking_request_submit(
            family=family, by=parent, children=[child], activity=activity, kind=kind, days=days
        )
        return Request.objects.filter(child=child, kind=kind).latest("pk")

    booking = ask("booking", MONDAY, TUESDAY)
    planning_services.booking_request_decide(request=booking, by=service_instructor(), accept=[MONDAY])

    response = detail(client, booking)
    assert '<h2 id="changements">Jours demandés</h2>' in response.content.decode()
    assert rows(response) == [
        ["Jour", "Avant", "Après", "Décision"],
        ["lun. 16/11/2026", "Non réservé", "Réservé", "Accepté le 10/11/2026 à 09:00"],
        ["mar. 17/11/2026", "Non réservé", "Réservé", "En cours d'instruction"],
    ]

    absence = ask("absence", MONDAY)
    assert rows(detail(client, absence))[1] == ["lun. 16/11/2026", "Réservé", "Absence", "En cours d'instruction"]


def test_every_kind_describes_its_changes_through_its_handler(family, parent, clock):
    request = modifications_services.family_file_submit(
        family=family, kind=RequestKind.ADDRESS_CHANGE, values={"city": "Is-sur-Tille"}, by=parent
    )

    changes = kinds.handler_for(request.kind).changes(request)

    assert [(c.label, c.before.text, c.after.text) for c in changes] == [("Commune", "Dijon", "Is-sur-Tille")]
    assert kinds.KindHandler().changes(request) == []
