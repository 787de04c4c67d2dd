"""Online sync of the public feeds: download, import with `import_feed`, remember a cursor.

One transaction per downloaded document (one NVD API page, one KEV/EPSS file, one OSV all.zip):
the import and the cursor that points past it commit together, so an interrupted sync resumes
where it stopped and never leaves half a document. The caller passes a unit-of-work factory.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.orm import Session

from medsec.audit import service as audit
from medsec.errors import DocumentError, MedsecError
from medsec.models import FeedCursor
from medsec.vulns import download, service
from medsec.vulns import repository as repo
from medsec.vulns.sources import FeedSource, SyncConfig, iso, nvd_plan, nvd_query

UnitOfWork = Callable[[], AbstractContextManager[Session]]
Progress = Callable[[str], None]
TOTALS = ("records", "new", "updated", "unchanged", "older_skipped", "withdrawn", "kev", "epss")


@dataclass
class FeedSyncResult:
    """What the sync of one feed fetched, imported and where its cursor now stands."""

    name: str
    kind: str
    url: str
    status: str = "pending"  # imported, not modified, up to date, planned, failed
    requests: int = 0
    bytes: int = 0
    http: list[int] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys((*TOTALS, "problems"), 0))
    cursor: dict[str, Any] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class _Run:
    uow: UnitOfWork
    config: SyncConfig
    work_dir: Path
    actor: str
    sleep: download.Sleep
    now: datetime
    progress: Progress
    import_max_bytes: int


def sync_feeds(
    uow: UnitOfWork,
    *,
    config: SyncConfig,
    work_dir: Path,
    actor: str,
    kinds: Sequence[str] | None = None,
    ecosystems: Sequence[str] | None = None,
    since: datetime | None = None,
    dry_run: bool = False,
    sleep: download.Sleep = time.sleep,
    now: datetime | None = None,
    progress: Progress | None = None,
    import_max_bytes: int = 512 * 1024 * 1024,
) -> list[FeedSyncResult]:
    """Sync the selected feeds one by one; a failing feed is reported and the others go on."""
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    run = _Run(uow, config, work_dir, actor, sleep, moment, progress or _quiet, import_max_bytes)
    results: list[FeedSyncResult] = []
    for src in config.sources(kinds, ecosystems):
        res = FeedSyncResult(src.name, src.kind, src.url)
        try:
            if src.is_api:
                _sync_nvd(run, src, res, since, dry_run)
            else:
                _sync_document(run, src, res, dry_run)
        except MedsecError as exc:
            res.status, res.error = "failed", str(exc)
            if not dry_run:
                with run.uow() as session:
                    _save(session, src, status=f"failed: {exc}"[:2000], keep=True)
        results.append(res)
    return results


def cursors(session: Session) -> dict[str, FeedCursor]:
    """Every stored sync cursor by feed name."""
    return {row.name: row for row in repo.cursors(session)}


def _quiet(_: str) -> None:
    return None


def _load(run: _Run, src: FeedSource) -> FeedCursor | None:
    with run.uow() as session:
        row = session.get(FeedCursor, src.name)
        if row is not None:
            session.expunge(row)
        return row


def _save(
    session: Session,
    src: FeedSource,
    *,
    status: str,
    keep: bool = False,
    cursor: dict[str, Any] | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    synced_at: datetime | None = None,
) -> None:
    row = session.get(FeedCursor, src.name)
    if row is None:
        row = FeedCursor(name=src.name, url=src.url, cursor={})
        session.add(row)
    row.status = status
    if not keep:
        row.url, row.etag, row.last_modified = src.url, etag, last_modified
        row.cursor, row.synced_at = cursor or {}, synced_at
    session.flush()


def _sync_document(run: _Run, src: FeedSource, res: FeedSyncResult, dry_run: bool) -> None:
    """A whole-file feed (KEV, EPSS, an OSV all.zip, a mirror on disk), fetched conditionally."""
    prior = _load(run, src)
    same = prior is not None and prior.url == src.url
    etag = prior.etag if same and prior else None
    last_modified = prior.last_modified if same and prior else None
    res.cursor = dict(prior.cursor) if same and prior else {}
    res.etag, res.last_modified = etag, last_modified
    if dry_run:
        res.status = "planned"
        cond = f" (If-None-Match {etag})" if etag else ""
        cond += f" (If-Modified-Since {last_modified})" if last_modified else ""
        res.notes.append(f"would fetch {src.url}{cond}")
        return
    fetched = download.fetch(
        src.url,
        dest_dir=run.work_dir,
        settings=run.config.http,
        etag=etag,
        last_modified=last_modified,
        sleep=run.sleep,
    )
    _account(res, fetched)
    if fetched.status == 304:
        with run.uow() as session:
            _save(
                session, src, status="not modified (304)", cursor=res.cursor, etag=etag,
                last_modified=last_modified, synced_at=run.now,
            )  # fmt: skip
        res.status = "not modified"
        res.notes.append("304 not modified: nothing to import")
        return
    try:
        cursor: dict[str, Any] = {"bytes": fetched.size}
        with run.uow() as session:
            cursor["snapshots"] = _import(run, session, src, fetched, res)
            _save(
                session, src, status=f"imported ({fetched.status})", cursor=cursor,
                etag=fetched.etag, last_modified=fetched.last_modified, synced_at=run.now,
            )  # fmt: skip
    finally:
        fetched.discard()
    res.status, res.cursor = "imported", cursor
    res.etag, res.last_modified = fetched.etag, fetched.last_modified


def _account(res: FeedSyncResult, fetched: download.Fetched) -> None:
    res.requests += fetched.attempts
    res.bytes += fetched.size
    res.http.append(fetched.status)


def _import(
    run: _Run, session: Session, src: FeedSource, fetched: download.Fetched, res: FeedSyncResult
) -> list[int]:
    """Import one fetched document in the caller's transaction; snapshots are named by URL."""
    assert fetched.path is not None
    try:
        imp = service.import_feed(
            session,
            path=fetched.path,
            actor=run.actor,
            source=src.kind,
            max_bytes=run.import_max_bytes,
            source_name=fetched.url,
        )
    except DocumentError as exc:
        raise type(exc)(exc.detail, source=fetched.url, location=exc.location) from None
    for name in TOTALS:
        res.totals[name] += getattr(imp, name)
    res.totals["problems"] += len(imp.problems)
    audit.record(
        session,
        actor=run.actor,
        action="feed.sync",
        object_type="feed_cursor",
        details={
            "feed": src.name,
            "url": fetched.url,
            "http_status": fetched.status,
            "bytes": fetched.size,
            "snapshots": imp.snapshot_ids,
        },
    )
    return imp.snapshot_ids


