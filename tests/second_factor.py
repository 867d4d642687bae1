"""Second factors for staff in tests: an authenticator app's codes computed here from RFC 6238, independently of
the library that checks them."""

import base64
import hashlib
import hmac
import struct
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = SECRET, *, at: float | None = None) -> str:
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def wrong_code(secret: str = SECRET) -> str:
    """A code valid in none of the windows the test settings accept (MFA_TOTP_TOLERANCE)."""
    now = time.time()
    taken = {totp_code(secret, at=now + shift) for shift in (-30, 0, 30)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in taken)


def enrol_totp(user, secret: str = SECRET) -> str:
    """The user has set up an authenticator app with this secret."""
    TOTP.activate(user, secret)
    return secret


def recovery_codes(user) -> list[str]:
    return RecoveryCodes.activate(user).get_unused_codes()


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
