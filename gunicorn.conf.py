"""gunicorn's settings, read from the working directory by `gunicorn cms.wsgi`: an access log on the standard
output in which the secrets of addresses (activation, reset, calendar feed, unlock links) are masked."""

from gunicorn.glogging import Logger

from cms.logs import redact

accesslog = "-"


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: redact(value) if isinstance(value, str) else value for name, value in atoms.items()}


logger_class = RedactingLogger
