"""Who a message reaches: the families of a child holding a place in the activity that day or period, of a child
enrolled in the facility, each family once; by e-mail the guardians who accept e-mails and the subscribed accounts,
by SMS only the guardians who accepted SMS, at a mobile number."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from espace_famille.dossier.models import Family
from espace_famille.messagerie import rules, selectors
from espace_famille.planning.models import BookingState
from tests.espace_famille.messagerie.setup import DAY, family_with_child, soir, to_activity
from tests.factories import (
    ActivityFactory,
    EnrolmentFactory,
    FacilityFactory,
    FamilyFactory,
    GuardianFactory,
    UserFactory,
    parent_of,
)

pytestmark = pytest.mark.django_db


def reached(audience, *, by_email=True, by_sms=True):
    plan = selectors.audience_plan(audience=audience, by_email=by_email, by_sms=by_sms)
    return {family.name: ([a for a, _ in reach.emails], [n for n, _ in reach.sms]) for family, reach in plan.families}


def test_an_activity_on_a_day_reaches_the_families_of_the_children_holding_a_place():
    activity = soir()
    family_with_child("RESERVE", activity=activity)
    family_with_child("DEUX", activity=activity, children=2)
    family_with_child("ABSENCE", activity=activity, state=BookingState.ABSENCE_PENDING)
    family_with_child("REFUSEE", activity=activity, state=BookingState.ABSENCE_REFUSED)
    family_with_child("ATTENTE", activity=activity, state=BookingState.PENDING)
    family_with_child("LISTE", activity=activity, state=BookingState.WAITING)
    family_with_child("ABSENT", activity=activity, state=BookingState.ABSENT)
    family_with_child("ANNULEE", activity=activity, state=BookingState.CANCELLED)
    family_with_child("LENDEMAIN", activity=activity, day=DAY + timedelta(days=1))
    family_with_child("AUTRE", activity=ActivityFactory(code="1", label="Péri MATIN"))
    family_with_child("INSCRIT", activity=activity, state=None)
    anonymised = family_with_child("ANONYME", activity=activity)
    Family.objects.filter(pk=anonymised.pk).update(anonymised_at=timezone.now())

    assert sorted(reached(to_activity(activity))) == ["ABSENCE", "DEUX", "REFUSEE", "RESERVE"]
    # Two children in the activity: one family, one e-mail.
    assert reached(to_activity(activity))["DEUX"] == (["jean@deux.example.org"], [])


def test_an_activity_over_a_period_reaches_the_families_of_any_of_its_days():
    activity = soir()
    family_with_child("LUNDI", activity=activity)
    family_with_child("JEUDI", activity=activity, day=DAY + timedelta(days=3))
    family_with_child("APRES", activity=activity, day=DAY + timedelta(days=7))

    assert sorted(reached(to_activity(activity, DAY, DAY + timedelta(days=4)))) == ["JEUDI", "LUNDI"]


def test_a_facility_reaches_the_families_of_the_children_enrolled_on_the_day():
    activity = soir()
    matin = ActivityFactory(code="1", label="Péri MATIN", facility=activity.facility)
    family_with_child("SOIR", activity=activity, state=None)
    family_with_child("MATIN_ET_SOIR", activity=matin, state=None)
    ended = family_with_child("PARTI", state=None)
    EnrolmentFactory(child=ended.children.get(), activity=activity, end_date=DAY - timedelta(days=1))
    family_with_child("AILLEURS", activity=ActivityFactory(code="5", facility=FacilityFactory(name="Les Tilleuls")))
    audience = rules.Audience(kind=rules.FACILITY, facility=activity.facility, start=DAY)

    assert sorted(reached(audience)) == ["MATIN_ET_SOIR", "SOIR"]
    later = rules.Audience(kind=rules.FACILITY, facility=activity.facility, start=date(2027, 7, 4))
    assert reached(later) == {}


def test_no_sms_without_consent_and_one_sms_per_mobile_number():
    family = FamilyFactory(name="DURANT")
    GuardianFactory(family=family, first_name="Jean", mobile="06 12 34 56 78", accepts_sms=True)
    GuardianFactory(family=family, first_name="Claire", mobile="06 98 76 54 32", accepts_sms=False)
    GuardianFactory(family=family, first_name="Paul", mobile="+33 6 12 34 56 78", accepts_sms=True)
    GuardianFactory(family=family, first_name="Fixe", mobile="01 46 05 12 34", accepts_sms=True)
    audience = rules.Audience(kind=rules.FAMILY, family=family)

    plan = selectors.audience_plan(audience=audience, by_email=False, by_sms=True)

    ((_, reach),) = plan.families
    assert [(number, person.first_name) for number, person in reach.sms] == [("+33612345678", "Jean")]
    assert [(family.name, number) for family, number, _ in plan.bad_numbers] == [("DURANT", "01 46 05 12 34")]
    assert selectors.audience_plan(audience=audience, by_email=True, by_sms=False).sms == 0


def test_e_mails_go_to_guardians_who_accept_them_and_to_the_accounts_each_address_once():
    family = FamilyFactory(name="DURANT")
    GuardianFactory(family=family, first_name="Jean", email="jean@example.org", accepts_email=True)
    GuardianFactory(family=family, first_name="Claire", email="claire@example.org", accepts_email=False)
    parent_of(family, email="JEAN@example.org")
    parent_of(family, email="claire@example.org")
    parent_of(family, email="mamie@example.org")
    parent_of(family, email="parti@example.org", is_active=False)
    UserFactory(email="voisin@example.org")

    emails, sms = reached(rules.Audience(kind=rules.FAMILY, family=family))["DURANT"]

    assert emails == ["jean@example.org", "mamie@example.org"] and sms == []


def test_the_audience_says_what_it_is():
    activity = soir()
    assert to_activity(activity).label == "Familles de l'activité 4/Péri SOIR, le 14/09/2026"
    assert to_activity(activity, DAY, date(2026, 9, 18)).label == (
        "Familles de l'activité 4/Péri SOIR, du 14/09/2026 au 18/09/2026"
    )
    audience = rules.Audience(kind=rules.FACILITY, facility=activity.facility, start=DAY)
    assert audience.label == "Familles de la structure Ecole Lux (enfants inscrits le 14/09/2026)"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("07.81.23.45.67", "+33781234567"),
        ("+32 470 12 34 56", "+32470123456"),
        ("01 46 05 12 34", None),
        ("0612", None),
        ("pas de numéro", None),
        ("", None),
    ],
)
def test_a_mobile_number_is_written_in_e164_or_refused(raw, expected):
    assert rules.mobile_e164(raw) == expected


def test_the_families_of_an_audience_are_read_in_three_queries(django_assert_num_queries):
    activity = soir()
    for index in range(6):
        family = family_with_child(f"F{index}", activity=activity, mobile="06 12 34 56 78", accepts_sms=True)
        parent_of(family)
    with django_assert_num_queries(3):
        plan = selectors.audience_plan(audience=to_activity(activity), by_email=True, by_sms=True)
    assert (len(plan.families), plan.emails, plan.sms) == (6, 12, 6)
