"""Pure rules of the pre-registration (no database)."""

from datetime import date

from commun import formats

DAYS = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]
HALVES = ["Matin", "Soir"]
MAX_AGE_YEARS = 120


def birth_date_error(day: date, *, today: date, expected: bool = False) -> str | None:
    """A French message when a birth date is absurd (a parent's, or a child's expected one)."""
    if expected:
        if day.year < today.year - 6:
            return "Un enfant accueilli en crèche a moins de 6 ans."
        if day.year > today.year + 1:
            return "La date de naissance prévue est trop lointaine."
        return None
    if day > today:
        return "La date de naissance ne peut pas être dans le futur."
    if day.year < today.year - MAX_AGE_YEARS:
        return "La date de naissance n'est pas plausible."
    return None


def entry_date_error(day: date, *, today: date, birth: date | None) -> str | None:
    """A French message when the desired entry date is not after today, or comes before the child's (expected)
    birth."""
    if day <= today:
        return "La date d'entrée souhaitée doit être dans le futur."
    if birth and day < birth:
        return (
            "La date d'entrée souhaitée ne peut pas précéder la naissance de l'enfant "
            f"(le {formats.date_numeric(birth)}, à l'étape 2 Famille)."
        )
    return None


def duplicate_choices(choices: list) -> set:
    """The establishments chosen more than once."""
    seen, twice = set(), set()
    for choice in choices:
        if choice in (None, ""):
            continue
        (twice if choice in seen else seen).add(choice)
    return twice


def slot_name(day: int, half: int) -> str:
    return f"slot_{day}_{half}"
