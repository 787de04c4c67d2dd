"""OSV (Open Source Vulnerability) records, JSON or YAML, into VulnRecord.

Fatal for a record (it is skipped): not an object; missing/blank ``id``; missing or invalid
``modified``; an invalid ``published``/``withdrawn``; a ``schema_version`` whose major is not 1;
``affected``/``ranges``/``events``/``versions`` of the wrong shape; a package without ecosystem
or name; a range without type or events, without an ``introduced`` event, mixing ``fixed`` and
``last_affected``, or an event not holding exactly one of introduced/fixed/last_affected/limit;
a GIT range without ``repo`` or with values that are not full commit hashes.
Not fatal (kept, reported with ``fatal=False`` when a problem list is given): severities of an
unknown type or without a score are dropped (the schema says to ignore unknown types).
Ecosystem strings are kept verbatim (``Debian:12``, ``GIT``, any future one). An affected entry
without ``package`` (GIT-only) gets an empty ecosystem and name; its ranges carry the repo.
"""

from __future__ import annotations

import re
from typing import Any

from medsec.errors import DocumentError
from medsec.ingest.feed_common import (
    FeedProblem,
    RecordError,
    as_dict,
    as_list,
    load_structured,
    opt_str,
    optional_timestamp,
    parse_timestamp,
    reference_urls,
    req_str,
    str_tuple,
)
from medsec.ingest.vuln_model import (
    AffectedPackage,
    AffectedRange,
    RangeEvent,
    SeverityScore,
    VulnRecord,
)

EVENT_KINDS = ("introduced", "fixed", "last_affected", "limit")
SEVERITY_TYPES = frozenset({"CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu"})
_COMMIT_RE = re.compile(r"0|[0-9a-f]{40}|[0-9a-f]{64}")
_ID_RE = re.compile(r"[^\s]{1,255}")


def parse_osv(
    data: bytes | dict[str, Any],
    *,
    source: str,
    problems: list[FeedProblem] | None = None,
) -> VulnRecord:
    """Parse one OSV record; raise DocumentError (naming source, id and path) if it is malformed."""
    obj = load_structured(data, source=source) if isinstance(data, bytes) else data
    if not isinstance(obj, dict):
        raise DocumentError("an OSV record must be an object", source=source)
    rid = obj.get("id") if isinstance(obj.get("id"), str) else None
    warnings: list[tuple[str, str]] = []
    try:
        record = _record(obj, warnings)
    except RecordError as exc:
        label = f"{rid}: {exc.where}" if rid else exc.where
        raise DocumentError(exc.message, source=source, location=label or None) from None
    if problems is not None:
        problems.extend(FeedProblem(source, w, rid, m, fatal=False) for w, m in warnings)
    return record


def _record(obj: dict[str, Any], warnings: list[tuple[str, str]]) -> VulnRecord:
    rid = req_str(obj, "id", "")
    if not _ID_RE.fullmatch(rid):
        raise RecordError("id", f"invalid id {rid!r}")
    version = obj.get("schema_version")
    if version is not None and (not isinstance(version, str) or version.split(".")[0] != "1"):
        raise RecordError("schema_version", f"unsupported schema_version {version!r}")
    if obj.get("modified") is None:
        raise RecordError("modified", "required timestamp is missing")
    severities: list[SeverityScore] = _severities(obj, "", warnings)
    affected = []
    for i, item in enumerate(as_list(obj, "affected", "")):
        where = f"affected[{i}]"
        entry = as_dict(item, where)
        affected.append(_affected(entry, where, warnings))
        severities.extend(_severities(entry, where, warnings))
        severities.extend(_labels(entry, where))
    severities.extend(_labels(obj, ""))
    db = obj.get("database_specific")
    cwes = str_tuple(db, "cwe_ids", "database_specific") if isinstance(db, dict) else ()
    references = reference_urls(obj)
    return VulnRecord(
        source="osv",
        id=rid,
        modified=parse_timestamp(obj["modified"], "modified"),
        published=optional_timestamp(obj, "published", ""),
        withdrawn=optional_timestamp(obj, "withdrawn", ""),
        aliases=str_tuple(obj, "aliases", ""),
        related=str_tuple(obj, "related", ""),
        summary=opt_str(obj, "summary", ""),
        details=opt_str(obj, "details", ""),
        severities=tuple(dict.fromkeys(severities)),
        affected=tuple(affected),
        references=tuple(dict.fromkeys(references)),
        cwes=cwes,
    )


