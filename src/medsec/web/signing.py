"""Signed hidden form fields (HMAC-SHA256 with the app secret) and where the secret comes from.

The secret is ``MEDSEC_SECRET_KEY`` or, without it, a random key written once to
``MEDSEC_HOME/secret.key`` with mode 0600. A signed value is ``payload.issued.signature``;
it verifies only with the same purpose, unchanged, and younger than ``max_age`` seconds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

from medsec.config import Settings
from medsec.errors import InvalidInput

KEY_FILE = "secret.key"


def secret_key(settings: Settings) -> bytes:
    """The app secret: MEDSEC_SECRET_KEY, else MEDSEC_HOME/secret.key (made once, mode 0600)."""
    if settings.secret_key:
        return settings.secret_key.encode()
    path = settings.home / KEY_FILE
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the home: owner only
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48) + "\n")
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    key = path.read_text().strip().encode()
    if len(key) < 32:
        raise InvalidInput(f"{path}: the secret key is shorter than 32 characters")
    return key


class Signer:
    """Sign and verify short text values for one purpose (e.g. "login", "report-form")."""

    def __init__(self, key: bytes, purpose: str) -> None:
        self._key = hashlib.sha256(b"medsec-signer\0" + purpose.encode() + b"\0" + key).digest()

    def _mac(self, body: str) -> str:
        mac = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def sign(self, value: str, *, now: float | None = None) -> str:
        """The value with its issue time and signature, safe to put in a hidden field."""
        payload = base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")
        body = f"{payload}.{int(time.time() if now is None else now)}"
        return f"{body}.{self._mac(body)}"

    def verify(self, signed: str, *, max_age: float, now: float | None = None) -> str:
        """The original value; InvalidInput when tampered with, for another purpose, or stale."""
        parts = signed.split(".") if signed and len(signed) <= 4096 else []
        if len(parts) != 3 or not parts[1].isdigit():
            raise InvalidInput("the form's signed field is malformed; reload the page")
        body = f"{parts[0]}.{parts[1]}"
        if not hmac.compare_digest(self._mac(body), parts[2]):
            raise InvalidInput("the form's signed field does not verify; reload the page")
        age = (time.time() if now is None else now) - int(parts[1])
        if age > max_age or age < -60:
            raise InvalidInput("the form has expired; reload the page")
        try:
            return base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)).decode()
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInput("the form's signed field is malformed; reload the page") from exc
