"""The retention job: it applies the periods of the personal-data registry (commun.personal_data), and only those.

- A family with no sign of life for RETENTION_INACTIVE_DAYS (the registry's `activity` dates: requests, booked days,
  invoices, payments, logins of its accounts) is anonymised: every `WithFamily` rule of the registry is applied to
  its rows, then the family row itself, which keeps its invoices and payments.
- Every `After` rule purges the rows whose period has run out (unused accounts, crèche drafts, expired documents,
  contents of sent e-mails...).

Each step takes `dry_run`: it then only counts what it would do.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max
from django.db.models.deletion import Collector
from django.utils import timezone
from wagtail.log_actions import log

from .personal_data import REGISTRY, After, Anonymise, Delete, PersonalData, Purge, WithFamily, family_entry


@dataclass
class Report:
    """What one step did (or would do): its line, a count per model, and the rows concerned (for --details)."""

    label: str
    count: int
    counts: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"{self.label} : {self.count}"


def _days(days: int | str, periods: dict[str, int]) -> int:
    """A period in days: a number, or the name of a setting that the command's options may override."""
    if isinstance(days, int):
        return days
    return periods.get(days, getattr(settings, days))


def _as_datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, datetime.min.time()))


def _plural(entry: PersonalData) -> str:
    name = str(entry.model._meta.verbose_name_plural)
    return name[:1].lower() + name[1:]


# Files ---------------------------------------------------------------------------------------------------------


def _file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _delete_files_after_commit(files: list[tuple[models.FileField, str]]) -> None:
    """Files leave storage once their rows are gone for good, unless a row still refers to one (a justification
    sent for several children is one file)."""

    def delete():
        for file_field, name in files:
            if not file_field.model._default_manager.filter(**{file_field.name: name}).exists():
                file_field.storage.delete(name)

    if files:
        transaction.on_commit(delete)


# Purges ----------------------------------------------------------------------------------------------------------


def _locked(rows: models.QuerySet) -> list:
    # The rows are read again under their lock: one the family touched meanwhile is no longer due.
    return list(rows.select_for_update(of=("self",)))


def _delete(rows: models.QuerySet, purge: Delete) -> None:
    instances = _locked(rows)
    if purge.root:
        root_field = rows.model._meta.get_field(purge.root)
        root_ids = [getattr(row, root_field.attname) for row in instances]
        instances = _locked(root_field.related_model._default_manager.filter(pk__in=root_ids))
    # The collector finds every row the deletion cascades to, so that their files go too.
    collector = Collector(using=rows.db)
    collector.collect(instances)
    files = []
    for model, cascaded in collector.data.items():
        for file_field in _file_fields(model):
            files += [(file_field, getattr(row, file_field.attname)) for row in cascaded]
    for queryset in collector.fast_deletes:
        for file_field in _file_fields(queryset.model):
            files += [(file_field, name) for name in queryset.values_list(file_field.name, flat=True)]
    collector.delete()
    _delete_files_after_commit([(file_field, str(name)) for file_field, name in files if name])


def _anonymise(rows: models.QuerySet, purge: Anonymise) -> None:
    model = rows.model
    instances = _locked(rows)
    constants = {name: value for name, value in purge.values.items() if not callable(value)}
    computed = {name: value for name, value in purge.values.items() if callable(value)}
    files = [
        (file_field, str(getattr(row, file_field.attname)))
        for file_field in _file_fields(model)
        if file_field.name in purge.values
        for row in instances
        if getattr(row, file_field.attname)
    ]
    if computed:
        for row in instances:
            model._default_manager.filter(pk=row.pk).update(
                **constants, **{name: value(row) for name, value in computed.items()}
            )
    else:
        model._default_manager.filter(pk__in=[row.pk for row in instances]).update(**constants)
    _delete_files_after_commit(files)


def purge_rows(rows: models.QuerySet, purge: Purge) -> None:
    with transaction.atomic():
        if isinstance(purge, Delete):
            _delete(rows, purge)
        else:
            _anonymise(rows, purge)


def _already_done(rows: models.QuerySet, purge: Purge) -> models.QuerySet:
    """Rows anonymised by an earlier run are not counted again."""
    if isinstance(purge, Anonymise):
        constants = {name: value for name, value in purge.values.items() if not callable(value)}
        if constants:
            return rows.exclude(**constants)
    return rows


# Families ----------------------------------------------------------------------------------------------------------


def family_last_activity() -> dict[int, datetime]:
    """Each family's latest sign of life, one read per registered activity date, whatever the number of families."""
    latest: dict[int, datetime] = {}
    for entry in REGISTRY:
        if entry.activity is None or entry.family is None:
            continue
        manager = entry.model._default_manager
        if entry.family == "":
            rows = manager.values_list("pk", entry.activity)
        else:
            rows = manager.values(entry.family).annotate(at=Max(entry.activity)).values_list(entry.family, "at")
        for family_id, moment in rows:
            moment = _as_datetime(moment)
            if family_id is not None and moment is not None and (family_id not in latest or moment > latest[family_id]):
                latest[family_id] = moment
    return latest


