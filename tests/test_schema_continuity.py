"""The family space was split into small apps («House»): an existing database must migrate with no data change.

The tables keep their names and the models their app labels, so the migrations of the split are none. These
tests hold that promise for every later move too:
- a database filled under the schema of the split (the migration leaves below) is migrated to today's schema,
  and every row of every table that existed is still there, unchanged;
- every model of the portal lives in the table, content type and permissions it had.
"""

import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The leaves of the migration graph when the family space was split (3 Dec. 2026).
# The database is filled through the historical models of that schema (never today's), so the test keeps
# working whatever later migrations change.
SCHEMA_OF_THE_SPLIT = [
    ("commun", "0001_initial"),
    ("creche", "0001_initial"),
    ("espace_facturation", "0005_family_credit_one_payment_in_flight"),
    ("espace_famille", "0008_franceconnect_identity"),
    ("home", "0001_initial"),
    ("justificatifs", "0001_documents"),
    ("notifications", "0001_initial"),
]

# The tables of the family space, by model, as they were named before the split.
TABLES_BEFORE_THE_SPLIT = {
    "espace_famille.User": "espace_famille_user",
    "espace_famille.FranceConnectIdentity": "espace_famille_franceconnectidentity",
    "espace_famille.Family": "espace_famille_family",
    "espace_famille.Guardian": "espace_famille_guardian",
    "espace_famille.Child": "espace_famille_child",
    "espace_famille.Vaccination": "espace_famille_vaccination",
    "espace_famille.AuthorizedContact": "espace_famille_authorizedcontact",
    "espace_famille.Subscription": "espace_famille_subscription",
    "espace_famille.Request": "espace_famille_request",
    "espace_famille.RequestLine": "espace_famille_requestline",
    "espace_famille.RequestEvent": "espace_famille_requestevent",
    "espace_famille.DecisionNotice": "espace_famille_decisionnotice",
    "espace_famille.Facility": "espace_famille_facility",
    "espace_famille.Activity": "espace_famille_activity",
    "espace_famille.ActivitySlot": "espace_famille_activityslot",
    "espace_famille.ActivityPrice": "espace_famille_activityprice",
    "espace_famille.Closure": "espace_famille_closure",
    "espace_famille.Enrolment": "espace_famille_enrolment",
    "espace_famille.Booking": "espace_famille_booking",
    "espace_famille.BookingHistory": "espace_famille_bookinghistory",
    "espace_famille.CalendarSettings": "espace_famille_calendarsettings",
    "justificatifs.DocumentType": "justificatifs_documenttype",
    "justificatifs.Document": "justificatifs_document",
    "creche.CrecheApplication": "creche_crecheapplication",
}


PORTAL_LABELS = {"espace_famille", "justificatifs", "creche", "espace_facturation", "notifications", "commun"}

# The data migration of the staff roles (espace_famille 0009) adds the groups, their permissions and an audit
# entry per group: in these tables every row that was there must still be, and new rows may appear.
TABLES_THE_ROLES_ADD_TO = {
    "auth_group",
    "auth_group_permissions",
    "wagtailcore_grouppagepermission",
    "wagtailcore_groupcollectionpermission",
    "wagtailcore_modellogentry",
}

# Columns a later migration removes on purpose, with where their values went.
COLUMNS_MOVED = {
    # home 0002: the portal's address is the Wagtail Site's; an address typed here moved to its Site.
    "home_siteidentity": {"public_url"},
}


def _value(field: models.Field, number: int):
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.EmailField):
        return f"personne{number}@example.org"
    if isinstance(field, models.DecimalField):
        return Decimal("12.50")
    if isinstance(field, models.BooleanField):
        return number % 2 == 0
    if isinstance(field, models.IntegerField | models.FloatField):
        return number + 1
    if isinstance(field, models.DateTimeField):
        return timezone.make_aware(datetime(2026, 11, 2, 9, 0)) + timedelta(days=number)
    if isinstance(field, models.DateField):
        return date(2026, 11, 2) + timedelta(days=number + (30 if "end" in field.name or "until" in field.name else 0))
    if isinstance(field, models.TimeField):
        return time(17, 0) if "end" in field.name else time(8, 30)
    if isinstance(field, models.UUIDField):
        import uuid

        return uuid.uuid4()
    if isinstance(field, models.JSONField):
        return {"ligne": number}
    if isinstance(field, models.FileField):
        return f"prive/fichier-{number}.pdf"
    if isinstance(field, models.CharField | models.TextField):
        size = field.max_length or 40
        return f"V{number}-{field.name}"[:size]
    return None