def _sync_nvd(
    run: _Run, src: FeedSource, res: FeedSyncResult, since: datetime | None, dry_run: bool
) -> None:
    """Page through the NVD CVE API window by window; one transaction and cursor per page."""
    prior = _load(run, src)
    state: dict[str, Any] = dict(prior.cursor) if prior is not None else {}
    nvd = run.config.nvd
    plan = nvd_plan(state, since, run.now, nvd.window_days)
    res.cursor = state
    if dry_run or not plan:
        res.status = "planned" if dry_run else "up to date"
        for start, end, index in plan[:5]:
            what = f"{iso(start)} .. {iso(end)}" if start else "all CVEs (first sync)"
            res.notes.append(f"would fetch {what} from startIndex {index}")
        if len(plan) > 5:
            res.notes.append(f"... and {len(plan) - 5} more windows")
        return
    headers = {"apiKey": src.api_key} if src.api_key else {}
    done_until = state.get("done_until")
    for start, end, first_index in plan:
        index = first_index
        while True:
            if res.requests and nvd.delay:
                run.sleep(nvd.delay)
            window = (start, end) if start is not None else None
            url = nvd_query(src.url, start_index=index, page_size=nvd.page_size, window=window)
            fetched = download.fetch(
                url, dest_dir=run.work_dir, settings=run.config.http, headers=headers,
                sleep=run.sleep,
            )  # fmt: skip
            _account(res, fetched)
            try:
                total, count = _page_counts(fetched)
                nxt = index + count
                finished = count == 0 or nxt >= total
                if count == 0 and nxt < total:
                    res.notes.append(f"empty page at startIndex {index} of {total}")
                state = {
                    "done_until": iso(end) if finished else done_until,
                    "window": None if finished else [iso(start), iso(end)],
                    "start_index": 0 if finished else nxt,
                    "total": total,
                }
                with run.uow() as session:
                    if count:
                        _import(run, session, src, fetched, res)
                    _save(
                        session, src, status=f"imported ({fetched.status})", cursor=state,
                        synced_at=run.now,
                    )  # fmt: skip
            finally:
                fetched.discard()
            run.progress(f"{src.name}: startIndex {index}: {count} of {total} CVEs")
            res.cursor = state
            if finished:
                done_until = state["done_until"]
                break
            index = nxt
    res.status = "imported"


def _page_counts(fetched: download.Fetched) -> tuple[int, int]:
    """(totalResults, CVEs on this page) of an NVD API page; DocumentError when it is not one."""
    if fetched.path is None:
        raise DocumentError(f"unexpected HTTP {fetched.status} without a body", source=fetched.url)
    try:
        obj = orjson.loads(fetched.path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise DocumentError(f"not JSON: {exc}", source=fetched.url) from None
    items = obj.get("vulnerabilities") if isinstance(obj, dict) else None
    total = obj.get("totalResults") if isinstance(obj, dict) else None
    if not isinstance(items, list) or not isinstance(total, int):
        raise DocumentError("not an NVD CVE API 2.0 page", source=fetched.url)
    return total, len(items)
