"""Production settings pass Django's deployment checklist, and refuse to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_payment_simulator():
    result = run_manage("check", env={**PRODUCTION_ENV, "PAYMENT_SIMULATOR": "1"})
    assert result.returncode != 0
    assert "portail.E001" in result.stderr and "Le simulateur de paiement est activé" in result.stderr


@pytest.mark.parametrize("secret", ["", PRODUCTION_ENV["SECRET_KEY"]])
def test_production_requires_a_captcha_secret_of_its_own(settings, secret):
    settings.PRODUCTION, settings.PAYMENT_SIMULATOR = True, False
    settings.SECRET_KEY, settings.ALTCHA_HMAC_SECRET = PRODUCTION_ENV["SECRET_KEY"], secret
    assert [error.id for error in checks.production_settings()] == [checks.ALTCHA_SECRET_MISSING]
    settings.ALTCHA_HMAC_SECRET = PRODUCTION_ENV["ALTCHA_HMAC_SECRET"]
    assert checks.production_settings() == []


def test_production_uses_postgresql_redis_and_smtp():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], s.Q_CLUSTER.get('redis'),"
        " s.EMAIL_BACKEND, s.EMAIL_HOST, s.DEBUG)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/0",
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        "False",
    ]


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