def fill_through_historical_models(historical_apps) -> dict[str, int]:
    """Two rows in every table of the portal's apps the schema allows, each field given a plausible value."""
    made: dict[str, list] = {}
    counter = itertools.count(1)
    pending = [m for m in historical_apps.get_models() if m._meta.app_label in PORTAL_LABELS and not m._meta.proxy]
    for _ in range(len(pending)):
        progress = False
        for model in list(pending):
            targets = [
                f.related_model
                for f in model._meta.concrete_fields
                if f.is_relation and not f.null and f.related_model is not model
            ]
            if any(t._meta.app_label in PORTAL_LABELS and t._meta.label not in made for t in targets if t is not None):
                continue
            pending.remove(model)
            progress = True
            for copy in range(2):
                number = next(counter)
                values = {}
                for field in model._meta.concrete_fields:
                    if field.primary_key or field.has_default() and not field.is_relation:
                        continue
                    if field.is_relation:
                        rows = made.get(field.related_model._meta.label) or list(
                            field.related_model._default_manager.all()[:2]
                        )
                        if rows:
                            values[field.name] = rows[copy % len(rows)]
                        continue
                    if field.null and copy == 1:
                        continue
                    value = _value(field, number)
                    if value is not None:
                        values[field.name] = value
                try:
                    with transaction.atomic():
                        made.setdefault(model._meta.label, []).append(model._default_manager.create(**values))
                except (IntegrityError, ValueError, TypeError):
                    continue
        if not progress:
            break
    return {label: len(rows) for label, rows in made.items()}


def rows_of_every_table() -> dict[str, list[tuple]]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        snapshot = {}
        for table in tables:
            if table.startswith("sqlite_") or table == "django_migrations":
                continue
            cursor.execute(f'SELECT * FROM "{table}"')
            columns = [column[0] for column in cursor.description]
            snapshot[table] = sorted(
                (tuple(zip(columns, row, strict=True)) for row in cursor.fetchall()), key=lambda row: repr(row)
            )
    return snapshot


@pytest.mark.django_db(transaction=True)
def test_a_database_filled_before_the_split_migrates_with_every_row_unchanged():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(SCHEMA_OF_THE_SPLIT)
    filled = fill_through_historical_models(executor.loader.project_state(SCHEMA_OF_THE_SPLIT).apps)
    before = rows_of_every_table()
    for label, table in TABLES_BEFORE_THE_SPLIT.items():
        if label == "espace_famille.CalendarSettings":
            continue  # a Wagtail site setting: one row per site, and the flushed test database has no site
        assert filled.get(label), f"{label} was not filled"
        assert before[table], table

    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    after = rows_of_every_table()

    assert set(before) <= set(after), "a table disappeared"
    for table, rows in before.items():
        moved = COLUMNS_MOVED.get(table, set())
        rows = [tuple(pair for pair in row if pair[0] not in moved) for row in rows]
        columns = {name for row in rows for name, _ in row}
        # Columns a later migration adds are not compared; every value that was there must be.
        kept = sorted((tuple(pair for pair in row if pair[0] in columns) for row in after[table]), key=repr)
        if table in TABLES_THE_ROLES_ADD_TO:
            assert all(row in kept for row in rows), f"rows of {table} changed"
            continue
        assert kept == rows, f"rows of {table} changed"


@pytest.mark.django_db
def test_every_model_keeps_its_table_its_content_type_and_its_permissions():
    for label, table in TABLES_BEFORE_THE_SPLIT.items():
        model = apps.get_model(label)
        assert model._meta.db_table == table
        content_type = ContentType.objects.get_for_model(model)
        assert (content_type.app_label, content_type.model) == tuple(label.lower().split("."))
        codenames = set(Permission.objects.filter(content_type=content_type).values_list("codename", flat=True))
        name = model._meta.model_name
        assert {f"add_{name}", f"change_{name}", f"delete_{name}", f"view_{name}"} <= codenames, label


@pytest.mark.django_db
def test_the_content_types_of_the_family_space_exist_before_any_test_asks_for_them():
    """Django creates content types only for an app with a models module (the split once lost them)."""
    labels = {label.split(".")[0] for label in TABLES_BEFORE_THE_SPLIT}
    stored = set(ContentType.objects.filter(app_label__in=labels).values_list("app_label", "model"))
    for label in TABLES_BEFORE_THE_SPLIT:
        assert tuple(label.lower().split(".")) in stored, label
