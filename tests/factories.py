"""factory-boy factories; tests build data through them or through the real services."""

from datetime import date
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress

from espace_facturation.models import Invoice, Regie
from espace_famille.comptes.models import User
from espace_famille.dossier.models import Child, Civility, Family, Guardian, Sex
from espace_famille.planning.models import Activity, ActivitySlot, Enrolment, Facility, FacilityKind

PASSWORD = "Portail2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"parent{n}@example.org")
    civility = Civility.MR
    first_name = "Jean"
    last_name = "Durant"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    name = factory.Sequence(lambda n: f"FAMILLE{n}")
    subscriber_code = factory.Sequence(lambda n: f"CODE{n:06d}")


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    family = factory.SubFactory(FamilyFactory)
    civility = Civility.MR
    first_name = "Jean"
    last_name = factory.SelfAttribute("family.name")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    family = factory.SubFactory(FamilyFactory)
    first_name = "Léa"
    last_name = factory.SelfAttribute("family.name")
    birth_date = date(2010, 1, 1)
    sex = Sex.GIRL


class RegieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Regie
        django_get_or_create = ("name",)

    name = "Regie BL Enfance"
    service_name = "Regie NEO Technique"


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    regie = factory.SubFactory(RegieFactory)
    family = factory.SubFactory(FamilyFactory)
    number = factory.Sequence(lambda n: f"2018-{2500 + n}")
    issued_on = date(2018, 12, 7)
    due_on = date(2019, 1, 11)
    amount = Decimal("6.50")
    emission_code = "EM2018"
    personal_code = factory.Sequence(lambda n: f"P{n:05d}")


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility
        django_get_or_create = ("name",)

    name = "Ecole Lux"
    kind = FacilityKind.SCHOOL


class ActivityFactory(factory.django.DjangoModelFactory):
    """«4/Péri SOIR»-like: school time, Monday, Tuesday, Thursday, Friday 16:30 - 18:30, deadline la veille à 12:00."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    facility = factory.SubFactory(FacilityFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    label = "Péri SOIR"
    capacity = None
    price = Decimal("2.10")

    @factory.post_generation
    def weekdays(obj, create, extracted, **kwargs):
        """weekdays=[0, 1, 3, 4] (default) or a dict {weekday: ("16:30", "18:30")}."""
        if not create:
            return
        slots = extracted if extracted is not None else [0, 1, 3, 4]
        if not isinstance(slots, dict):
            slots = {day: ("16:30", "18:30") for day in slots}
        ActivitySlot.objects.bulk_create(
            ActivitySlot(activity=obj, weekday=day, start_time=start, end_time=end)
            for day, (start, end) in slots.items()
        )


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    child = factory.SubFactory(ChildFactory)
    activity = factory.SubFactory(ActivityFactory)
    start_date = date(2026, 9, 1)
    end_date = date(2027, 7, 3)
    weekdays = factory.LazyFunction(lambda: [0, 1, 3, 4])


def parent_of(family: Family, **kwargs) -> User:
    """An account linked to the family file (a subscription by code), as a parent who entered the code."""
    from espace_famille.dossier.models import Subscription

    user = UserFactory(**kwargs)
    Subscription.objects.create(user=user, family=family, method="code")
    return user


def family_parent(family: Family) -> User:
    """The family's first linked account, made on first use: the parent who asks for the family in a test."""
    subscription = family.subscriptions.select_related("user").order_by("pk").first()
    return subscription.user if subscription else parent_of(family, email=f"parent-{family.pk}@example.org")


def role(name: str):
    """The staff role (group) `name`, as `migrate` makes it: the test reference data holds the roles, so this reads
    it; a test database without them (a flushed one) gets them from roles_sync."""
    from django.contrib.auth.models import Group

    from espace_famille.comptes.permissions import ensure_staff_groups

    group = Group.objects.filter(name=name).first()
    return group or next(group for group in ensure_staff_groups() if group.name == name)


def service_instructor(**kwargs) -> User:
    """An instructor of the service (the «Instructeurs» group, made on first use), staff by default: allowed to
    decide every kind of request and to write the family files."""
    from espace_famille.comptes.permissions import INSTRUCTORS

    user = UserFactory(**{"is_staff": True, **kwargs})
    user.groups.add(role(INSTRUCTORS))
    return User.objects.get(pk=user.pk)  # a fresh object: permissions are cached per instance
