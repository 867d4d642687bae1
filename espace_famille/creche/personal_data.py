"""The crèche pre-registrations in the registry: drafts and applications, with their periods."""

from django.db.models import Q

from commun.personal_data import ANONYMOUS, After, Anonymise, Delete, PersonalData, Section, WithFamily, register
from espace_famille.creche import export
from espace_famille.creche.models import CrecheApplication, CrecheDraft
from espace_famille.demandes.models import RequestState

# A draft nobody touched for a year will not be submitted: a new child, a new year, a new application.
DRAFT_DAYS = 365
# A decided application (accepted, refused, withdrawn) is kept two years for the family's and the service's
# questions (a second child, an appeal); one on the waiting list or pending stays.
DECIDED_DAYS = 730
DECIDED = (RequestState.ACCEPTED, RequestState.REFUSED, RequestState.WITHDRAWN)


def register_all() -> None:
    register(
        PersonalData(
            CrecheDraft,
            family="family",
            rules=(
                After(DRAFT_DAYS, "updated_at", Delete(), "non modifiés depuis {days} jours"),
                WithFamily(Delete()),
            ),
            export=Section(
                "creche",
                export.collect,
                export.render,
                "les pré-inscriptions en crèche avec leurs réponses, et celle en cours de saisie",
            ),
        ),
        PersonalData(
            CrecheApplication,
            family="request__family",
            rules=(
                # The request goes with it: its messages, its history, its notices.
                After(
                    DECIDED_DAYS,
                    "request__decided_at",
                    Delete(root="request"),
                    "décidées depuis {days} jours",
                    where=Q(request__state__in=DECIDED),
                ),
                WithFamily(Anonymise({"data": {}, "child_first_name": ANONYMOUS})),
            ),
            export="creche",
        ),
    )
