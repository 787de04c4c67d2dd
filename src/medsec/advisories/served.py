"""The public CSAF provider directory served by the web app (no login): exactly the files
``medsec advisory directory`` writes, at their paths under ``/.well-known/csaf/``.

The base URL in the metadata is ``MEDSEC_PUBLIC_BASE_URL`` (it must be https), else the
request's host with the https scheme: the published URLs always name https even when a test,
the demo or a TLS-terminating proxy talks plain http to the app. The files are built once per
set of published documents and base URL (so signatures and ETags stay stable) and kept in
``app.state``.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from medsec.advisories import distribution, publish, signing
from medsec.api.deps import SessionDep
from medsec.errors import InvalidInput, NotFound
from medsec.export.provider_directory import PUBLIC_TLP, ROOT

router = APIRouter(include_in_schema=False)
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Built:
    """One build of the directory: its key, files and the metadata's last_updated."""

    key: str
    files: dict[str, bytes]
    last_modified: datetime


def content_type(path: str) -> str:
    """The media type a directory file is served with."""
    if path.endswith(".json"):
        return "application/json"
    if path.endswith(".csv"):
        return "text/csv; charset=utf-8"
    if path.endswith(".asc"):
        return "application/pgp-keys" if "/openpgp/" in path else "application/pgp-signature"
    return "text/plain; charset=utf-8"


def base_url_for(request: Request) -> str:
    """The published base URL: the setting, else the request's host under https."""
    configured = getattr(request.app.state.settings, "public_base_url", None)
    if configured:
        return str(configured).rstrip("/")
    return str(request.base_url.replace(scheme="https")).rstrip("/")


def current(request: Request, session: SessionDep) -> Built:
    """The directory for the published documents now (built again only when they change)."""
    docs = [data for tlp, data in publish.published_documents(session) if tlp == PUBLIC_TLP]
    if not docs:
        raise NotFound("no TLP:WHITE advisory is published yet")
    base = base_url_for(request)
    digest = hashlib.sha256(base.encode())
    for data in sorted(docs):
        digest.update(hashlib.sha256(data).digest())
    key = digest.hexdigest()
    with _LOCK:
        cached: Built | None = getattr(request.app.state, "csaf_directory", None)
        if cached is not None and cached.key == key:
            return cached
        with signing.signer_from_env() as signer:
            files = distribution.directory(session, base_url=base, signer=signer)
        meta = orjson.loads(files[f"{ROOT}/provider-metadata.json"])
        stamp = datetime.fromisoformat(meta["last_updated"].replace("Z", "+00:00"))
        built = Built(key, files, stamp)
        request.app.state.csaf_directory = built
        return built


def _not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        return etag in [m.strip() for m in match.split(",")] or match.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


@router.api_route("/.well-known/csaf/{path:path}", methods=["GET", "HEAD"])
def serve(path: str, request: Request, session: SessionDep) -> Response:
    """One file of the public provider directory, with ETag and Last-Modified (304 when same)."""
    try:
        built = current(request, session)
    except InvalidInput as exc:  # the configured base URL is not https, or a document is odd
        raise NotFound(f"the provider directory is not available: {exc}") from None
    data = built.files.get(f"{ROOT}/{path}")
    if data is None:
        raise NotFound(f"nothing at /{ROOT}/{path}")
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    headers = {"etag": etag, "last-modified": format_datetime(built.last_modified, usegmt=True)}
    if _not_modified(request, etag, built.last_modified):
        return Response(status_code=304, headers=headers)
    body = b"" if request.method == "HEAD" else data
    headers["content-length"] = str(len(data))
    return Response(body, media_type=content_type(path), headers=headers)
