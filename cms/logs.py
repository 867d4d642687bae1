"""Secrets that travel in addresses (account activation and password reset keys, calendar feed tokens, account
unlock and second-factor enrolment links) are masked in every log line: Django's loggers through the
RedactTokens filter, gunicorn's access log through gunicorn.conf.py. Imports nothing from Django, so gunicorn's
master process can load it before the application."""

import logging
import re

MASK = "[masqué]"
# The part of each address that precedes a secret, the secret running to the next slash, question mark, quote or
# space. tests/test_log_redaction.py checks each against the real URL patterns.
SECRET_PREFIXES = (
    "/confirm-email/",
    "/password/reset/key/",
    "/planning/calendrier/",
    "/compte/debloquer/",
    "/compte/double-authentification/",
)
_SECRET = re.compile("(" + "|".join(re.escape(prefix) for prefix in SECRET_PREFIXES) + r")[^/?#\s\"']+")


def redact(text: str) -> str:
    return _SECRET.sub(lambda match: match.group(1) + MASK, text)


class RedactTokens(logging.Filter):
    """Rewrites a record whose message holds a secret address (the request line of django.server, the path of
    django.request's «Not Found»)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
