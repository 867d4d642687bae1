"""The régie's accounts (its journal): an accounting code per account of the régie, and the permission to read
its accounts («Journal comptable», «État des restes à recouvrer»), which the roles table gives the Régisseurs:
existing groups receive it now (the permission is made here, before Django's own pass after the migrations)."""

from django.db import migrations, models

from espace_famille.comptes.permissions import roles_grant_model_in


def grant(apps, schema_editor):
    content_type, _ = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="espace_facturation", model="regie"
    )
    apps.get_model("auth", "Permission").objects.get_or_create(
        content_type=content_type,
        codename="view_accounting",
        defaults={"name": "Consulter le journal comptable et les restes à recouvrer"},
    )
    roles_grant_model_in(apps, app_label="espace_facturation", model="regie")


class Migration(migrations.Migration):
    dependencies = [
        ("espace_facturation", "0007_billed_days_of_attendance"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="regie",
            options={
                "ordering": ["name"],
                "permissions": [("view_accounting", "Consulter le journal comptable et les restes à recouvrer")],
                "verbose_name": "régie",
                "verbose_name_plural": "régies",
            },
        ),
        migrations.AddField(
            model_name="regie",
            name="account_bank",
            field=models.CharField(
                default="515",
                help_text="Compte au Trésor : paiements en ligne, prélèvements, virements et remboursements.",
                max_length=20,
                verbose_name="compte de banque",
            ),
        ),
        migrations.AddField(
            model_name="regie",
            name="account_cash",
            field=models.CharField(default="531", help_text="Espèces.", max_length=20, verbose_name="compte de caisse"),
        ),
        migrations.AddField(
            model_name="regie",
            name="account_cheques",
            field=models.CharField(
                default="5112", help_text="Chèques à encaisser.", max_length=20, verbose_name="compte des chèques"
            ),
        ),
        migrations.AddField(
            model_name="regie",
            name="account_families",
            field=models.CharField(
                default="4111",
                help_text="Compte de tiers des redevables.",
                max_length=20,
                verbose_name="compte des familles",
            ),
        ),
        migrations.AddField(
            model_name="regie",
            name="account_products",
            field=models.CharField(
                default="7066",
                help_text="Compte de produit des lignes dont l'activité n'a pas d'imputation comptable.",
                max_length=20,
                verbose_name="imputation par défaut",
            ),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
