"""Every model that holds personal data, in one registry: whose it is, how long it is kept, how it is purged and
how it appears in «Télécharger mes données».

Each app declares its models in its own `personal_data.py`, registered from its `apps.py`; the retention job
(`commun.retention`) and the family's data export both read this registry and nothing else, and a test fails
when a model with personal data is neither registered nor exempted with its reason.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Expression, Model, Q

# The value that replaces a name when a row is anonymised.
ANONYMOUS = "ANONYME"


@dataclass(frozen=True)
class Delete:
    """The rows are deleted (or the row at `root`, a path like "request", whose deletion cascades to them);
    the files of their file fields are deleted from storage once no row refers to them any more."""

    root: str = ""


@dataclass(frozen=True)
class Anonymise:
    """The fields take these values: a constant, or a function of the row. A file field set to "" also loses
    its file in storage (once no row refers to it any more)."""

    values: Mapping[str, Any]


Purge = Delete | Anonymise


@dataclass(frozen=True)
class After:
    """Purged `days` after the date in `since` (a field path or an expression).

    `days` is a number or the name of a setting (RETENTION_INACTIVE_DAYS); `where` narrows the rows the rule
    applies to; `label` says when, in French, for the command's report («non modifiés depuis {days} jours»)."""

    days: int | str
    since: str | Expression
    purge: Purge
    label: str
    where: Q = field(default_factory=Q)


@dataclass(frozen=True)
class WithFamily:
    """Purged when the family is anonymised, after RETENTION_INACTIVE_DAYS without a sign of life."""

    purge: Purge


@dataclass(frozen=True)
class WithAccount:
    """Deleted with the citizen account it belongs to (the database cascades from the account's row)."""


Rule = After | WithFamily | WithAccount


@dataclass(frozen=True)
class Section:
    """A section of the family's data export: `collect(family)` returns JSON-ready data under `key`;
    `render(doc, data)` adds it to the PDF with the builder's `para`, `fields` and `listing`; `summary` says what
    it holds, in French, on the «Télécharger mes données» page."""

    key: str
    collect: Callable[[Model], Any]
    render: Callable[[Any, Any], None]
    summary: str


@dataclass(frozen=True)
class PersonalData:
    """A model holding personal data.

    `family` is the path from a row to its family ("" for the family itself, "request__family"); `user` the
    path to its citizen account, for rows that belong to an account rather than a family. `export` is the
    section showing it, or the key of another model's section that already holds it (a child's vaccines are
    in «children»), or None when the family's export leaves it out (the comment beside says why).
    `activity` is a date path whose latest value is a sign of life of the family: a family with none for
    RETENTION_INACTIVE_DAYS is anonymised. `describe` names a purged row in `retention --details`."""

    model: type[Model]
    rules: tuple[Rule, ...]
    export: Section | str | None
    family: str | None = None
    user: str | None = None
    activity: str | None = None
    describe: Callable[[Model], str] | None = None


REGISTRY: list[PersonalData] = []
EXEMPT: dict[type[Model], str] = {}


def register(*entries: PersonalData) -> None:
    for entry in entries:
        if entry.family is None and entry.user is None and not any(isinstance(r, After) for r in entry.rules):
            raise ValueError(f"{entry.model._meta.label}: no owner and no period, it would be kept forever.")
        if all(known.model is not entry.model for known in REGISTRY):
            REGISTRY.append(entry)


def exempt(model: type[Model], *, reason: str) -> None:
    """A model that looks personal (a link to a family or an account, a file, a name) but holds nothing of a
    person that the registry should purge or export: `reason` says why."""
    EXEMPT[model] = reason


def entry_for(model: type[Model]) -> PersonalData | None:
    return next((entry for entry in REGISTRY if entry.model is model), None)


def family_entry() -> PersonalData:
    """The family itself: the registration whose path to the family is empty."""
    return next(entry for entry in REGISTRY if entry.family == "")


def sections() -> list[Section]:
    """The export's sections, in the order apps registered them."""
    found: dict[str, Section] = {}
    for entry in REGISTRY:
        if isinstance(entry.export, Section):
            found.setdefault(entry.export.key, entry.export)
    return list(found.values())
