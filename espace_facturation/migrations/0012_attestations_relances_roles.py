"""Régisseurs make and read the childcare certificates and read the reminders: the roles table grants them the
new models' permissions (espace_facturation/permissions.py); existing groups receive them now, nothing else
changed."""

from django.db import migrations

from espace_famille.comptes.permissions import roles_grant_model_in


def grant(apps, schema_editor):
    for model in ("certificaterun", "childcarecertificate", "reminder"):
        roles_grant_model_in(apps, app_label="espace_facturation", model=model)


class Migration(migrations.Migration):
    dependencies = [
        ("espace_facturation", "0011_attestations_relances"),
        ("espace_famille", "0016_activity_childcare_certificate"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
