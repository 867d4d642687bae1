"""Demo data of the pre-registration: two more crèches, a submitted application, a draft. Idempotent."""

from datetime import timedelta

from django.utils import timezone

from espace_famille.creche import services
from espace_famille.creche.models import CrecheDraft
from espace_famille.demandes.models import RequestKind
from espace_famille.dossier.models import Family
from espace_famille.planning.models import Facility, FacilityKind

CRECHES = [
    ("Crèche Les Petits Pas", "8 rue Carnot, 92100 Boulogne-Billancourt"),
    ("Crèche Les Lucioles", "21 avenue Jean-Baptiste Clément, 92100 Boulogne-Billancourt"),
    ("Crèche Les Écureuils", "5 rue Gallieni, 92100 Boulogne-Billancourt"),
]


def load() -> None:
    creches = []
    for name, address in CRECHES:
        facility, _ = Facility.objects.get_or_create(
            name=name, defaults={"kind": FacilityKind.CRECHE, "address": address}
        )
        creches.append(facility)
    entry = (timezone.localdate() + timedelta(days=120)).isoformat()
    aderno = Family.objects.filter(name="ADERNO").first()
    author = aderno.subscriptions.select_related("user").first() if aderno else None
    # The parents write their own pre-registration: a family nobody is linked to has none.
    if author and not aderno.requests.filter(kind=RequestKind.CRECHE).exists():
        services.draft_save(
            family=aderno,
            by=author.user,
            values={
                "r1_civility": "Mme",
                "r1_last_name": "ADERNO",
                "r1_first_name": "Claire",
                "r1_birth_date": "1990-05-12",
                "r1_phone": "06 12 34 56 78",
                "r1_email": "aderno@example.org",
                "child_sex": "F",
                "child_last_name": "ADERNO",
                "child_first_name": "Lou",
                "child_birth_date": (timezone.localdate() - timedelta(days=60)).isoformat(),
                "country": "France",
                "choice1": creches[1].pk,
                "choice2": creches[0].pk,
                "choice3": None,
                "choice4": None,
                "entry_date": entry,
                "care_kind": "regulier",
                **{f"slot_{day}_{half}": True for day in range(5) for half in range(2)},
            },
        )
        services.application_submit(family=aderno, by=author.user)
    blman = Family.objects.filter(name="BLMAN").first()
    blman_parent = blman.subscriptions.select_related("user").first() if blman else None
    if blman_parent and not CrecheDraft.objects.filter(family=blman).exists():
        services.draft_save(family=blman, values={"r1_profession": "Infirmière"}, by=blman_parent.user)
