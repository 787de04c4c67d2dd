"""The one way in for an inbound document: a file path (CLI) or an upload (API, pages), read
within a size limit and refused with its name before anything is parsed or stored.

Every command and route that takes a document reads it here, so the limit
(``MEDSEC_MAX_DOCUMENT_BYTES`` through ``Settings``, or a stricter one a caller passes) and the
errors are the same everywhere: too large → ``DocumentTooLarge`` (CLI exit 2, HTTP 413), missing →
``NotFound``, a directory or unreadable file → ``DocumentError`` naming the file.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Protocol

from medsec.errors import DocumentError, DocumentTooLarge, NotFound

LIMIT_HINT = "MEDSEC_MAX_DOCUMENT_BYTES"


class Readable(Protocol):
    """An open binary stream."""

    def read(self, size: int = -1, /) -> bytes: ...


class Upload(Protocol):
    """What an uploaded file offers (Starlette's ``UploadFile``)."""

    filename: str | None

    async def read(self, size: int = -1) -> bytes: ...


def _where(name: str, option: str | None) -> str:
    return f"{name}: {option}" if option else name


def read_file(path: Path, *, limit: int, option: str | None = None) -> bytes:
    """The bytes of a file no larger than `limit`, checked before reading; `option` names the
    command-line option the file came from, for the error."""
    where = _where(str(path), option)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        size = info.st_size
        if size > limit:
            raise DocumentTooLarge(
                f"file is {size} bytes; the limit is {limit} ({LIMIT_HINT})", source=where
            )
        with path.open("rb") as handle:  # a file growing after the check is still cut at the limit
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise NotFound(f"{where}: no such file (cannot read it)") from None
    except IsADirectoryError:
        raise DocumentError("cannot read: is a directory, not a file", source=where) from None
    except PermissionError:
        raise DocumentError("cannot read: permission denied", source=where) from None
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}", source=where) from None
    if len(data) > limit:
        raise DocumentTooLarge(f"file grew past the limit of {limit} bytes", source=where)
    return data


async def read_upload(file: Upload, *, limit: int) -> bytes:
    """The bytes of an upload no larger than `limit`: at most limit + 1 bytes are ever read."""
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise DocumentTooLarge(
            f"upload is larger than the limit of {limit} bytes ({LIMIT_HINT})",
            source=upload_name(file.filename),
        )
    return data


def read_stream(handle: Readable, *, limit: int, source: str) -> bytes:
    """The bytes of an open binary stream no larger than `limit` (at most limit + 1 read)."""
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise DocumentTooLarge(
            f"upload is larger than the limit of {limit} bytes ({LIMIT_HINT})", source=source
        )
    return data


def upload_name(filename: str | None, default: str = "upload") -> str:
    """The name to show for an uploaded file: its base name only (no client path), 200 chars."""
    return (filename or default).replace("\\", "/").rsplit("/", 1)[-1][:200] or default
