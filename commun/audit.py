"""Audit entries written in bulk: the decisions of many requests (thousands of days), the invoices of a run, the
children whose health data a screen showed. The same rows as `wagtail.log_actions.log` writes one by one."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils import timezone
from wagtail.log_actions import get_active_log_context
from wagtail.log_actions import registry as log_registry


def entries_write(entries: list[tuple[Model, str, dict]], *, by) -> int:
    """One wagtail log entry per (instance, action, data), in one INSERT per model. Returns how many."""
    if not entries:
        return 0
    context = get_active_log_context()
    now = timezone.now()
    per_model = {}
    for instance, action, data in entries:
        per_model.setdefault(type(instance), []).append((instance, action, data))
    for model_class, rows in per_model.items():
        model = log_registry.get_log_model_for_instance(rows[0][0])
        if model is None:
            continue
        content_type = ContentType.objects.get_for_model(model_class, for_concrete_model=False)
        model.objects.bulk_create(
            model(
                content_type=content_type,
                object_id=str(instance.pk),
                label=str(instance),
                action=action,
                data=data,
                timestamp=now,
                user=by or context.user,
                uuid=context.uuid,
            )
            for instance, action, data in rows
        )
    return len(entries)
