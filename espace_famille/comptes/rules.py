"""Pure rules of the family space (accounts, family file, bookings): no database, testable alone."""

import re

PASSWORD_RULE = (
    "Le mot de passe doit contenir au moins 8 caractères, dont au moins 1 chiffre, 1 minuscule et 1 majuscule"
)


def password_composition_problems(password: str) -> list[str]:
    """What the password lacks against the guide's rule; empty when it complies."""
    problems = []
    if len(password) < 8:
        problems.append("au moins 8 caractères")
    if not re.search(r"\d", password):
        problems.append("au moins 1 chiffre")
    if not re.search(r"[a-zà-ÿ]", password):
        problems.append("au moins 1 minuscule")
    if not re.search(r"[A-ZÀ-Þ]", password):
        problems.append("au moins 1 majuscule")
    return problems


# eIDAS levels of guarantee, from the lowest.
EIDAS_LEVELS = ("eidas1", "eidas2", "eidas3")


def eidas_level_enough(given, *, wanted: str) -> bool:
    """Whether the level FranceConnect vouches for (its `acr` claim) is the one asked for or a higher one."""
    return given in EIDAS_LEVELS and EIDAS_LEVELS.index(given) >= EIDAS_LEVELS.index(wanted)


def civility_from_gender(gender: str) -> str:
    """The account's civility from FranceConnect's `gender` claim; none when it says neither."""
    return {"male": "M.", "female": "Mme"}.get(gender, "")
