"""The permissions of the messages to families given to the roles of an existing install: Instructeurs may read
and send them, Administrateurs hold every permission of the app (espace_famille/comptes/roles.py).

Permissions are created here first (post_migrate creates them only after every migration); then each role's group
gets what the table grants it on the new model, nothing removed (as espace_famille 0010 does for attendance)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from espace_famille.comptes.permissions import roles_grant_model_in


def grant(apps, schema_editor):
    app_config = apps.get_app_config("messagerie")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    roles_grant_model_in(apps, app_label="messagerie", model="familymessage")


class Migration(migrations.Migration):
    dependencies = [
        ("messagerie", "0001_family_messages"),
        ("espace_famille", "0009_staff_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
