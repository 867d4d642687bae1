"""Audit entries of staff reads: who saw a child's health data (allergies, diet, vaccines) or a family's IBAN in
full, where and when."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractUser

from commun import audit
from espace_famille.dossier.models import Child

HEALTH_READ = "portail.health.read"
IBAN_SHOWN = "portail.iban.show"


def health_data_read(*, children: Iterable[Child], by: AbstractUser, screen: str) -> int:
    """Record that `by` was shown these children's health data on `screen`: one entry per child, in one insert."""
    unique = {child.pk: child for child in children}.values()
    return audit.entries_write([(child, HEALTH_READ, {"screen": screen}) for child in unique], by=by)
