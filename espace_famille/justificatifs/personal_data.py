"""The supporting documents in the registry: files no longer of use are deleted, from storage too."""

from django.db.models import Q

from commun.personal_data import After, Delete, PersonalData, Section, WithFamily, register
from espace_famille.justificatifs import export
from espace_famille.justificatifs.models import Document, DocumentState

# A refused document, or one expired, is kept this long for the family and the service to see.
KEEP_DAYS = 90


def register_all() -> None:
    register(
        PersonalData(
            Document,
            family="family",
            rules=(
                After(
                    KEEP_DAYS,
                    "valid_until",
                    Delete(),
                    "expirées depuis {days} jours",
                    where=Q(state=DocumentState.VALIDATED),
                ),
                After(
                    KEEP_DAYS,
                    "decided_at",
                    Delete(),
                    "refusées depuis {days} jours",
                    where=Q(state=DocumentState.REFUSED),
                ),
                WithFamily(Delete()),
            ),
            export=Section(
                "documents",
                export.collect,
                export.render,
                "les pièces justificatives déposées : type, enfant, nom du fichier, état et validité",
            ),
        )
    )
