"""Production: PostgreSQL, Redis, SMTP; every secret and host comes from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASE_URL, EMAIL_URL, REDIS_URL, STORAGES, env, env_bool, env_list

DEBUG = False
# cms/checks.py refuses, in production only, a payment simulator switched on and a captcha without its own secret.
PRODUCTION = True
PAYMENT_SIMULATOR = env_bool("PAYMENT_SIMULATOR", False)
# No SMS provider configured: no SMS (files in var/sms would reach nobody).
SMS_URL = env("SMS_URL") or "none:"

for _name, _value in {
    "SECRET_KEY": env("SECRET_KEY"),
    "ALLOWED_HOSTS": env("ALLOWED_HOSTS"),
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "EMAIL_URL": EMAIL_URL,
}.items():
    if not _value:
        raise ImproperlyConfigured(f"{_name} must be set in the environment for production.")

SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
ALTCHA_HMAC_SECRET = env("ALTCHA_HMAC_SECRET", "")

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
