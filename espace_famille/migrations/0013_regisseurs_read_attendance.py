"""Régisseurs read the attendance marks they bill («Pointages»): the roles table grants them view_attendance
(espace_facturation/permissions.py); existing groups receive it now, nothing else changed."""

from django.db import migrations

from espace_famille.comptes.permissions import roles_grant_model_in


def grant(apps, schema_editor):
    roles_grant_model_in(apps, app_label="espace_famille", model="attendance")


class Migration(migrations.Migration):
    dependencies = [
        ("espace_famille", "0012_view_full_iban"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
