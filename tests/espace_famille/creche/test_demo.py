"""The creche demo loads twice without duplicating anything."""

import pytest

from espace_famille.creche import demo
from espace_famille.creche.models import CrecheApplication, CrecheDraft
from espace_famille.dossier.models import Subscription
from espace_famille.planning.models import Facility, FacilityKind
from tests.factories import FamilyFactory, GuardianFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_is_idempotent(site):
    aderno = FamilyFactory(name="ADERNO")
    GuardianFactory(family=aderno, email="aderno@example.org")
    Subscription.objects.create(user=UserFactory(email="aderno@example.org"), family=aderno, method="code")
    Subscription.objects.create(
        user=UserFactory(email="blman@example.org"), family=FamilyFactory(name="BLMAN"), method="code"
    )
    demo.load()
    demo.load()
    assert Facility.objects.filter(kind=FacilityKind.CRECHE).count() == 3
    assert CrecheApplication.objects.get().request.family == aderno
    assert CrecheDraft.objects.count() == 1
