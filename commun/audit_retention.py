"""The audit log and the sessions in the personal-data registry: both name people and both expire."""

from django.contrib.sessions.models import Session
from wagtail.models import ModelLogEntry

from .personal_data import After, Delete, PersonalData, register

# The CNIL recommends keeping access traces six months to a year: long enough to investigate a misuse. An entry
# names a person in its label («Jean DURANT») and sometimes its data (a message): a year, then it goes.
AUDIT_DAYS = 365


def register_all() -> None:
    register(
        # Who did what in the service: the family's export holds the history of its requests instead.
        PersonalData(
            ModelLogEntry,
            rules=(After(AUDIT_DAYS, "timestamp", Delete(), "enregistrées il y a plus de {days} jours"),),
            export=None,
        ),
        # A signed-in session names its account; once expired it only takes room.
        PersonalData(Session, rules=(After(0, "expire_date", Delete(), "expirées"),), export=None),
    )
