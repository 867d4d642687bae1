"""The audit log and the sessions in the personal-data registry: both name people and both expire."""

import operator
from functools import reduce

from django.contrib.sessions.models import Session
from django.db.models import Q
from wagtail.models import ModelLogEntry

from .personal_data import After, Delete, PersonalData, register

# The CNIL recommends keeping access traces six months to a year: long enough to investigate a misuse. An entry
# names a person in its label («Jean DURANT») and sometimes its data (a message): a year, then it goes.
AUDIT_DAYS = 365
# Who issued, paid, credited or refunded is part of the régie's accounts: kept as long as the invoices (ten years).
MONEY_AUDIT_DAYS = 3653
MONEY_ACTIONS = (
    "portail.invoice.",
    "portail.invoicing.",
    "portail.payment.",
    "portail.online_payment.",
    "portail.credit.",
)
MONEY = reduce(operator.or_, (Q(action__startswith=prefix) for prefix in MONEY_ACTIONS))


def register_all() -> None:
    register(
        # Who did what in the service: the family's export holds the history of its requests instead.
        PersonalData(
            ModelLogEntry,
            rules=(
                After(AUDIT_DAYS, "timestamp", Delete(), "enregistrées il y a plus de {days} jours", where=~MONEY),
                After(
                    MONEY_AUDIT_DAYS,
                    "timestamp",
                    Delete(),
                    "de facturation et de règlement, enregistrées il y a plus de {days} jours",
                    where=MONEY,
                ),
            ),
            export=None,
        ),
        # A signed-in session names its account; once expired it only takes room.
        PersonalData(Session, rules=(After(0, "expire_date", Delete(), "expirées"),), export=None),
    )
