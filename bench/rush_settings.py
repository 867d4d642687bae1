"""The rush hour's settings (bench/rush.py): production's, served over plain HTTP on loopback.

Everything is production's (DEBUG off, PostgreSQL, Redis cache and sessions, the task cluster on Redis) except the
cookies' Secure flag: TLS ends at the proxy in production, and a client on plain loopback HTTP would not send a
Secure cookie back (every login would fail its CSRF check)."""

from cms.settings.production import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
