"""Test settings: fast hashing, in-memory cache, tasks run synchronously, emails kept in memory."""

from .base import *  # noqa: F403
from .base import Q_CLUSTER

DEBUG = False
SECRET_KEY = "test-secret-key-only-for-the-test-suite-0123456789abcdefghijkl"
ALTCHA_HMAC_SECRET = "test-altcha-secret"
ALTCHA_CHALLENGE = {"cost": 10}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
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
