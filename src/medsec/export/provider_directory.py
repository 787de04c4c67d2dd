"""A CSAF 2.0 provider directory (section 7.1) as relative path → bytes, from published documents.

Layout (requirements 8-10, directory-based distribution)::

    .well-known/csaf/provider-metadata.json
    .well-known/csaf/openpgp/<FINGERPRINT>.asc         when a signing key is given
    .well-known/csaf/<tlp>/index.txt                   every document path, one a line
    .well-known/csaf/<tlp>/changes.csv                 "path,current_release_date", newest first
    .well-known/csaf/<tlp>/<year>/<file>.json          year of the initial release date
    .well-known/csaf/<tlp>/<year>/<file>.json.sha256   "<hex>  <file>.json" (sha256sum format)
    .well-known/csaf/<tlp>/<year>/<file>.json.sha512
    .well-known/csaf/<tlp>/<year>/<file>.json.asc      detached OpenPGP signature, when signed

Only TLP:WHITE documents belong in a public directory; others are refused here. The web app can
serve exactly these bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from medsec.errors import InvalidInput
from medsec.export._common import utc_timestamp
from medsec.export.csaf import csaf_filename

ROOT = ".well-known/csaf"
PUBLIC_TLP = "WHITE"
Signer = Callable[[bytes], bytes]


@dataclass(frozen=True, slots=True)
class PublicKey:
    """An armored OpenPGP public key and its fingerprint (hex, upper case)."""

    fingerprint: str
    armored: bytes


def _tracking(doc: dict[str, Any], where: str) -> dict[str, Any]:
    try:
        tracking = doc["document"]["tracking"]
        tlp = doc["document"].get("distribution", {}).get("tlp", {}).get("label")
        _ = tracking["id"], tracking["initial_release_date"], tracking["current_release_date"]
    except (KeyError, TypeError, AttributeError):
        raise InvalidInput(f"{where}: not a CSAF document with a tracking block") from None
    if tlp != PUBLIC_TLP:
        raise InvalidInput(f"{where}: TLP {tlp!r} documents do not go in a public directory")
    if tracking.get("status") not in ("interim", "final"):
        raise InvalidInput(f"{where}: a {tracking.get('status')!r} document is not published")
    return dict(tracking)


def build_directory(
    documents: Sequence[bytes],
    *,
    base_url: str,
    publisher: dict[str, str],
    last_updated: datetime,
    sign: Signer | None = None,
    public_key: PublicKey | None = None,
) -> dict[str, bytes]:
    """Every file of the provider directory; ``sign`` makes the ``.asc`` detached signatures."""
    if not base_url.startswith("https://"):
        raise InvalidInput(f"base URL {base_url!r}: a CSAF provider is served over https")
    if (sign is None) != (public_key is None):
        raise InvalidInput("signing needs both the signer and its public key")
    base = base_url.rstrip("/")
    folder = PUBLIC_TLP.lower()
    files: dict[str, bytes] = {}
    entries: list[tuple[str, str]] = []
    for i, data in enumerate(documents):
        doc = orjson.loads(data)
        tracking = _tracking(doc, f"document {i + 1}")
        name = csaf_filename(tracking["id"])
        rel = f"{tracking['initial_release_date'][:4]}/{name}"
        if any(r == rel for r, _ in entries):
            raise InvalidInput(f"{rel}: two documents with one file name")
        path = f"{ROOT}/{folder}/{rel}"
        files[path] = data
        files[path + ".sha256"] = f"{hashlib.sha256(data).hexdigest()}  {name}\n".encode()
        files[path + ".sha512"] = f"{hashlib.sha512(data).hexdigest()}  {name}\n".encode()
        if sign is not None:
            files[path + ".asc"] = sign(data)
        entries.append((rel, tracking["current_release_date"]))
    files[f"{ROOT}/{folder}/index.txt"] = "".join(f"{r}\n" for r, _ in sorted(entries)).encode()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for rel, when in sorted(entries, key=lambda e: (e[1], e[0]), reverse=True):
        writer.writerow([rel, when])
    files[f"{ROOT}/{folder}/changes.csv"] = out.getvalue().encode()
    meta: dict[str, Any] = {
        "canonical_url": f"{base}/{ROOT}/provider-metadata.json",
        "distributions": [{"directory_url": f"{base}/{ROOT}/{folder}/"}],
        "last_updated": utc_timestamp(last_updated),
        "list_on_CSAF_aggregators": True,
        "metadata_version": "2.0",
        "mirror_on_CSAF_aggregators": True,
        "publisher": publisher,
        "role": "csaf_provider" if sign is not None else "csaf_publisher",
    }
    if public_key is not None:
        key_path = f"{ROOT}/openpgp/{public_key.fingerprint}.asc"
        files[key_path] = public_key.armored
        meta["public_openpgp_keys"] = [
            {"fingerprint": public_key.fingerprint, "url": f"{base}/{key_path}"}
        ]
    files[f"{ROOT}/provider-metadata.json"] = orjson.dumps(
        meta, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2
    )
    return files
