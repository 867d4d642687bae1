"""IBANs in the admin: instructors read them masked and cannot change them (bank details change through the
family's request); régisseurs and administrators read one in full through «Afficher l'IBAN», each showing written
to the family's journal."""

import re
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import ModelLogEntry

from espace_famille.comptes.roles import ADMINISTRATORS, COMMUNICATION, INSTRUCTORS, REGISSEURS
from espace_famille.demandes.models import RequestKind
from espace_famille.dossier import services as dossier_services
from espace_famille.dossier.models import Family
from espace_famille.modifications import services as modifications_services
from tests.factories import FamilyFactory, UserFactory, parent_of, role, service_instructor

pytestmark = pytest.mark.django_db

IBAN = "FR7630006000011234567890189"
SPACED = "FR76 3000 6000 0112 3456 7890 189"
MASKED = "FR76 •••• •••• •••• •••• •••• 189"
ASKED = "FR7610107001011234567890129"


def staff(role_name: str, email: str):
    user = UserFactory(is_staff=True, email=email)
    user.groups.add(role(role_name))
    return user


def text(response) -> str:
    return unescape(response.content.decode())


def shows_in_full(page: str, iban: str = IBAN) -> bool:
    compact = re.sub(r"\s", "", page)
    return iban in compact


def iban_url(family: Family) -> str:
    return f"/admin/familles/{family.pk}/iban/"


def shown(family: Family) -> list[ModelLogEntry]:
    return list(ModelLogEntry.objects.filter(object_id=str(family.pk), action="portail.iban.show").order_by("pk"))


@pytest.fixture
def family():
    return FamilyFactory(name="DURANT", iban=IBAN, bic="AGRIFRPP882", account_holder="Jean DURANT")


def test_an_instructor_reads_the_iban_masked_on_every_screen_of_the_admin(client, family):
    request = modifications_services.family_file_submit(
        family=family, kind=RequestKind.BANK_CHANGE, values={"iban": ASKED}, by=parent_of(family)
    )
    client.force_login(service_instructor())

    for url in (
        f"/admin/espace_famille/family/edit/{family.pk}/",
        f"/admin/espace_famille/family/inspect/{family.pk}/",
        f"/admin/snippets/espace_famille/request/inspect/{request.pk}/",
    ):
        page = text(client.get(url))
        assert MASKED in page, url
        assert not shows_in_full(page) and not shows_in_full(page, ASKED), url
        assert "Afficher l'IBAN" not in page, url


def test_showing_the_iban_is_refused_without_the_permission(client, family):
    for user in (service_instructor(), staff(COMMUNICATION, "communication@example.org")):
        client.force_login(user)
        assert client.get(iban_url(family)).status_code == 403
        assert client.post(iban_url(family)).status_code == 403
        with pytest.raises(PermissionDenied):
            dossier_services.family_iban_show(family=family, by=user)
    assert shown(family) == []


def test_a_regisseur_shows_the_iban_in_full_and_each_showing_is_written_to_the_journal(client, family):
    regisseur = staff(REGISSEURS, "regisseur@example.org")
    client.force_login(regisseur)

    family_page = text(client.get(f"/admin/espace_famille/family/inspect/{family.pk}/"))
    assert f'{MASKED} — <a href="{iban_url(family)}">Afficher l\'IBAN</a>' in family_page
    asking = text(client.get(iban_url(family)))
    assert MASKED in asking and not shows_in_full(asking) and shown(family) == []

    first, second = text(client.post(iban_url(family))), text(client.post(iban_url(family)))

    assert SPACED in first and SPACED in second
    assert [(entry.user, entry.label) for entry in shown(family)] == [(regisseur, "Famille DURANT")] * 2
    journal = text(client.get(f"/admin/espace_famille/family/history/{family.pk}/"))
    assert "IBAN de la famille affiché en entier" in journal


def test_an_administrator_types_a_new_iban_without_the_current_one_in_the_page(client, family):
    administrator = staff(ADMINISTRATORS, "admin@example.org")
    client.force_login(administrator)
    url = f"/admin/espace_famille/family/edit/{family.pk}/"
    form = text(client.get(url))
    assert "Nouvel IBAN" in form and MASKED in form and not shows_in_full(form)
    data = {"name": "DURANT", "account_holder": "Jean DURANT", "bic": "AGRIFRPP882"}

    refused = client.post(url, {**data, "iban": "FR76 0000 0000 0000"})
    assert refused.status_code == 200 and Family.objects.get(pk=family.pk).iban == IBAN
    client.post(url, {**data, "iban": ""})
    assert Family.objects.get(pk=family.pk).iban == IBAN, "an IBAN left empty is kept"
    client.post(url, {**data, "iban": "FR76 1010 7001 0112 3456 7890 129"})
    assert Family.objects.get(pk=family.pk).iban == ASKED


def test_the_iban_is_shown_in_full_to_regisseurs_and_administrators_only():
    holders = {
        name
        for name in (INSTRUCTORS, COMMUNICATION, REGISSEURS, ADMINISTRATORS)
        if role(name).permissions.filter(content_type__app_label="espace_famille", codename="view_full_iban").exists()
    }
    assert holders == {REGISSEURS, ADMINISTRATORS}
