"""«Afficher l'IBAN complet d'une famille»: the permission, given to the roles the table of roles grants it
(Régisseurs, Administrateurs: espace_famille/comptes/roles.py), on a fresh install as on an upgrade, nothing else
changed. The permission is created here, before post_migrate would, so that the roles receive it now."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from espace_famille.comptes.permissions import roles_grant_model_in


def grant(apps, schema_editor):
    app_config = apps.get_app_config("espace_famille")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    roles_grant_model_in(apps, app_label="espace_famille", model="family")


class Migration(migrations.Migration):
    dependencies = [
        ("espace_famille", "0011_staff_time_zones"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="family",
            options={
                "ordering": ["name", "pk"],
                "permissions": [("view_full_iban", "Afficher l'IBAN complet d'une famille")],
                "verbose_name": "famille",
                "verbose_name_plural": "familles",
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
