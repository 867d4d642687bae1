"""Family-file values as JSON-ready snapshots: read from the models, shown to people, applied back."""

from dataclasses import dataclass
from datetime import date

from django.db import models

from commun import formats
from espace_famille.dossier import rules
from espace_famille.dossier.models import AuthorizedContact, Child, Family, Guardian, Vaccination

# Which model and fields each kind of family-file request covers, keyed by the values of demandes' RequestKind
# (dossier sits below demandes: tests/espace_famille/demandes/test_decision_framework.py checks they are its
# FAMILY_FILE_KINDS).
KIND_FIELDS = {
    "guardian": (Guardian, rules.GUARDIAN_FIELDS),
    "address": (Family, rules.ADDRESS_FIELDS),
    "fiscal": (Family, rules.FISCAL_FIELDS),
    "bank": (Family, rules.BANK_FIELDS),
    "child": (Child, rules.CHILD_FIELDS + tuple(rules.CHILD_LIST_FIELDS)),
    "child_add": (Child, rules.CHILD_FIELDS + tuple(rules.CHILD_LIST_FIELDS)),
}
LIST_MODELS = {"vaccinations": Vaccination, "contacts": AuthorizedContact}
SENSITIVE_FIELDS = {"iban", "bic", "allergies", "diet", "vaccinations"}


def to_json(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_json(field: models.Field, value):
    if value is None and not field.null:
        return field.get_default()
    return field.to_python(value)


def list_rows(instance: Child, name: str) -> list[dict]:
    fields = rules.CHILD_LIST_FIELDS[name]
    rows = getattr(instance, name).all() if instance.pk else []
    return normalise_rows(name, [{field: getattr(row, field) for field in fields} for row in rows])


def snapshot(instance: models.Model, fields) -> dict:
    """The current values of `fields`, JSON-ready (lists of rows for a child's tables)."""
    values = {}
    for name in fields:
        if name in rules.CHILD_LIST_FIELDS:
            values[name] = list_rows(instance, name)
        else:
            values[name] = to_json(getattr(instance, name))
    return values


def normalise_rows(name: str, rows: list[dict]) -> list[dict]:
    """Rows as a form gives them, made comparable with a snapshot (same keys, JSON-ready, stable order)."""
    fields = rules.CHILD_LIST_FIELDS[name]
    cleaned = [{field: to_json(row.get(field)) for field in fields} for row in rows]
    return sorted(cleaned, key=lambda row: [str(row[field] or "") for field in fields])


def apply(instance: models.Model, values: dict) -> list[tuple[str, list[dict]]]:
    """Set plain fields on `instance`; return the child's tables to replace once it is saved."""
    tables = []
    for name, value in values.items():
        if name in rules.CHILD_LIST_FIELDS:
            tables.append((name, value))
        else:
            setattr(instance, name, from_json(instance._meta.get_field(name), value))
    return tables


def apply_rows(child: Child, name: str, rows: list[dict]) -> None:
    """Make the child's table hold `rows`, touching only the rows that differ: a row asked that the table already
    holds (same values) keeps its record; the others are added, and the table's rows not asked are removed."""
    model = LIST_MODELS[name]
    fields = rules.CHILD_LIST_FIELDS[name]
    kept: dict[tuple, list] = {}
    for obj in model.objects.filter(child=child).order_by("pk"):
        key = tuple(normalise_rows(name, [{field: getattr(obj, field) for field in fields}])[0].values())
        kept.setdefault(key, []).append(obj)
    added = []
    for row in normalise_rows(name, rows):
        same = kept.get(tuple(row.values()))
        if same:
            same.pop(0)
            continue
        obj = model(child=child)
        for field, value in row.items():
            setattr(obj, field, from_json(model._meta.get_field(field), value))
        added.append(obj)
    removed = [obj.pk for objs in kept.values() for obj in objs]
    if removed:
        model.objects.filter(pk__in=removed).delete()
    model.objects.bulk_create(added)


@dataclass
class Shown:
    """A value as a person reads it: «Oui», «05/04/2016», «Père», a masked IBAN, or table rows."""

    text: str
    rows: list[list[str]] | None = None


def field_label(model: type[models.Model], name: str) -> str:
    if name in LIST_MODELS:
        return LIST_MODELS[name]._meta.verbose_name_plural.capitalize()
    label = str(model._meta.get_field(name).verbose_name)
    return label[0].upper() + label[1:]


def show(model: type[models.Model], name: str, value) -> Shown:
    if name in LIST_MODELS:
        row_model = LIST_MODELS[name]
        rows = [
            [show(row_model, field, row.get(field)).text for field in rules.CHILD_LIST_FIELDS[name]]
            for row in value or []
        ]
        return Shown(text=f"{len(rows)} ligne{'s' if len(rows) > 1 else ''}", rows=rows)
    field = model._meta.get_field(name)
    if name == "iban":
        return Shown(rules.mask_iban(value) if value else "—")
    if value in (None, ""):
        return Shown("—")
    if isinstance(field, models.BooleanField):
        return Shown("Oui" if value else "Non")
    if field.choices:
        return Shown(str(dict(field.flatchoices).get(value, value)))
    if isinstance(field, models.DateField):
        return Shown(formats.date_numeric(date.fromisoformat(value)) if isinstance(value, str) else str(value))
    return Shown(str(value))


def list_headers(name: str) -> list[str]:
    row_model = LIST_MODELS[name]
    return [field_label(row_model, field) for field in rules.CHILD_LIST_FIELDS[name]]


def masked_for_log(changes: dict) -> dict:
    """Audit entries say which fields changed, never the health or bank values themselves."""
    return {
        name: ({"before": "***", "after": "***"} if name in SENSITIVE_FIELDS else change)
        for name, change in changes.items()
    }
