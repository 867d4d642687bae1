"""Pure rules of the family space (accounts, family file, bookings): no database, testable alone."""

import re
import secrets

# No 0/O, 1/I/L: codes are read aloud and typed from paper.
SUBSCRIBER_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


SUBSCRIBER_CODE_LENGTH = 10


def normalize_subscriber_code(raw: str) -> str:
    """Codes are compared without case, spaces or dashes, as people copy them from a letter."""
    return re.sub(r"[\s\-]", "", raw or "").upper()


def generate_subscriber_code(length: int = SUBSCRIBER_CODE_LENGTH) -> str:
    return "".join(secrets.choice(SUBSCRIBER_CODE_ALPHABET) for _ in range(length))


# Family-file changes. Each request kind covers a set of fields; a request holds, for each
# changed field, the value when asked («before») and the value asked («after»), JSON-ready.
GUARDIAN_FIELDS = (
    "civility",
    "family_situation",
    "last_name",
    "first_name",
    "quality",
    "email",
    "phone",
    "mobile",
    "accepts_email",
    "accepts_sms",
)


ADDRESS_FIELDS = ("address_line", "address_complement", "postcode", "city")


FISCAL_FIELDS = ("quotient", "allocataire_number", "dependants")


BANK_FIELDS = ("account_holder", "iban", "bic", "direct_debit")


CHILD_FIELDS = (
    "last_name",
    "first_name",
    "birth_date",
    "sex",
    "insurance_company",
    "insurance_number",
    "glasses",
    "dental_appliance",
    "hearing_aid",
    "allows_sport",
    "allows_photo",
    "allows_leave_alone",
    "allows_outings",
    "allows_hospitalisation",
    "diet",
    "allergies",
)


# Rows of a child's tables, compared as whole lists.
VACCINATION_FIELDS = ("name", "date", "booster_date")


CONTACT_FIELDS = ("full_name", "mobile", "phone", "relationship", "emergency_call", "can_pick_up")


CHILD_LIST_FIELDS = {"vaccinations": VACCINATION_FIELDS, "contacts": CONTACT_FIELDS}


def changes_between(current: dict, asked: dict) -> dict:
    """{field: {"before", "after"}} for every field of `asked` whose value differs from `current`."""
    return {
        field: {"before": current.get(field), "after": value}
        for field, value in asked.items()
        if current.get(field) != value
    }


def stale_fields(changes: dict, current: dict) -> list[str]:
    """Fields changed in the file since the request was made: accepting would overwrite someone's work."""
    return [field for field, change in changes.items() if current.get(field) != change["before"]]


def format_iban(iban: str) -> str:
    """«FR76 3000 6000 0112 3456 7890 189»: an IBAN in groups of four, as it is printed."""
    compact = (iban or "").replace(" ", "").upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def mask_iban(iban: str) -> str:
    """«FR76 •••• •••• •••• •••• •••• 189»: enough for the family to recognise its account."""
    compact = (iban or "").replace(" ", "").upper()
    if len(compact) < 8:
        return "•" * len(compact)
    masked = compact[:4] + "•" * (len(compact) - 7) + compact[-3:]
    return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))
