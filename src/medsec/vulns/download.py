"""Fetch one feed document: conditional HTTP(S) GET streamed to a temp file, or a local mirror.

Standard library only (urllib.request). Retries with backoff on 403/429/5xx and network errors;
a 304 answers a conditional request. Secret headers never appear in errors or redirects to other
hosts.
"""

from __future__ import annotations

import http.client
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from medsec import __version__
from medsec.errors import DocumentTooLarge, MedsecError
from medsec.vulns.sources import HttpSettings, location_scheme

RETRY_STATUS = frozenset({403, 429, 500, 502, 503, 504})
SECRET_HEADERS = frozenset({"apikey", "authorization"})
CHUNK = 1024 * 1024
MAX_WAIT = 300.0
Sleep = Callable[[float], None]


class FeedFetchError(MedsecError):
    """A feed could not be fetched: unreachable, refused, or an HTTP error after retries."""

    status = 502
    code = "feed-unavailable"


@dataclass(frozen=True, slots=True)
class Fetched:
    """The outcome of one fetch: 200 with a file to import, or 304 (nothing changed)."""

    url: str
    status: int
    path: Path | None = None
    size: int = 0
    etag: str | None = None
    last_modified: str | None = None
    temporary: bool = False
    attempts: int = 1

    def discard(self) -> None:
        """Delete the downloaded temp file (never a local mirror file)."""
        if self.temporary and self.path is not None:
            self.path.unlink(missing_ok=True)


class _SameHostSecrets(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only, dropping secret headers when the host changes."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise FeedFetchError(f"{req.full_url}: redirect to a non-HTTP location refused")
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and urlsplit(newurl).netloc != urlsplit(req.full_url).netloc:
            for name in list(new.headers):
                if name.lower() in SECRET_HEADERS:
                    del new.headers[name]
        return new


def fetch(
    url: str,
    *,
    dest_dir: Path,
    settings: HttpSettings,
    etag: str | None = None,
    last_modified: str | None = None,
    headers: Mapping[str, str] | None = None,
    sleep: Sleep,
) -> Fetched:
    """Fetch ``url`` (http, https, file:// or a path); conditional when validators are given."""
    scheme = location_scheme(url)
    if scheme in ("file", "path"):
        return _local(url, scheme, settings.max_bytes, etag)
    request_headers = {"User-Agent": f"medsec/{__version__} (feed sync)", **(headers or {})}
    if etag:
        request_headers["If-None-Match"] = etag
    if last_modified:
        request_headers["If-Modified-Since"] = last_modified
    opener = urllib.request.build_opener(_SameHostSecrets())
    attempt = 0
    while True:
        attempt += 1
        request = urllib.request.Request(url, headers=request_headers)  # noqa: S310 - scheme checked
        wait: float | None = None
        retry = True
        try:
            with opener.open(request, timeout=settings.timeout) as response:
                path, size = _stream(response, url, dest_dir, settings.max_bytes)
                return Fetched(
                    url,
                    response.status,
                    path,
                    size,
                    response.headers.get("ETag"),
                    response.headers.get("Last-Modified"),
                    temporary=True,
                    attempts=attempt,
                )
        except urllib.error.HTTPError as exc:
            if exc.code == 304:
                return Fetched(url, 304, etag=etag, last_modified=last_modified, attempts=attempt)
            detail = exc.headers.get("message") if exc.headers is not None else None
            problem = f"HTTP {exc.code} {exc.reason}" + (f" ({detail[:200]})" if detail else "")
            retry = exc.code in RETRY_STATUS
            wait = _retry_after(exc.headers)
        except urllib.error.URLError as exc:
            problem = f"unreachable ({_reason(exc.reason)})"
        except (OSError, http.client.HTTPException) as exc:
            problem = f"transfer failed ({_reason(exc)})"
        if not retry or attempt > settings.retries:
            tries = f" after {attempt} attempts" if attempt > 1 else ""
            raise FeedFetchError(f"{url}: {problem}{tries}")
        sleep(min(MAX_WAIT, wait if wait is not None else settings.backoff * 2 ** (attempt - 1)))


def _reason(reason: Any) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def _stream(response: Any, url: str, dest_dir: Path, max_bytes: int) -> tuple[Path, int]:
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise DocumentTooLarge(f"{length} bytes exceeds the limit of {max_bytes}", source=url)
    dest_dir.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix="feed-", suffix=".download", dir=dest_dir)
    path, size = Path(name), 0
    try:
        with os.fdopen(handle, "wb") as out:
            while chunk := response.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise DocumentTooLarge(
                        f"more than {max_bytes} bytes (the download limit)", source=url
                    )
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, size


def _local(url: str, scheme: str, max_bytes: int, etag: str | None) -> Fetched:
    """A mirror on disk: a file or directory, read in place; size+mtime stand for an ETag."""
    if scheme == "file":
        path = Path(urllib.request.url2pathname(urlsplit(url).path))
    else:
        path = Path(url).expanduser()
    if path.is_dir():
        return Fetched(url, 200, path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise FeedFetchError(f"{url}: not readable ({exc.strerror or exc})") from None
    if stat.st_size > max_bytes:
        raise DocumentTooLarge(f"{stat.st_size} bytes exceeds the limit of {max_bytes}", source=url)
    validator = f'"local-{stat.st_size}-{stat.st_mtime_ns}"'
    if etag == validator:
        return Fetched(url, 304, etag=etag)
    return Fetched(url, 200, path, stat.st_size, validator)
