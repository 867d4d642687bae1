"""Régisseurs prepare the direct-debit lots and read the mandates: the roles table grants them add/view_debitbatch and
view_mandate (espace_facturation/permissions.py); existing groups receive them now. Permissions are created by
post_migrate, after every migration: the new models' are created here first."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from espace_famille.comptes.permissions import roles_grant_model_in


def grant(apps, schema_editor):
    app_config = apps.get_app_config("espace_facturation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    for model in ("debitbatch", "mandate"):
        roles_grant_model_in(apps, app_label="espace_facturation", model=model)


class Migration(migrations.Migration):
    dependencies = [
        ("espace_facturation", "0009_sepa_direct_debit"),
        ("espace_famille", "0013_regisseurs_read_attendance"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