def _severities(
    obj: dict[str, Any], where: str, warnings: list[tuple[str, str]]
) -> list[SeverityScore]:
    out = []
    for i, item in enumerate(as_list(obj, "severity", where)):
        here = f"{where}.severity[{i}]".lstrip(".")
        sev = as_dict(item, here)
        kind, score = sev.get("type"), sev.get("score")
        if kind not in SEVERITY_TYPES or not isinstance(score, str) or not score:
            warnings.append((here, f"severity type {kind!r} / score {score!r} ignored"))
            continue
        out.append(SeverityScore(type=kind, value=score))
    return out


def _labels(obj: dict[str, Any], where: str) -> list[SeverityScore]:
    """Severity labels kept in database_specific / ecosystem_specific (GHSA, OSS-Fuzz)."""
    out = []
    for key in ("database_specific", "ecosystem_specific"):
        extra = obj.get(key)
        label = extra.get("severity") if isinstance(extra, dict) else None
        if isinstance(label, str) and label.strip():
            out.append(SeverityScore(type="label", value=label.strip()))
    return out


def _affected(
    entry: dict[str, Any], where: str, warnings: list[tuple[str, str]]
) -> AffectedPackage:
    ecosystem = name = ""
    purl = None
    pkg = entry.get("package")
    if pkg is not None:
        pkg = as_dict(pkg, f"{where}.package")
        ecosystem = req_str(pkg, "ecosystem", f"{where}.package")
        name = req_str(pkg, "name", f"{where}.package")
        purl = opt_str(pkg, "purl", f"{where}.package") or None
    ranges = tuple(
        _range(as_dict(r, f"{where}.ranges[{j}]"), f"{where}.ranges[{j}]", warnings)
        for j, r in enumerate(as_list(entry, "ranges", where))
    )
    versions = str_tuple(entry, "versions", where)
    return AffectedPackage(ecosystem, name, purl, ranges, versions)


def _range(rng: dict[str, Any], where: str, warnings: list[tuple[str, str]]) -> AffectedRange:
    kind = req_str(rng, "type", where)
    repo = opt_str(rng, "repo", where) or None
    raw = as_list(rng, "events", where)
    if not raw:
        raise RecordError(f"{where}.events", "a range needs at least one event")
    events = tuple(_event(e, f"{where}.events[{k}]") for k, e in enumerate(raw))
    kinds = {e.kind for e in events}
    if "introduced" not in kinds:
        raise RecordError(f"{where}.events", "a range needs an 'introduced' event")
    if "fixed" in kinds and "last_affected" in kinds:
        raise RecordError(f"{where}.events", "'fixed' and 'last_affected' are mutually exclusive")
    if kind == "GIT":
        if repo is None:
            raise RecordError(f"{where}.repo", "a GIT range requires 'repo'")
        for k, e in enumerate(events):
            if not _COMMIT_RE.fullmatch(e.value) and not (e.kind == "limit" and e.value == "*"):
                message = f"GIT {e.kind} {e.value!r} is not a full commit hash (kept as given)"
                warnings.append((f"{where}.events[{k}]", message))
    return AffectedRange(type=kind, events=events, repo=repo)


def _event(item: Any, where: str) -> RangeEvent:
    event = as_dict(item, where)
    present = [k for k in EVENT_KINDS if k in event]
    if len(present) != 1:
        raise RecordError(where, f"an event needs exactly one of {', '.join(EVENT_KINDS)}")
    value = event[present[0]]
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value:
        raise RecordError(f"{where}.{present[0]}", "expected a non-empty version string")
    return RangeEvent(kind=present[0], value=value)
