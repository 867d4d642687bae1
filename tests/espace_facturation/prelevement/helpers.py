"""Direct-debit set-ups built through the real services: a régie that debits, a family whose choice of «prélèvement»
an instructor accepted, its invoice due on 15/01/2027, pre-notified, and a lot."""

from datetime import date
from pathlib import Path

from espace_facturation import debits
from espace_facturation.models import Mandate
from espace_famille.demandes.models import RequestKind
from espace_famille.modifications import services as modifications

from ..factories import billed_household, regie, staff

IBAN = "FR7630006000011234567890189"
BIC = "AGRIFRPP882"
NEW_IBAN = "FR1420041010050500013M02606"
NEW_BIC = "PSSTFRPPPAR"
ISSUED = date(2026, 12, 5)
DUE = date(2027, 1, 15)  # 41 days after the invoices' date
NOTICE_DAY = date(2027, 1, 1)  # 14 days before
BEFORE_DEBIT = date(2027, 1, 10)


def debit_regie(**fields):
    defaults = {
        "creditor_id": "FR12ZZZ123456",
        "creditor_iban": "FR7610107001011234567890129",
        "creditor_bic": "BREDFRPPXXX",
        "due_days": 41,
    }
    return regie(**{**defaults, **fields})


def instructor():
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.filter(email="instructeurs@example.org").first()
    return found or staff("Instructeurs")


def regisseur_user():
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.filter(email="régisseurs@example.org").first()
    return found or staff("Régisseurs")


def choose_debit(family, parent, *, iban=IBAN, bic=BIC, direct_debit=True):
    """The parent asks for «prélèvement» with these bank details («Mes coordonnées bancaires»), an instructor
    accepts."""
    request = modifications.family_file_submit(
        family=family,
        kind=RequestKind.BANK_CHANGE,
        values={"account_holder": "Jean DURANT", "iban": iban, "bic": bic, "direct_debit": direct_debit},
        by=parent,
    )
    modifications.request_accept(request=request, by=instructor())
    return request


def debit_household(the_regie, name="DURANT", **kwargs):
    """A family on direct debit with its invoice of November (due 15/01/2027). Returns (invoice, parent, mandate)."""
    invoice, parent = billed_household(the_regie, name, **kwargs)
    choose_debit(invoice.family, parent)
    return invoice, parent, Mandate.objects.get(family=invoice.family, regie=the_regie)


def notified_household(the_regie, name="DURANT", **kwargs):
    invoice, parent, mandate = debit_household(the_regie, name, **kwargs)
    debits.debit_notices_send(today=NOTICE_DAY)
    return invoice, parent, mandate


def generated_batch(the_regie, *names):
    for name in names or ("DURANT",):
        notified_household(the_regie, name)
    return debits.batch_generate(regie=the_regie, collection_date=DUE, by=regisseur_user(), today=BEFORE_DEBIT)


SAMPLES = Path(__file__).parent / "samples"
PAIN002 = "pain.002.001.03-rejet.xml"
CAMT054 = "camt.054.001.02-retour.xml"


def return_file(name: str, batch, rejected, accepted, *, day: date, reason: str = "AM04") -> bytes:
    """A sample return file of the bank (samples/) for this lot: `rejected` rejected with `reason` on `day`,
    `accepted` collected."""
    return (
        (SAMPLES / name)
        .read_text()
        .format(
            day=day.isoformat(),
            day_compact=f"{day:%Y%m%d}",
            message_id=batch.message_id,
            total=f"{batch.total:.2f}",
            collection_date=batch.collection_date.isoformat(),
            end_to_end_id=rejected.end_to_end_id,
            accepted_end_to_end_id=accepted.end_to_end_id,
            amount=f"{rejected.amount:.2f}",
            mandate=rejected.mandate.reference,
            signed_on=rejected.mandate.signed_on.isoformat(),
            invoice_number=rejected.invoice.number,
            reason=reason,
        )
        .encode()
    )