def inactive_families(*, now: datetime, inactive_days: int) -> list:
    cutoff = now - timedelta(days=inactive_days)
    ids = [family_id for family_id, moment in family_last_activity().items() if moment < cutoff]
    return list(family_entry().model._default_manager.filter(pk__in=ids, anonymised_at__isnull=True).order_by("pk"))


def _family_rules() -> list[tuple[PersonalData, WithFamily]]:
    return [(entry, rule) for entry in REGISTRY if entry.family for rule in entry.rules if isinstance(rule, WithFamily)]


def family_anonymise(*, family, now: datetime) -> dict[str, int]:
    """Apply every `WithFamily` rule to the family's rows, then to the family; returns the rows purged per model.

    The family row keeps its key and `anonymised_at`, so its invoices and payments stay with their amounts:
    public accounting keeps them ten years."""
    root = family_entry()
    counts: dict[str, int] = {}
    with transaction.atomic():
        family = root.model._default_manager.select_for_update().get(pk=family.pk)
        if family.anonymised_at:
            return counts
        for entry, rule in _family_rules():
            rows = entry.model._default_manager.filter(**{entry.family: family})
            counts[_plural(entry)] = counts.get(_plural(entry), 0) + rows.count()
            purge_rows(rows, rule.purge)
        for rule in root.rules:
            if isinstance(rule, WithFamily):
                purge_rows(root.model._default_manager.filter(pk=family.pk), rule.purge)
        root.model._default_manager.filter(pk=family.pk).update(anonymised_at=now)
        # Dated by the job's clock, like the rest of its work, so that the audit period counts from it.
        log(instance=family, action="portail.family.anonymise", data={"reason": "inactivité"}, timestamp=now)
    return counts


def anonymise_inactive_families(*, now: datetime, dry_run: bool, periods: dict[str, int]) -> Report:
    inactive_days = _days("RETENTION_INACTIVE_DAYS", periods)
    families = inactive_families(now=now, inactive_days=inactive_days)
    counts: dict[str, int] = {}
    for family in families:
        if dry_run:
            for entry, _ in _family_rules():
                rows = entry.model._default_manager.filter(**{entry.family: family}).count()
                counts[_plural(entry)] = counts.get(_plural(entry), 0) + rows
        else:
            for name, rows in family_anonymise(family=family, now=now).items():
                counts[name] = counts.get(name, 0) + rows
    what = "à anonymiser" if dry_run else "anonymisées"
    return Report(
        f"Familles {what} (aucune activité depuis {inactive_days} jours)",
        len(families),
        counts=[f"{name} : {rows}" for name, rows in counts.items() if rows],
        details=[f"{family.name} (n° {family.pk})" for family in families],
    )


# Periods -------------------------------------------------------------------------------------------------------------


def due_rows(entry: PersonalData, rule: After, *, now: datetime, periods: dict[str, int]) -> models.QuerySet:
    """The rows whose period under `rule` has run out at `now`."""
    cutoff = now - timedelta(days=_days(rule.days, periods))
    rows = entry.model._default_manager.filter(rule.where)
    if isinstance(rule.since, str):
        rows = rows.filter(**{f"{rule.since}__lt": cutoff})
    else:
        rows = rows.alias(retention_since=rule.since).filter(retention_since__lt=cutoff)
    return _already_done(rows, rule.purge)


def apply_period(entry: PersonalData, rule: After, *, now: datetime, dry_run: bool, periods: dict) -> Report:
    rows = due_rows(entry, rule, now=now, periods=periods)
    pks = list(rows.order_by("pk").values_list("pk", flat=True))
    details = []
    if entry.describe is not None:
        details = [entry.describe(row) for row in entry.model._default_manager.filter(pk__in=pks).order_by("pk")]
    if not dry_run and pks:
        purge_rows(rows.filter(pk__in=pks), rule.purge)
    if isinstance(rule.purge, Delete):
        action = "À supprimer" if dry_run else "Suppression"
    else:
        action = "À anonymiser" if dry_run else "Anonymisation"
    when = rule.label.format(days=_days(rule.days, periods))
    return Report(f"{action} — {_plural(entry)} ({when})", len(pks), details=details)


def steps() -> int:
    """How many steps `run` takes (the inactive families, then each period of the registry)."""
    return 1 + sum(isinstance(rule, After) for entry in REGISTRY for rule in entry.rules)


def run(
    *,
    dry_run: bool,
    now: datetime | None = None,
    periods: dict[str, int] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Report]:
    """Anonymise the inactive families, then apply every period of the registry; one report per step, and
    `progress(1)` after each."""
    now = now or timezone.now()
    periods = periods or {}
    reports = [anonymise_inactive_families(now=now, dry_run=dry_run, periods=periods)]
    if progress:
        progress(1)
    for entry in REGISTRY:
        for rule in entry.rules:
            if isinstance(rule, After):
                reports.append(apply_period(entry, rule, now=now, dry_run=dry_run, periods=periods))
                if progress:
                    progress(1)
    return reports
