"""Production settings pass Django's deployment checklist, and refuse to start half-configured."""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks as django_checks
from django.core.exceptions import ImproperlyConfigured

from cms import checks

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "x7!kq2-production-like-secret-key-with-enough-entropy-0123456789abcdefgh",
    "ALLOWED_HOSTS": "portail.example.org",
    "DATABASE_URL": "postgres://portail:secret@127.0.0.1:5432/portail",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp://user:secret@smtp.example.org:587/?tls=True",
    "PUBLIC_URL": "https://portail.example.org",
    "ALTCHA_HMAC_SECRET": "another-random-secret-for-the-captcha-only-9f8e7d6c5b4a",
}


def run_manage(*args, env):
    dropped = {*PRODUCTION_ENV, "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_from(module: str, env: dict, monkeypatch) -> dict:
    """The settings `module` gives in the environment `env`, read in this process: the settings modules run afresh
    (cms.settings.base included), and the ones this test process loaded are put back afterwards."""
    for name in {*PRODUCTION_ENV, "DATABASE_URL", "PAYMENT_SIMULATOR", "VAR_DIR"}:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    loaded = {name: sys.modules.pop(name) for name in list(sys.modules) if name.startswith("cms.settings.")}
    try:
        return runpy.run_module(module, run_name=module)
    finally:
        for name in [name for name in sys.modules if name.startswith("cms.settings.")]:
            del sys.modules[name]
        sys.modules.update(loaded)


# Two checks start manage.py in a process of its own, as production does; the others read the settings in this one.
def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        settings_from("cms.settings.production", {**PRODUCTION_ENV, "SECRET_KEY": ""}, monkeypatch)


def test_production_refuses_the_payment_simulator(settings, monkeypatch):
    production = settings_from("cms.settings.production", {**PRODUCTION_ENV, "PAYMENT_SIMULATOR": "1"}, monkeypatch)
    for name in ("PRODUCTION", "PAYMENT_SIMULATOR", "SECRET_KEY", "ALTCHA_HMAC_SECRET"):
        setattr(settings, name, production[name])
    errors = [error for error in django_checks.run_checks() if error.id.startswith("portail.")]
    assert [error.id for error in errors] == [checks.SIMULATOR_ENABLED] == ["portail.E001"]
    assert "Le simulateur de paiement est activé" in errors[0].msg and errors[0].is_serious()


@pytest.mark.parametrize("secret", ["", PRODUCTION_ENV["SECRET_KEY"]])
def test_production_requires_a_captcha_secret_of_its_own(settings, secret):
    settings.PRODUCTION, settings.PAYMENT_SIMULATOR = True, False
    settings.SECRET_KEY, settings.ALTCHA_HMAC_SECRET = PRODUCTION_ENV["SECRET_KEY"], secret
    assert [error.id for error in checks.production_settings()] == [checks.ALTCHA_SECRET_MISSING]
    settings.ALTCHA_HMAC_SECRET = PRODUCTION_ENV["ALTCHA_HMAC_SECRET"]
    assert checks.production_settings() == []


def test_production_uses_postgresql_redis_and_smtp(monkeypatch):
    production = settings_from("cms.settings.production", PRODUCTION_ENV, monkeypatch)
    assert production["DATABASES"]["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert production["CACHES"]["default"]["BACKEND"] == "cms.redis_cache.PooledRedisCache"
    assert production["Q_CLUSTER"].get("redis") == "redis://127.0.0.1:6379/0"
    assert production["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert production["EMAIL_HOST"] == "smtp.example.org"
    assert production["DEBUG"] is False


def test_embedded_default_needs_no_configuration(tmp_path):
    env = {"DJANGO_SETTINGS_MODULE": "cms.settings.dev", "VAR_DIR": str(tmp_path)}
    code = (
        "from django.conf import settings as s; from django.db import connection;"
        "print(s.DATABASES['default']['OPTIONS']['transaction_mode'], s.CACHES['default']['BACKEND'],"
        " s.Q_CLUSTER.get('orm'), s.EMAIL_BACKEND, s.EMAIL_FILE_PATH, s.MEDIA_ROOT);"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.strip().splitlines()
    assert first.split() == [
        "IMMEDIATE",
        "django.core.cache.backends.db.DatabaseCache",
        "default",
        "django.core.mail.backends.filebased.EmailBackend",
        str(tmp_path / "mail"),
        str(tmp_path / "media"),
    ]
    assert second == "wal"


def test_sessions_are_read_from_redis_and_kept_in_the_database_in_production(monkeypatch):
    production = settings_from("cms.settings.production", PRODUCTION_ENV, monkeypatch)
    assert production["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert production["CACHES"]["default"]["BACKEND"] == "cms.redis_cache.PooledRedisCache"
    assert production["PASSWORD_HASHERS"][0] == "espace_famille.comptes.hashers.PortailArgon2PasswordHasher"
    without_redis = settings_from("cms.settings.base", {}, monkeypatch)
    assert "SESSION_ENGINE" not in without_redis  # Django's default: the database
