"""SMS providers: the interface the SMS outbox sends through, and its backends, chosen by the SMS_URL setting.

| SMS_URL | backend |
|---|---|
| empty (development, demo) | `FileBackend`: one file per SMS in SMS_FILE_PATH (var/sms/) |
| `file:///chemin/absolu` | `FileBackend` in that folder |
| `locmem:` (tests) | `MemoryBackend`: the SMS are kept in `notifications.sms.outbox` |
| `brevo://CLE_API@api.brevo.com` | `BrevoBackend`: Brevo's transactional SMS over HTTPS |
| `none:` (production without a provider) | `DisabledBackend`: the portal offers no SMS |

With Brevo, `?sender=MAIRIE` overrides SMS_SENDER; `brevo+http://` speaks plain HTTP (a local relay, the tests).

Brevo (https://developers.brevo.com, «Send SMS message to a mobile number») answers a POST of JSON carrying the
`api-key` header. The request is made with the standard library (urllib): no HTTP client to install.
"""

import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib import error as urlerror
from urllib import parse, request

from django.conf import settings
from django.utils import timezone

BREVO_HOST = "api.brevo.com"
BREVO_PATH = "/v3/transactionalSMS/send"
TIMEOUT_SECONDS = 15


class SmsError(Exception):
    """The provider did not take the SMS now (network, server, credentials): the outbox tries again later."""


class SmsRejected(SmsError):
    """The provider refuses this SMS for good (an invalid number, a text it will not carry): no new attempt."""


@dataclass(frozen=True)
class Sms:
    to: str  # E.164, «+33612345678»
    text: str
    sender: str
    reference: str  # the outbox row's key


class SmsBackend:
    """Sends one SMS; returns the provider's reference; raises SmsError (or SmsRejected)."""

    enabled = True

    def send(self, sms: Sms) -> str:
        raise NotImplementedError


class FileBackend(SmsBackend):
    def __init__(self, path: Path):
        self.path = Path(path)

    def send(self, sms: Sms) -> str:
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.txt"
        (self.path / name).write_text(
            f"De : {sms.sender}\nÀ : {sms.to}\nRéférence : {sms.reference}\nDate : {timezone.now().isoformat()}\n\n"
            f"{sms.text}\n",
            encoding="utf-8",
        )
        return name


# The SMS the MemoryBackend sent, in order (tests empty it, as Django's mail.outbox).
outbox: list[Sms] = []


class MemoryBackend(SmsBackend):
    def send(self, sms: Sms) -> str:
        outbox.append(sms)
        return f"memoire-{len(outbox)}"


class DisabledBackend(SmsBackend):
    enabled = False

    def send(self, sms: Sms) -> str:
        raise SmsRejected("Aucun fournisseur de SMS n'est configuré (SMS_URL).")


class BrevoBackend(SmsBackend):
    """Brevo's transactional SMS: the text goes as GSM (unicodeEnabled false), the number without its «+»."""

    def __init__(self, *, api_key: str, url: str, sender: str = ""):
        self.api_key, self.url, self.sender = api_key, url, sender

    def payload(self, sms: Sms) -> dict:
        return {
            "type": "transactional",
            "unicodeEnabled": False,
            "sender": self.sender or sms.sender,
            "recipient": sms.to.removeprefix("+"),
            "content": sms.text,
            "tag": sms.reference.split(":", 1)[0],
        }

    def send(self, sms: Sms) -> str:
        outgoing = request.Request(
            self.url,
            data=json.dumps(self.payload(sms)).encode(),
            headers={"api-key": self.api_key, "accept": "application/json", "content-type": "application/json"},
            method="POST",
        )
        try:
            with request.urlopen(outgoing, timeout=TIMEOUT_SECONDS) as answer:
                body = answer.read()
        except urlerror.HTTPError as refused:
            detail = _brevo_message(refused.read())
            message = f"Brevo a répondu {refused.code}{f' : {detail}' if detail else ''}"
            # 400: this SMS (its number, its text) is wrong; anything else may pass later (credits, a server down).
            raise (SmsRejected if refused.code == 400 else SmsError)(message) from None
        except (urlerror.URLError, TimeoutError, OSError) as failure:
            raise SmsError(f"Brevo injoignable : {failure}") from None
        try:
            answer_data = json.loads(body or b"{}")
        except ValueError:
            answer_data = {}
        return str(answer_data.get("messageId") or answer_data.get("reference") or "")


def _brevo_message(body: bytes) -> str:
    try:
        return str(json.loads(body or b"{}").get("message", ""))[:300]
    except (ValueError, AttributeError):
        return ""


def backend_from_url(url: str, *, file_path: Path | None = None) -> SmsBackend:
    """The backend SMS_URL names (see the table above)."""
    parts = parse.urlsplit(url or "")
    scheme = parts.scheme
    if scheme in ("", "file"):
        path = parse.unquote(parts.path) if scheme == "file" and parts.path else file_path
        return FileBackend(Path(path or os.path.join("var", "sms")))
    if scheme == "locmem":
        return MemoryBackend()
    if scheme == "none":
        return DisabledBackend()
    if scheme in ("brevo", "brevo+http"):
        query = parse.parse_qs(parts.query)
        host = parts.hostname or BREVO_HOST
        port = f":{parts.port}" if parts.port else ""
        endpoint = f"{'http' if scheme == 'brevo+http' else 'https'}://{host}{port}{parts.path or BREVO_PATH}"
        return BrevoBackend(
            api_key=parse.unquote(parts.username or ""), url=endpoint, sender=query.get("sender", [""])[0]
        )
    raise ValueError(f"SMS_URL : fournisseur inconnu « {scheme} » (file, locmem, brevo ou none).")


def backend() -> SmsBackend:
    return backend_from_url(getattr(settings, "SMS_URL", ""), file_path=getattr(settings, "SMS_FILE_PATH", None))


def enabled() -> bool:
    """Whether the portal can send SMS (a provider is configured)."""
    return backend().enabled


def sender() -> str:
    """The name the phones show (3 to 11 letters or digits)."""
    return getattr(settings, "SMS_SENDER", "") or "Mairie"
