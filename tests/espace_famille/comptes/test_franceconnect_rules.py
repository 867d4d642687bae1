"""FranceConnect's rules, without the database: the eIDAS level and the civility from the identity."""

import pytest

from espace_famille.comptes import rules


@pytest.mark.parametrize(
    ("given", "wanted", "enough"),
    [
        ("eidas1", "eidas1", True),
        ("eidas2", "eidas1", True),
        ("eidas3", "eidas2", True),
        ("eidas1", "eidas2", False),
        ("faible", "eidas1", False),
        (None, "eidas1", False),
    ],
)
def test_the_level_is_the_one_asked_for_or_higher(given, wanted, enough):
    assert rules.eidas_level_enough(given, wanted=wanted) is enough


def test_the_civility_comes_from_the_gender_and_is_empty_otherwise():
    assert [rules.civility_from_gender(g) for g in ("male", "female", "", "autre")] == ["M.", "Mme", "", ""]
