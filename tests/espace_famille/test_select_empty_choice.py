"""Every select of the parents' forms starts on «Choisir…», never on Django's «---------»."""

import re
from html import unescape

import pytest
from django.urls import reverse

from espace_famille.dossier.models import AuthorizedContact
from espace_famille.planning.models import FacilityKind
from tests.factories import ChildFactory, FacilityFactory, FamilyFactory, GuardianFactory, parent_of

pytestmark = pytest.mark.django_db
EMPTY_OPTION = '<option value="" selected>Choisir…</option>'


def text(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


def first_option(page: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.DOTALL)
    assert select, name
    return select.group(1).strip().splitlines()[0].strip()


@pytest.fixture
def family(site):
    family = FamilyFactory(name="DURANT")
    GuardianFactory(family=family, first_name="Jean", civility="")
    child = ChildFactory(family=family, first_name="Léa")
    AuthorizedContact.objects.create(
        child=child, full_name="BARRET Jean", mobile="06 11 11 11 11", relationship="voisin"
    )
    return family


@pytest.fixture
def parent(client, family):
    user = parent_of(family, civility="")
    client.force_login(user)
    return user


def test_the_sign_up_form_s_civility_starts_on_choisir(client, site):
    page = text(client.get(reverse("account_signup")))
    assert first_option(page, "civility") == EMPTY_OPTION
    assert "---------" not in page


def test_the_parent_s_forms_start_their_selects_on_choisir(client, family, parent):
    guardian, child = family.guardians.get(), family.children.get()
    pages = {
        reverse("espace_famille:profile"): ["civility"],
        reverse("espace_famille:guardian_edit", args=[guardian.pk]): [
            "guardian-civility",
            "guardian-family_situation",
            "guardian-quality",
        ],
        reverse("espace_famille:child_add"): ["child-sex"],
        reverse("espace_famille:child_edit", args=[child.pk]): ["child-sex", "contacts-0-relationship"],
    }
    for url, names in pages.items():
        page = text(client.get(url))
        assert "---------" not in page, url
        for name in names:
            assert first_option(page, name).startswith('<option value=""'), (url, name)
            assert "Choisir…</option>" in first_option(page, name), (url, name)


def test_the_creche_choices_start_on_choisir(client, family, parent):
    FacilityFactory(name="Crèche Les Petits Pas", kind=FacilityKind.CRECHE)
    page = text(client.get(reverse("creche:step", args=[3])))
    assert first_option(page, "choice1") == EMPTY_OPTION and first_option(page, "choice2") == EMPTY_OPTION
