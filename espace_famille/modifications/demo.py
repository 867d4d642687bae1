"""The demo's family-file requests, made through the services as a parent and an instructor would: one the
service accepted, with its message, and one waiting in the instructors' queue. Safe to run twice."""

from django.contrib.auth import get_user_model

from commun.demo_logins import INSTRUCTOR, PARENT
from espace_famille.demandes import kinds as request_kinds
from espace_famille.demandes import services as demandes_services
from espace_famille.demandes.models import Request, RequestKind
from espace_famille.dossier.models import Family
from espace_famille.modifications import services

# Made by the family's account; "accept": the instructor's message, or None for a request left pending.
REQUESTS = [
    {
        "family": "DURANT2026",
        "by": PARENT,
        "guardian": "Claire",
        "values": {"mobile": "06 98 76 54 32", "accepts_sms": True},
        "accept": (
            "Bonjour, le numéro de téléphone portable de Mme Claire DURANT est enregistré : elle recevra "
            "désormais les SMS du service. Bonne journée."
        ),
    },
    {
        "family": "DURANT2026",
        "by": PARENT,
        "guardian": "Jean",
        "values": {"mobile": "07 81 23 45 67"},
        "accept": None,
    },
]


def load() -> None:
    """A guardian who already has a request of the demo keeps it: loading again adds nothing."""
    instructor = get_user_model().objects.get(email=INSTRUCTOR)
    for spec in REQUESTS:
        family = Family.objects.get(subscriber_code=spec["family"])
        guardian = family.guardians.get(first_name=spec["guardian"])
        if Request.objects.filter(family=family, kind=RequestKind.GUARDIAN_CHANGE, guardian=guardian).exists():
            continue
        author = get_user_model().objects.get(email=spec["by"])
        request = services.family_file_submit(
            family=family, kind=RequestKind.GUARDIAN_CHANGE, values=spec["values"], by=author, guardian=guardian
        )
        if request is not None and spec["accept"]:
            demandes_services.request_decide(
                request=request, by=instructor, decision=request_kinds.ACCEPT, message=spec["accept"]
            )
