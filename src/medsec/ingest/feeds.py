"""Read a vulnerability feed from a path (file, directory or zip) in bounded batches.

A single file that cannot be read (not JSON/YAML/CSV, unknown format, bad gzip, too large)
raises DocumentError before anything is yielded. Inside a directory or zip, such a file is a
fatal FeedProblem and the other files import; a malformed record is a FeedProblem too.
OSV records from many files share batches; an NVD page, a KEV catalog or an EPSS file fills
batches of its own, so their ``metadata`` describes exactly that document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medsec.errors import DocumentError, DocumentTooLarge, InvalidInput, UnsupportedFormat
from medsec.ingest.epss import GZIP_MAGIC, epss_rows, gunzip, is_epss_csv, open_epss
from medsec.ingest.feed_archive import DirectorySnapshot, ZipSnapshot
from medsec.ingest.feed_common import (
    BATCH_SIZE,
    DEFAULT_MAX_BYTES,
    FeedBatch,
    FeedProblem,
    check_size,
    load_structured,
)
from medsec.ingest.kev import is_kev_csv, parse_kev
from medsec.ingest.nvd import iter_cve_objects, page_metadata, parse_cve_item
from medsec.ingest.osv import parse_osv
from medsec.ingest.vuln_model import EpssScore, KevEntry, VulnRecord

__all__ = ["FeedBatch", "FeedProblem", "detect_feed", "read_feed"]

KINDS = ("osv", "nvd", "kev", "epss")
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
Item = VulnRecord | KevEntry | EpssScore | FeedProblem


def kind_of(obj: Any) -> str | None:
    """The feed kind of an already parsed JSON/YAML document, None when not recognised."""
    if isinstance(obj, list):
        head = obj[0] if obj else None
        return "osv" if isinstance(head, dict) and kind_of(head) == "osv" else None
    if not isinstance(obj, dict):
        return None
    fmt = obj.get("format")
    if isinstance(fmt, str) and fmt.startswith("NVD_") and fmt != "NVD_CVE":
        raise UnsupportedFormat(f"NVD {fmt} responses are not vulnerability feeds")
    items = obj.get("vulnerabilities")
    if isinstance(items, list):
        if "catalogVersion" in obj or (
            items and isinstance(items[0], dict) and "cveID" in items[0]
        ):
            return "kev"
        if fmt == "NVD_CVE" or (
            items and isinstance(items[0], dict) and isinstance(items[0].get("cve"), dict)
        ):
            return "nvd"
        return None
    if isinstance(obj.get("cve"), dict) or ("descriptions" in obj and "lastModified" in obj):
        return "nvd"
    if "id" in obj and any(k in obj for k in ("modified", "affected", "schema_version")):
        return "osv"
    return None


def detect_feed(data: bytes, *, source: str) -> str:
    """The kind of a feed document: osv, nvd, kev or epss; UnsupportedFormat otherwise."""
    kind, _ = _detect(data, source=source, max_bytes=DEFAULT_MAX_BYTES)
    return kind


def _detect(data: bytes, *, source: str, max_bytes: int) -> tuple[str, Any]:
    if data[:4] in ZIP_MAGICS:
        raise UnsupportedFormat("a zip archive: read it with read_feed", source=source)
    if data[:2] == GZIP_MAGIC:
        data = gunzip(data, source=source, max_bytes=max_bytes)
    if is_epss_csv(data[:4096]):
        return "epss", None
    if is_kev_csv(data[:4096]):
        return "kev", None
    obj = load_structured(data, source=source)
    try:
        kind = kind_of(obj)
    except UnsupportedFormat as exc:
        raise UnsupportedFormat(exc.detail, source=source) from None
    if kind is None:
        raise UnsupportedFormat("not an OSV, NVD, KEV or EPSS document", source=source)
    return kind, obj


@dataclass
class _Doc:
    kind: str
    metadata: dict[str, Any]
    items: Iterable[Item]


def _open(name: str, data: bytes, forced: str | None, max_bytes: int) -> _Doc:
    """Check a document enough to know it is readable; the records come lazily."""
    check_size(data, max_bytes, name)
    if data[:2] == GZIP_MAGIC:
        data = gunzip(data, source=name, max_bytes=max_bytes)
    obj: Any = None
    if forced is None:
        kind, obj = _detect(data, source=name, max_bytes=max_bytes)
    else:
        kind = forced
    if kind == "epss":
        metadata, lines = open_epss(data, source=name, max_bytes=max_bytes)
        return _Doc(kind, metadata, _epss_items(name, lines, metadata))
    if kind == "kev":
        problems: list[FeedProblem] = []
        entries, metadata = parse_kev(data if obj is None else obj, source=name, problems=problems)
        return _Doc(kind, metadata, [*entries, *problems])
    if obj is None:
        obj = load_structured(data, source=name, allow_yaml=kind == "osv")
    if kind == "nvd":
        cves = list(iter_cve_objects(obj, source=name))
        return _Doc(kind, page_metadata(obj), _nvd_items(name, cves))
    records = obj if isinstance(obj, list) else [obj]
    return _Doc("osv", {}, _osv_items(name, records))


def _epss_items(
    name: str, lines: Iterator[tuple[int, str]], meta: dict[str, Any]
) -> Iterator[Item]:
    problems: list[FeedProblem] = []
    for score in epss_rows(lines, meta, source=name, problems=problems):
        yield score
        if problems:
            yield from problems
            problems.clear()
    yield from problems


def _nvd_items(name: str, cves: list[tuple[int, Any]]) -> Iterator[Item]:
    problems: list[FeedProblem] = []
    for index, cve in cves:
        record = parse_cve_item(cve, index=index, source=name, problems=problems)
        if record is not None:
            yield record
        yield from problems
        problems.clear()


def _osv_items(name: str, records: list[Any]) -> Iterator[Item]:
    problems: list[FeedProblem] = []
    for index, obj in enumerate(records):
        source = name if len(records) == 1 else f"{name}[{index}]"
        try:
            yield parse_osv(obj, source=source, problems=problems)
        except DocumentError as exc:
            rid = obj.get("id") if isinstance(obj, dict) else None
            where = exc.location or ""
            if rid and where.startswith(f"{rid}: "):
                where = where[len(rid) + 2 :]
            yield FeedProblem(source, where, rid if isinstance(rid, str) else None, exc.detail)
        yield from problems
        problems.clear()


@dataclass
class _Batcher:
    digest: str
    kind: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    files: int = 0
    items: list[Item] = field(default_factory=list)
    size: int = 0

    def flush(self, fallback_kind: str) -> FeedBatch:
        kind = self.kind or fallback_kind
        metadata = dict(self.metadata)
        if kind == "osv":
            metadata["files"] = self.files
        batch = FeedBatch(
            kind=kind,
            records=[i for i in self.items if isinstance(i, VulnRecord)],
            kev=[i for i in self.items if isinstance(i, KevEntry)],
            epss=[i for i in self.items if isinstance(i, EpssScore)],
            problems=[i for i in self.items if isinstance(i, FeedProblem)],
            snapshot_digest=self.digest,
            metadata=metadata,
        )
        self.items, self.size, self.files = [], 0, 0
        return batch


def _batches(
    docs: Iterator[_Doc | FeedProblem], digest: str, forced: str | None
) -> Iterator[FeedBatch]:
    acc = _Batcher(digest)
    yielded = False
    for doc in docs:
        if isinstance(doc, FeedProblem):
            acc.items.append(doc)
            continue
        if acc.kind is not None and (acc.kind != doc.kind or doc.kind != "osv") and acc.items:
            yield acc.flush("osv")
            yielded = True
        acc.kind, acc.metadata = doc.kind, doc.metadata
        acc.files += 1
        for item in doc.items:
            acc.items.append(item)
            if not isinstance(item, FeedProblem):
                acc.size += 1
                if acc.size >= BATCH_SIZE:
                    yield acc.flush("osv")
                    yielded = True
                    acc.files = 1
        if doc.kind != "osv" and acc.items:
            yield acc.flush("osv")
            yielded = True
    if acc.kind is None and not yielded:
        problems = [i for i in acc.items if isinstance(i, FeedProblem)]
        detail = f"; first: {problems[0].source}: {problems[0].message}" if problems else ""
        raise UnsupportedFormat(f"no readable feed document ({len(problems)} refused{detail})")
    if acc.items or not yielded:
        yield acc.flush(forced or "osv")


def _member_docs(
    members: Iterator[tuple[str, bytes]], forced: str | None, max_bytes: int
) -> Iterator[_Doc | FeedProblem]:
    for name, data in members:
        try:
            yield _open(name, data, forced, max_bytes)
        except DocumentError as exc:
            yield FeedProblem(name, exc.location or "", None, exc.detail)


def read_feed(
    path: Path, *, source: str = "auto", max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[FeedBatch]:
    """Read a feed file, directory or zip dump; yield batches of at most ~BATCH_SIZE records."""
    if source != "auto" and source not in KINDS:
        raise InvalidInput(f"unknown feed source {source!r}; expected auto or one of {KINDS}")
    forced = None if source == "auto" else source
    path = Path(path)
    if path.is_dir():
        snapshot = DirectorySnapshot(path, max_bytes=max_bytes)
        if not snapshot.paths:
            raise DocumentError("no *.json, *.yaml or *.yml file found", source=str(path))
        return _batches(
            _member_docs(snapshot.members(), forced, max_bytes), snapshot.digest, forced
        )
    if not path.is_file():
        raise DocumentError("no such file or directory", source=str(path))
    size = path.stat().st_size
    if size > max_bytes:
        raise DocumentTooLarge(f"{size} bytes exceeds the limit of {max_bytes}", source=str(path))
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic in ZIP_MAGICS:
        archive = ZipSnapshot(path, max_bytes=max_bytes)
        if not archive.infos:
            archive.close()
            raise DocumentError("no *.json, *.yaml or *.yml member", source=str(path))
        return _zip_batches(archive, forced, max_bytes)
    data = path.read_bytes()
    doc = _open(str(path), data, forced, max_bytes)
    return _batches(iter([doc]), hashlib.sha256(data).hexdigest(), forced)


def _zip_batches(snapshot: ZipSnapshot, forced: str | None, max_bytes: int) -> Iterator[FeedBatch]:
    try:
        docs = _member_docs(snapshot.members(), forced, max_bytes)
        yield from _batches(docs, snapshot.digest, forced)
    finally:
        snapshot.close()
