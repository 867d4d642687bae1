"""The staff roles on a fresh install: Instructeurs, Chargés de communication, Régisseurs, Administrateurs, with
their permissions; Wagtail's «Editors» and «Moderators» replaced by the French roles (their members moved).

Permissions are created by post_migrate, after every migration: they are created here first, for every app.
The sync runs on this migration's historical models (never the live ones, which may change) and reads today's
table of roles (pure data), skipping permissions of models that a later migration creates; `manage.py
sync_roles` after an upgrade brings the roles to the table.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from espace_famille.comptes.permissions import roles_sync_in


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_sync_in(apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("espace_famille", "0008_franceconnect_identity"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("commun", "0001_initial"),
        ("home", "0001_initial"),
        ("justificatifs", "0001_documents"),
        ("creche", "0001_initial"),
        ("espace_facturation", "0006_invoicing_draft"),
        ("notifications", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("wagtailforms", "0005_alter_formsubmission_form_data"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
