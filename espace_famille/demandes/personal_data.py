"""The requests in the personal-data registry: requests, their days, their history and the decision notices."""

from django.db.models import Q

from commun.personal_data import After, Anonymise, Delete, PersonalData, Section, WithFamily, register
from espace_famille.demandes import export
from espace_famille.demandes.models import DecisionNotice, Request, RequestEvent, RequestLine

# A justification (medical certificate) proves an absence for billing; a year after the day, no invoice is
# disputed any more.
JUSTIFICATION_DAYS = 365
# Once the processing digest told the family, a decision notice has served; the request keeps the decision.
NOTICE_DAYS = 90


def register_all() -> None:
    register(
        PersonalData(
            Request,
            family="family",
            activity="created_at",
            rules=(
                After(
                    JUSTIFICATION_DAYS,
                    "end_date",
                    Anonymise({"justification": ""}),
                    "justificatifs d'absence, {days} jours après le dernier jour",
                    where=~Q(justification=""),
                ),
                WithFamily(Anonymise({"changes": {}, "reason": "", "subject": "", "justification": ""})),
            ),
            export=Section(
                "requests",
                export.collect_requests,
                export.render_requests,
                "vos demandes, leur état, les valeurs demandées, les justificatifs d'absence joints et leur "
                "historique avec les messages du service",
            ),
        ),
        # A day and its state: nothing personal once the child is anonymised.
        PersonalData(RequestLine, family="request__family", rules=(), export="requests"),
        # Messages go with their request: emptied when the family is anonymised, deleted when the request is.
        PersonalData(
            RequestEvent, family="request__family", rules=(WithFamily(Anonymise({"message": ""})),), export="requests"
        ),
        PersonalData(
            DecisionNotice,
            family="family",
            rules=(
                After(
                    NOTICE_DAYS,
                    "decided_at",
                    Delete(),
                    "annoncées depuis {days} jours",
                    where=Q(digest_key__isnull=False),
                ),
                WithFamily(Anonymise({"message": ""})),
            ),
            export="requests",
        ),
    )
