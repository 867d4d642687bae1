"""Factories of the creche tests: a submitted application through the service."""

from datetime import date, timedelta

from django.utils import timezone

from espace_famille.creche import services
from espace_famille.dossier.models import Subscription
from espace_famille.planning.models import FacilityKind
from tests.factories import FacilityFactory, FamilyFactory, GuardianFactory, UserFactory


def creche(name: str):
    return FacilityFactory(name=name, kind=FacilityKind.CRECHE)


def submitted_application(*, family_name: str, child: str, choices: list, entry_date: date | None = None):
    family = FamilyFactory(name=family_name)
    guardian = GuardianFactory(family=family, first_name="Parent", email=f"{family_name.lower()}@example.org")
    user = UserFactory(email=guardian.email)
    Subscription.objects.create(user=user, family=family, method="code")
    entry = entry_date or timezone.localdate() + timedelta(days=60)
    values = {
        "child_first_name": child,
        "child_last_name": family_name,
        "child_sex": "M",
        "child_birth_date": "2026-01-01",
        "entry_date": entry.isoformat(),
        "care_kind": "regulier",
        **{f"choice{index}": facility.pk for index, facility in enumerate(choices, start=1)},
    }
    services.draft_save(family=family, values=values, by=user)
    return services.application_submit(family=family, by=user).creche_application
