"""The guide's password rule, plus Django's common-password and similarity validators."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from espace_famille.comptes import rules
from espace_famille.comptes.models import User


@pytest.mark.parametrize(
    ("password", "missing"),
    [
        ("Abcdefg1", []),
        ("Abc1", ["au moins 8 caractères"]),
        ("abcdefgh1", ["au moins 1 majuscule"]),
        ("ABCDEFGH1", ["au moins 1 minuscule"]),
        ("Abcdefghi", ["au moins 1 chiffre"]),
        ("", ["au moins 8 caractères", "au moins 1 chiffre", "au moins 1 minuscule", "au moins 1 majuscule"]),
        ("Élodie2026", []),
    ],
)
def test_password_composition_lists_what_is_missing(password, missing):
    assert rules.password_composition_problems(password) == missing


def test_validator_message_says_what_the_password_lacks():
    with pytest.raises(ValidationError) as error:
        validate_password("abcdefgh1x")
    assert error.value.messages == ["Ce mot de passe ne respecte pas la règle : il manque au moins 1 majuscule."]


def test_a_short_password_is_told_its_length_once():
    with pytest.raises(ValidationError) as error:
        validate_password("Ab1zQ")
    assert [message for message in error.value.messages if "8 caractères" in message] == [
        "Ce mot de passe ne respecte pas la règle : il manque au moins 8 caractères."
    ]


def test_common_password_is_refused_even_when_composed():
    with pytest.raises(ValidationError) as error:
        validate_password("Password1")
    assert any("trop courant" in message for message in error.value.messages)


def test_password_like_the_name_is_refused():
    user = User(email="jean.durant@example.org", first_name="Jean", last_name="Durantissimo")
    with pytest.raises(ValidationError) as error:
        validate_password("Durantissimo1", user=user)
    assert any("trop semblable" in message for message in error.value.messages)


def test_compliant_password_passes():
    validate_password("Vacances-Ete-2026")


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user(email="a@example.org", password="Portail2026!")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("Portail2026!")


@pytest.mark.django_db
def test_production_hashes_with_argon2id_at_owasp_cost_and_upgrades_older_hashes(settings):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from cms.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = User.objects.create_user(email="a@example.org", password="Portail2026!")
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password("Portail2026!")
    # A hash made at Django's default cost (100 MiB, 8 lanes) still lets its owner in, and is rewritten then.
    user.password = Argon2PasswordHasher().encode("Portail2026!", Argon2PasswordHasher().salt())
    user.save()
    assert "m=102400,t=2,p=8" in user.password
    assert user.check_password("Portail2026!")
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
