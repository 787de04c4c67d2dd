"""Validation of an unauthenticated public vulnerability report (ISO/IEC 29147 clause 6 intake).

``validate_report`` takes the raw form fields (str or bytes) and attachments and returns a
frozen ``Report`` or raises ``ReportRejected`` (``ReportTooLarge`` for size limits) naming the
field. Required: ``product``, ``version``, ``description``; optional: ``reproduction_steps``
(a design flaw may have none), ``finder_name`` and ``finder_email`` (finders may stay
anonymous), ``pgp_key`` (ASCII-armored public key block), ``cvss_vector`` (checked with
``medsec.core.cvss.parse``). Unknown fields are refused, except the honeypot field which the
spam helpers check; the web layer removes its own fields (CSRF token, render time) first.

Attachment content types are an allow-list; the declared type must match the file extension
and, for binary types, the file's magic bytes; text types must be UTF-8. Attachments are
stored, never opened or executed; archives are not accepted (zip bombs, hidden executables).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from medsec.core.cvss import CvssResult, parse
from medsec.cvd.pgp import check_public_key_block
from medsec.cvd.sanitize import (
    ReportRejected,
    ReportTooLarge,
    clean_email,
    clean_text,
    render_safe,
    to_text,
)
from medsec.cvd.spam import HONEYPOT_FIELD
from medsec.errors import InvalidInput

__all__ = [
    "ALLOWED_TYPES",
    "DEFAULT_LIMITS",
    "Attachment",
    "IntakeLimits",
    "Report",
    "ReportRejected",
    "ReportTooLarge",
    "render_safe",
    "validate_report",
]

REQUIRED = ("product", "version", "description")
MULTILINE = frozenset({"description", "reproduction_steps", "pgp_key"})
MIB = 1024 * 1024
_PCAP_MAGIC = (b"\xa1\xb2\xc3\xd4", b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\x3c\x4d", b"\x4d\x3c\xb2\xa1")


@dataclass(frozen=True, slots=True)
class FileType:
    """An allowed attachment type: its extensions and magic prefixes (empty → UTF-8 text)."""

    extensions: tuple[str, ...]
    magic: tuple[bytes, ...] = ()


ALLOWED_TYPES: dict[str, FileType] = {
    "text/plain": FileType((".txt", ".log", ".md")),
    "application/json": FileType((".json",)),
    "application/pdf": FileType((".pdf",), (b"%PDF-",)),
    "image/png": FileType((".png",), (b"\x89PNG\r\n\x1a\n",)),
    "image/jpeg": FileType((".jpg", ".jpeg"), (b"\xff\xd8\xff",)),
    "application/vnd.tcpdump.pcap": FileType((".pcap",), _PCAP_MAGIC),
    "application/x-pcapng": FileType((".pcapng",), (b"\x0a\x0d\x0d\x0a",)),
}


def _default_field_limits() -> dict[str, int]:
    return {
        "product": 200,
        "version": 200,
        "description": 20_000,
        "reproduction_steps": 20_000,
        "finder_name": 200,
        "finder_email": 254,
        "pgp_key": 65_536,
        "cvss_vector": 300,
    }


@dataclass(frozen=True, slots=True)
class IntakeLimits:
    """Size limits: characters per field and in total, attachment count and bytes."""

    field_chars: Mapping[str, int] = field(default_factory=_default_field_limits)
    total_chars: int = 100_000
    max_attachments: int = 5
    attachment_bytes: int = 5 * MIB
    total_attachment_bytes: int = 10 * MIB
    max_filename_chars: int = 255


DEFAULT_LIMITS = IntakeLimits()


@dataclass(frozen=True, slots=True)
class Attachment:
    """An accepted attachment: safe base name, normalised content type, bytes and SHA-256."""

    name: str
    content_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)


@dataclass(frozen=True, slots=True)
class Report:
    """A validated public vulnerability report; text is cleaned but never interpreted."""

    product: str
    version: str
    description: str
    reproduction_steps: str | None = None
    finder_name: str | None = None
    finder_email: str | None = None
    pgp_key: str | None = None
    cvss: CvssResult | None = None
    attachments: tuple[Attachment, ...] = ()

    @property
    def anonymous(self) -> bool:
        """True when the finder left neither a name nor an e-mail address."""
        return self.finder_name is None and self.finder_email is None


def _field(name: str, raw: Any, limit: int) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, str | bytes) and len(raw) > 4 * limit:  # refuse before any work
        raise ReportTooLarge(name, f"is too long (at most {limit} characters)")
    if name == "finder_email":
        text = clean_email(name, raw) if to_text(name, raw).strip() else ""
    else:
        text = clean_text(name, raw, multiline=name in MULTILINE)
    if len(text) > limit:
        raise ReportTooLarge(name, f"is too long ({len(text)} characters, at most {limit})")
    return text or None


def validate_report(
    fields: Mapping[str, Any],
    attachments: list[tuple[str, bytes, str]] | None = None,
    *,
    limits: IntakeLimits = DEFAULT_LIMITS,
) -> Report:
    """Validate and clean a public report; raise ReportRejected naming the field at fault."""
    for name in fields:
        if name not in limits.field_chars and name != HONEYPOT_FIELD:
            raise ReportRejected(str(name)[:60], "unknown field")
    values = {
        name: _field(name, fields.get(name), limit) for name, limit in limits.field_chars.items()
    }
    total = sum(len(v) for v in values.values() if v)
    if total > limits.total_chars:
        raise ReportTooLarge(
            "report", f"is too long ({total} characters, at most {limits.total_chars})"
        )
    for name in REQUIRED:
        if not values.get(name):
            raise ReportRejected(name, "is required")
    pgp = values.get("pgp_key")
    if pgp is not None:
        pgp = check_public_key_block("pgp_key", pgp)
    cvss: CvssResult | None = None
    vector = values.get("cvss_vector")
    if vector is not None:
        try:
            cvss = parse(vector)
        except InvalidInput as exc:
            raise ReportRejected("cvss_vector", exc.message) from None
    return Report(
        product=values["product"] or "",
        version=values["version"] or "",
        description=values["description"] or "",
        reproduction_steps=values.get("reproduction_steps"),
        finder_name=values.get("finder_name"),
        finder_email=values.get("finder_email"),
        pgp_key=pgp,
        cvss=cvss,
        attachments=check_attachments(attachments or [], limits),
    )


def _safe_name(label: str, name: Any, limits: IntakeLimits) -> str:
    text = clean_text(label, name, multiline=False)
    if not text or len(text) > limits.max_filename_chars:
        raise ReportRejected(label, "needs a file name of 1 to 255 characters")
    if "/" in text or "\\" in text or text.startswith("."):
        raise ReportRejected(label, "file name must be a plain name (no path, not hidden)")
    return text


def check_attachments(
    attachments: list[tuple[str, bytes, str]], limits: IntakeLimits = DEFAULT_LIMITS
) -> tuple[Attachment, ...]:
    """Check count, sizes, allowed type, extension and content of each attachment."""
    if len(attachments) > limits.max_attachments:
        raise ReportRejected("attachments", f"at most {limits.max_attachments} files")
    for index, (_, data, _) in enumerate(attachments):
        if not isinstance(data, bytes | bytearray):
            raise ReportRejected(f"attachments[{index}]", "content must be bytes")
    total = sum(len(data) for _, data, _ in attachments)
    if total > limits.total_attachment_bytes:
        raise ReportTooLarge("attachments", f"total size over {limits.total_attachment_bytes} B")
    accepted = []
    for index, (raw_name, data, raw_type) in enumerate(attachments):
        label = f"attachments[{index}]"
        name = _safe_name(label, raw_name, limits)
        if len(data) > limits.attachment_bytes:
            raise ReportTooLarge(label, f"{name} is over {limits.attachment_bytes} bytes")
        if not data:
            raise ReportRejected(label, f"{name} is empty")
        content_type = str(raw_type).split(";", 1)[0].strip().lower()
        kind = ALLOWED_TYPES.get(content_type)
        if kind is None:
            raise ReportRejected(label, f"type {content_type!r} is not accepted")
        if not name.lower().endswith(kind.extensions):
            raise ReportRejected(label, f"{name} does not have a {content_type} extension")
        if kind.magic and not data.startswith(kind.magic):
            raise ReportRejected(label, f"{name} content is not {content_type}")
        if not kind.magic:
            to_text(label, data)
        accepted.append(
            Attachment(name, content_type, bytes(data), hashlib.sha256(data).hexdigest())
        )
    return tuple(accepted)
