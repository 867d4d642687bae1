"""Test settings: fast hashing, in-memory cache, tasks run synchronously, emails kept in memory."""

import os
import socket

from cms.object_storage import object_storages

from .base import *  # noqa: F403
from .base import Q_CLUSTER


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


DEBUG = False
SECRET_KEY = "test-secret-key-only-for-the-test-suite-0123456789abcdefghijkl"
ALTCHA_HMAC_SECRET = "test-altcha-secret"
ALTCHA_CHALLENGE = {"cost": 10}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests-pages"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# SMS kept in notifications.sms.outbox, as e-mails in django.core.mail.outbox.
SMS_URL = "locmem:"
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
WHITENOISE_AUTOREFRESH = True
# A code computed in the last moment of its 30-second window reaches the server in the next one: the suite takes
# the previous window's code too, so that a login step never fails on a boundary. Production keeps allauth's 0.
MFA_TOTP_TOLERANCE = 1

# PORTAIL_TEST_STORAGE=s3: media and private files on S3, moto's S3 server standing in for the provider (CI runs the
# PostgreSQL pass so). tests/conftest.py starts the server on this address; xdist's workers inherit it.
if os.environ.get("PORTAIL_TEST_STORAGE") == "s3":
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    S3_TEST_ENDPOINT = os.environ.setdefault("PORTAIL_TEST_S3_ENDPOINT", f"http://127.0.0.1:{free_port()}")
    S3_TEST_BUCKETS = ("portail-media", "portail-prive")
    STORAGES = {
        **STORAGES,
        **object_storages(
            {
                "S3_MEDIA_BUCKET": S3_TEST_BUCKETS[0],
                "S3_PRIVATE_BUCKET": S3_TEST_BUCKETS[1],
                "S3_ENDPOINT_URL": S3_TEST_ENDPOINT,
                "S3_REGION": "eu-west-3",
                "S3_ADDRESSING_STYLE": "path",
            }
        ),
    }
