"""Development and demo: no configuration needed, everything in var/."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "dev-only-secret-key-not-for-production-use-0123456789abcdef")
ALTCHA_HMAC_SECRET = env("ALTCHA_HMAC_SECRET", SECRET_KEY)
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "mail").mkdir(parents=True, exist_ok=True)
(VAR_DIR / "sms").mkdir(parents=True, exist_ok=True)
# WebAuthn security keys on http://127.0.0.1 (the demo); production is HTTPS only.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
