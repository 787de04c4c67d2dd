"""Shape check of an ASCII-armored OpenPGP public key block (RFC 9580 §6.2), no cryptography.

Checks: exactly one ``PUBLIC KEY BLOCK`` armor and nothing around it; armor headers
``Name: value``; a base64 body that decodes; the CRC-24 checksum line when present (optional
in RFC 9580, checked when given); and a first packet whose tag is 6 (Public-Key). A pasted
private key is refused with a warning. Whether the key is usable is for the mail tool to decide.
"""

from __future__ import annotations

import base64
import binascii
import re

from medsec.cvd.sanitize import ReportRejected

BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
END = "-----END PGP PUBLIC KEY BLOCK-----"
_ANY_ARMOR = re.compile(r"-----BEGIN PGP ([A-Z ,/0-9]+)-----")
_HEADER = re.compile(r"[A-Za-z][A-Za-z0-9-]*: .*")
_BASE64_LINE = re.compile(r"[A-Za-z0-9+/]+=*")
_CHECKSUM = re.compile(r"=([A-Za-z0-9+/]{4})")
_CRC24_INIT = 0xB704CE
_CRC24_POLY = 0x1864CFB
_TAG_SECRET_KEY = 5
_TAG_PUBLIC_KEY = 6


def crc24(data: bytes) -> int:
    """The OpenPGP CRC-24 of ``data`` (RFC 9580 §6.1.1)."""
    crc = _CRC24_INIT
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= _CRC24_POLY
    return crc & 0xFFFFFF


def _packet_tag(first: int) -> int | None:
    if not first & 0x80:
        return None
    return first & 0x3F if first & 0x40 else (first >> 2) & 0x0F


def check_public_key_block(field: str, text: str) -> str:
    """``text`` (already cleaned) if it is one armored public key block; else ReportRejected."""
    stripped = text.strip()
    kinds = _ANY_ARMOR.findall(stripped)
    if "PRIVATE KEY BLOCK" in kinds:
        raise ReportRejected(
            field, "this is a PRIVATE key: never share it; send your PUBLIC key block"
        )
    if kinds != ["PUBLIC KEY BLOCK"] or not stripped.startswith(BEGIN):
        raise ReportRejected(field, f"must be one ASCII-armored block starting {BEGIN}")
    if not stripped.endswith(END):
        raise ReportRejected(field, f"must end with {END}")
    lines = [line.strip() for line in stripped[len(BEGIN) : -len(END)].split("\n")]
    if lines and not lines[0]:
        lines.pop(0)
    while lines and _HEADER.fullmatch(lines[0]):
        lines.pop(0)
    lines = [line for line in lines if line]
    checksum: str | None = None
    if lines and (match := _CHECKSUM.fullmatch(lines[-1])):
        checksum = match.group(1)
        lines.pop()
    if not lines or not all(_BASE64_LINE.fullmatch(line) for line in lines):
        raise ReportRejected(field, "the armored key body is not base64")
    try:
        data = base64.b64decode("".join(lines), validate=True)
    except (binascii.Error, ValueError):
        raise ReportRejected(field, "the armored key body is not valid base64") from None
    if checksum is not None and base64.b64decode(checksum) != crc24(data).to_bytes(3, "big"):
        raise ReportRejected(field, "the armor checksum does not match (key damaged in copying?)")
    tag = _packet_tag(data[0]) if data else None
    if tag == _TAG_SECRET_KEY:
        raise ReportRejected(field, "this is a PRIVATE key: never share it; send your PUBLIC key")
    if tag != _TAG_PUBLIC_KEY:
        raise ReportRejected(field, "the block does not start with a public-key packet")
    return stripped
