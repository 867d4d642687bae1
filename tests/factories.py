"""factory-boy factories; tests build data through them or through the real services."""

from datetime import date
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress

from espace_facturation.models import Invoice, Regie
from espace_famille.models import Child, Civility, Family, Guardian, Sex, User

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
