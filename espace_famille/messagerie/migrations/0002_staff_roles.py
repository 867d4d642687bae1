"""The permissions of the messages to families given to their roles on an existing install: Instructeurs may read
and send them, Administrateurs hold every permission of the app (espace_famille/comptes/roles.py).

As in espace_famille 0009: permissions are created here first (post_migrate creates them only after every
migration), then the roles are made the table, on this migration's historical models."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from espace_famille.comptes.permissions import roles_sync_in


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync_in(apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("messagerie", "0001_family_messages"),
        ("espace_famille", "0009_staff_roles"),
        ("notifications", "0002_outbox_sms"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
