"""A family's choice of «prélèvement», once accepted, makes its mandate with each régie that debits; a new IBAN amends
it (a new FRST sequence); giving up direct debit revokes it."""

import pytest
from django.db import IntegrityError
from wagtail.models import ModelLogEntry

from espace_facturation import mandates
from espace_facturation.models import Mandate, MandateAmendment, SequenceType
from espace_famille.demandes.models import RequestKind
from espace_famille.modifications import services as modifications

from ..factories import billed_household, regie
from .helpers import BIC, IBAN, NEW_BIC, NEW_IBAN, choose_debit, debit_regie, instructor

pytestmark = pytest.mark.django_db


def test_an_accepted_choice_of_direct_debit_makes_one_mandate_per_regie_that_debits():
    first, second = debit_regie(), debit_regie(name="Regie Cantine")
    regie(name="Regie sans ICS")
    invoice, parent = billed_household(first)

    choose_debit(invoice.family, parent)

    mandates_made = list(Mandate.objects.filter(family=invoice.family).order_by("regie_id"))
    assert [m.regie for m in mandates_made] == [first, second]
    assert all(m.iban == IBAN and m.bic == BIC and m.sequence == SequenceType.FIRST for m in mandates_made)
    assert all(m.active and m.account_holder == "Jean DURANT" for m in mandates_made)
    assert len({m.reference for m in mandates_made}) == 2
    assert all(len(m.reference) <= 35 and m.reference.isalnum() for m in mandates_made)
    assert ModelLogEntry.objects.filter(action="portail.mandate.create").count() == 2


def test_a_pending_request_makes_no_mandate_and_a_refused_one_neither():
    the_regie = debit_regie()
    invoice, parent = billed_household(the_regie)
    request = modifications.family_file_submit(
        family=invoice.family,
        kind=RequestKind.BANK_CHANGE,
        values={"iban": IBAN, "bic": BIC, "direct_debit": True},
        by=parent,
    )
    assert not Mandate.objects.exists()

    modifications.request_refuse(request=request, by=instructor())

    assert not Mandate.objects.exists()


def test_bank_details_without_the_choice_of_direct_debit_make_no_mandate():
    the_regie = debit_regie()
    invoice, parent = billed_household(the_regie)

    choose_debit(invoice.family, parent, direct_debit=False)

    assert not Mandate.objects.exists()


def test_the_mandate_reference_is_unique():
    the_regie = debit_regie()
    invoice, parent = billed_household(the_regie)
    choose_debit(invoice.family, parent)
    other, other_parent = billed_household(the_regie, "ADERNO")
    choose_debit(other.family, other_parent)
    one, two = Mandate.objects.order_by("pk")
    assert one.reference != two.reference

    with pytest.raises(IntegrityError):
        Mandate.objects.filter(pk=two.pk).update(reference=one.reference)


def test_a_new_iban_amends_the_mandate_and_starts_a_new_first_sequence():
    the_regie = debit_regie()
    invoice, parent = billed_household(the_regie)
    choose_debit(invoice.family, parent)
    mandate = Mandate.objects.get()
    Mandate.objects.filter(pk=mandate.pk).update(sequence=SequenceType.RECURRING)

    choose_debit(invoice.family, parent, iban=NEW_IBAN, bic=NEW_BIC)

    amended = Mandate.objects.get()
    assert amended.pk == mandate.pk and amended.reference == mandate.reference
    assert amended.iban == NEW_IBAN and amended.bic == NEW_BIC and amended.sequence == SequenceType.FIRST
    amendment = MandateAmendment.objects.get()
    assert amendment.mandate == amended
    assert amendment.old_iban.endswith("189") and amendment.new_iban.endswith("606")
    assert IBAN not in amendment.old_iban and "•" in amendment.old_iban
    assert ModelLogEntry.objects.filter(action="portail.mandate.amend").count() == 1


def test_giving_up_direct_debit_revokes_the_mandate():
    the_regie = debit_regie()
    invoice, parent = billed_household(the_regie)
    choose_debit(invoice.family, parent)

    choose_debit(invoice.family, parent, direct_debit=False)

    mandate = Mandate.objects.get()
    assert not mandate.active and mandate.revoked_on is not None


def test_only_who_decides_requests_or_debits_syncs_mandates(client):
    the_regie = debit_regie()
    invoice, parent = billed_household(the_regie)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        mandates.mandates_sync(family=invoice.family, by=parent)
