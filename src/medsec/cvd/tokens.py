"""Receipt ids and status tokens for anonymous finders.

``receipt_id()`` is a public reference (quoted in e-mails, not a secret): ``VR-`` + 16
Crockford base-32 characters from 80 random bits. ``status_token()`` is the finder's secret for
checking status without an account: 32 random bytes (256 bits) URL-safe base64; it is shown
once and only ``hash_token(token)`` (SHA-256 hex) is stored. A fast unsalted hash is enough
because the token is random with 256 bits of entropy, not a password; compare with
``verify_token`` (constant time).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

RECEIPT_PREFIX = "VR-"
TOKEN_BYTES = 32
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RECEIPT_CHARS = 16  # 16 x 5 bits = 80 bits


def receipt_id() -> str:
    """A random public report reference such as ``VR-7M2Q…`` (80 bits, unambiguous letters)."""
    bits = secrets.randbits(_RECEIPT_CHARS * 5)
    chars = [_CROCKFORD[(bits >> (5 * i)) & 0x1F] for i in range(_RECEIPT_CHARS)]
    return RECEIPT_PREFIX + "".join(chars)


def status_token() -> str:
    """A fresh secret status token (256 bits, URL-safe base64, 43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """The SHA-256 hex digest to store in place of ``token``."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def verify_token(token: str, stored_hash: str) -> bool:
    """True when ``token`` hashes to ``stored_hash`` (constant-time comparison)."""
    return hmac.compare_digest(hash_token(token), stored_hash.lower())
