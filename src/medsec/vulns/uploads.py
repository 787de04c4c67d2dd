"""Use cases: import a feed file sent over HTTP (the web form, the API) and list what was
imported. The file is kept in a private temporary folder only while it is read; messages and
provenance name the file as sent, never a server path. Flush, never commit."""

from __future__ import annotations

import re
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.errors import DocumentError, InvalidInput
from medsec.models import FeedSnapshot
from medsec.vulns import repository as repo
from medsec.vulns.schemas import FeedImportRead, FeedProblemRead, FeedSnapshotRead
from medsec.vulns.service import FeedImportResult, import_feed

SOURCES = ("auto", "osv", "nvd", "kev", "epss")


def safe_name(filename: str) -> str:
    """The file's own name as sent (no folders), made safe to store and show."""
    base = re.split(r"[\\/]", filename or "")[-1].strip()
    base = re.sub(r"[^A-Za-z0-9._+-]", "_", base)[:120].lstrip(".")
    return base or "feed.json"


def import_upload(
    session: Session,
    *,
    data: bytes,
    filename: str,
    actor: str,
    source: str = "auto",
    max_bytes: int = 512 * 1024 * 1024,
) -> tuple[str, FeedImportResult]:
    """Import an uploaded feed file (analyst role); (the name it is known by, the result)."""
    accounts.require(session, actor, "analyst", rule="feed import")
    if source not in SOURCES:
        raise InvalidInput(f"source: {source!r} is not one of {', '.join(SOURCES)}")
    if not data:
        raise InvalidInput("file: the uploaded feed file is empty")
    name = safe_name(filename)
    with tempfile.TemporaryDirectory(prefix="medsec-feed-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            with session.begin_nested():  # a refused file leaves nothing stored
                result = import_feed(
                    session,
                    path=path,
                    actor=actor,
                    source=source,
                    max_bytes=max_bytes,
                    source_name=f"upload:{name}",
                )
        except DocumentError as refused:
            raise type(refused)(
                _hide(refused.detail, folder, name),
                source=name,
                location=refused.location,
            ) from None
    result.problems = [
        replace(p, source=_hide(p.source, folder, name), message=_hide(p.message, folder, name))
        for p in result.problems
    ]
    for snap_id in result.snapshot_ids:
        snap = session.get(FeedSnapshot, snap_id)
        if snap is not None:
            snap.problems = [asdict(p) for p in result.problems][:1000]
    session.flush()
    return name, result


def _hide(text: str, folder: str, name: str) -> str:
    """Text with the temporary folder's path replaced by the file's name."""
    return text.replace(str(Path(folder) / name), name).replace(folder, "")


def summary(name: str, result: FeedImportResult) -> FeedImportRead:
    """What an import read, stored and skipped."""
    return FeedImportRead(
        file=name,
        kinds=sorted(result.kinds),
        records=result.records,
        new=result.new,
        updated=result.updated,
        unchanged=result.unchanged,
        older_skipped=result.older_skipped,
        withdrawn=result.withdrawn,
        kev=result.kev,
        epss=result.epss,
        skipped=sum(1 for p in result.problems if p.fatal),
        problems=[
            FeedProblemRead(
                location=p.location, record_id=p.record_id, message=p.message, skipped=p.fatal
            )
            for p in result.problems[:50]
        ],
    )


def snapshots(
    session: Session, *, offset: int = 0, limit: int = 20
) -> tuple[int, list[FeedSnapshotRead]]:
    """(total, one page) of the feed snapshots imported, newest first."""
    total, rows = repo.snapshots_page(session, offset=offset, limit=limit)
    return total, [
        FeedSnapshotRead(
            id=s.id,
            kind=s.kind,
            source=_shown(s.source_name),
            digest=s.digest,
            imported_at=s.imported_at.isoformat(),
            by=s.imported_by,
            records=s.records,
            problems=len(s.problems or []),
        )
        for s in rows
    ]


def _shown(source: str) -> str:
    """A snapshot's source as shown: URLs kept, a server path (the CLI's) reduced to its name."""
    if "://" in source:
        return source
    return re.split(r"[\\/]", source)[-1]
