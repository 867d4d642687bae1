"""The portal's address is the Wagtail Site's (host name and port): the identity's own «adresse du site» goes. An
address typed there moves to its Site while that Site is still the one Wagtail's migrations made (localhost:80)."""

from urllib.parse import urlsplit

from django.db import migrations

WAGTAIL_INITIAL_SITE = ("localhost", 80)
DEFAULT_PORTS = {"http": 80, "https": 443}


def address_to_site(apps, schema_editor):
    SiteIdentity = apps.get_model("home", "SiteIdentity")
    for identity in SiteIdentity.objects.exclude(public_url="").select_related("site"):
        site = identity.site
        if (site.hostname, site.port) != WAGTAIL_INITIAL_SITE:
            continue
        try:
            parts = urlsplit(identity.public_url)
            port = parts.port or DEFAULT_PORTS.get(parts.scheme)
        except ValueError:
            continue
        if parts.hostname and port:
            site.hostname, site.port = parts.hostname, port
            site.save(update_fields=["hostname", "port"])


class Migration(migrations.Migration):
    dependencies = [("home", "0001_initial")]

    operations = [
        migrations.RunPython(address_to_site, migrations.RunPython.noop),
        migrations.RemoveField(model_name="siteidentity", name="public_url"),
    ]
