"""The attendance register: the Attendance model, each activity's billing basis (bookings by default: nothing
changes for an existing install), and the permission to mark attendance given to the roles that the table of roles
grants it (Instructeurs, Administrateurs), on a fresh install as on an upgrade.

Permissions are created by post_migrate, after every migration: the new model's are created here first."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

from espace_famille.comptes.permissions import roles_grant_model_in


def grant_attendance(apps, schema_editor):
    app_config = apps.get_app_config("espace_famille")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    roles_grant_model_in(apps, app_label="espace_famille", model="attendance")


class Migration(migrations.Migration):

    dependencies = [
        ('espace_famille', '0009_staff_roles'),
    ]

    operations = [
        migrations.AddField(
            model_name='activity',
            name='billing_basis',
            field=models.CharField(choices=[('bookings', 'Facturation : réservations'), ('attendance', 'Facturation : présences')], default='bookings', help_text='Présences : les jours pointés sur la feuille de présence sont facturés (présent, présent sans réservation, absent non justifié) à la place des jours réservés ; un jour non pointé reste facturé selon sa réservation.', max_length=12, verbose_name='base de facturation'),
        ),
        migrations.CreateModel(
            name='Attendance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='jour')),
                ('status', models.CharField(choices=[('present', 'Présent'), ('justified', 'Absent justifié'), ('unjustified', 'Absent non justifié'), ('unbooked', 'Présent sans réservation')], max_length=12, verbose_name='pointage')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='remarque')),
                ('marked_at', models.DateTimeField(verbose_name='pointé le')),
                ('activity', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='attendances', to='espace_famille.activity', verbose_name='activité')),
                ('child', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='espace_famille.child', verbose_name='enfant')),
                ('marked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='pointé par')),
            ],
            options={
                'verbose_name': 'présence',
                'verbose_name_plural': 'présences',
                'ordering': ['day', 'activity__code', 'child__last_name', 'child__first_name'],
                'permissions': [('mark_attendance', 'Pointer les présences sur la feuille de présence')],
                'indexes': [models.Index(fields=['activity', 'day'], name='espace_fami_activit_d879f9_idx')],
                'constraints': [models.UniqueConstraint(fields=('child', 'activity', 'day'), name='attendance_one_per_day')],
            },
        ),
        migrations.RunPython(grant_attendance, migrations.RunPython.noop),
    ]
