"""Pure rules of accounts and subscriptions: no database, testable alone."""

import re
import secrets

# No 0/O, 1/I/L: codes are read aloud and typed from paper.
SUBSCRIBER_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SUBSCRIBER_CODE_LENGTH = 10

PASSWORD_RULE = (
    "Le mot de passe doit contenir au moins 8 caractères, dont au moins 1 chiffre, 1 minuscule et 1 majuscule"
)


def normalize_subscriber_code(raw: str) -> str:
    """Codes are compared without case, spaces or dashes, as people copy them from a letter."""
    return re.sub(r"[\s\-]", "", raw or "").upper()


def generate_subscriber_code(length: int = SUBSCRIBER_CODE_LENGTH) -> str:
    return "".join(secrets.choice(SUBSCRIBER_CODE_ALPHABET) for _ in range(length))


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
