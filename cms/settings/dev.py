"""Development and demo: no configuration needed, everything in var/."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", "dev-only-secret-key-not-for-production-use-0123456789abcdef")
ALTCHA_HMAC_SECRET = env("ALTCHA_HMAC_SECRET", SECRET_KEY)
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "mail").mkdir(parents=True, exist_ok=True)
