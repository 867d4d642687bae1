"""Staff profiles keep only a time zone the admin offers (WAGTAIL_USER_TIME_ZONES): one chosen from the system's
whole list, «localtime» (the server's zone) included, goes back to the portal's zone."""

from django.conf import settings
from django.db import migrations


def reset_time_zones(apps, schema_editor):
    profiles = apps.get_model("wagtailusers", "UserProfile").objects
    profiles.exclude(current_time_zone="").exclude(current_time_zone__in=settings.WAGTAIL_USER_TIME_ZONES).update(
        current_time_zone=""
    )


class Migration(migrations.Migration):
    dependencies = [
        ("espace_famille", "0010_attendance_register"),
        ("wagtailusers", "0015_userprofile_keyboard_shortcuts"),
    ]

    operations = [migrations.RunPython(reset_time_zones, migrations.RunPython.noop)]
