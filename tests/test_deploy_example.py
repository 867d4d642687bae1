"""The README's deployment example (Dockerfile, deploy/compose.yaml, deploy/nginx.conf) read against the code it
runs, so that it does not rot: no Docker here, but every command, variable and service it names must exist."""

import re
import shlex
from pathlib import Path

import yaml
from django.core.management import get_commands

from cms.object_storage import object_storages

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def environment(service):
    """The variables a service reads: its environment, then its env_file's names (the secrets, left empty)."""
    names = {}
    for line in (DEPLOY / "portail.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            names[name] = value or "secret"
    return {**names, **service["environment"]}


def command(service):
    parts = service["command"]
    return " ".join(parts) if isinstance(parts, list) else parts


def test_two_app_servers_a_worker_and_the_three_shared_services():
    services = compose()["services"]
    assert {"proxy", "app1", "app2", "worker", "postgres", "redis", "minio"} <= set(services)
    for name in ("app1", "app2"):
        assert command(services[name]).startswith("gunicorn cms.wsgi")
        assert "/readyz" in " ".join(services[name]["healthcheck"]["test"])
    assert command(services["worker"]) == "python manage.py qcluster"


def test_the_app_servers_have_every_variable_production_requires():
    services = compose()["services"]
    production = (ROOT / "cms" / "settings" / "production.py").read_text()
    required = re.findall(r'"([A-Z_]+)": (?:env\("[A-Z_]+"\)|[A-Z_]+),', production)
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= set(required)
    for name in ("app1", "app2", "worker", "migrate"):
        env = environment(services[name])
        assert env["DJANGO_SETTINGS_MODULE"] == "cms.settings.production"
        assert set(required) | {"ALTCHA_HMAC_SECRET"} <= set(env), name


def test_files_go_to_the_two_buckets_the_buckets_service_creates():
    services = compose()["services"]
    storages = object_storages(environment(services["app1"]))
    media, private = storages["default"]["OPTIONS"], storages["private"]["OPTIONS"]
    assert media["endpoint_url"] == "http://minio:9000"
    assert private["default_acl"] == "private"
    creation = " ".join(services["buckets"]["entrypoint"])
    assert f"s3/{media['bucket_name']}" in creation and f"s3/{private['bucket_name']}" in creation
    # Only the site's images are readable without the portal.
    assert f"anonymous set download s3/{media['bucket_name']}" in creation


def test_the_migrate_step_runs_commands_that_exist():
    steps = command(compose()["services"]["migrate"])
    commands = [shlex.split(step)[2] for step in re.findall(r"python manage\.py [a-z_]+", steps)]
    assert commands == ["migrate", "register_schedules", "sync_roles", "check"]
    assert set(commands) <= set(get_commands())


def test_the_proxy_spreads_requests_over_both_app_servers_and_forwards_what_the_portal_reads():
    conf = (DEPLOY / "nginx.conf").read_text()
    upstream = re.search(r"upstream portail \{(.*?)\}", conf, re.S).group(1)
    assert re.findall(r"server (\w+):8000", upstream) == ["app1", "app2"]
    for header in ("X-Forwarded-Proto https", "X-Forwarded-For", "X-Request-ID"):
        assert f"proxy_set_header {header}" in conf
    # TRUSTED_PROXY_COUNT matches the one proxy in front of the app servers.
    assert compose()["services"]["app1"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"


def test_the_image_serves_the_portal_with_its_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert 'CMD ["gunicorn", "cms.wsgi"' in dockerfile
