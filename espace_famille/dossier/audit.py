"""Audit entries of staff reads: who saw a child's health data (allergies, diet, vaccines), where and when."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import ModelLogEntry

from espace_famille.dossier.models import Child

HEALTH_READ = "portail.health.read"


def health_data_read(*, children: Iterable[Child], by: AbstractUser, screen: str) -> int:
    """Record that `by` was shown these children's health data on `screen`: one entry per child, in one insert."""
    content_type = ContentType.objects.get_for_model(Child)
    now = timezone.now()
    entries = [
        ModelLogEntry(
            content_type=content_type,
            object_id=str(child.pk),
            label=str(child),
            action=HEALTH_READ,
            user=by,
            timestamp=now,
            data={"screen": screen},
        )
        for child in {child.pk: child for child in children}.values()
    ]
    ModelLogEntry.objects.bulk_create(entries)
    return len(entries)
