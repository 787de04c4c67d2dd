"""NVD CVE API 2.0 responses (or feed files of the same shape, or one CVE object) into VulnRecord.

A page-level shape error raises DocumentError. A malformed CVE inside a page raises too, unless
a ``problems`` list is given: then it is reported there (fatal) and skipped.
NVD timestamps carry no zone; they are read as UTC. ``vulnStatus: Rejected`` marks the record
withdrawn at its ``lastModified`` time. CVSS metrics become SeverityScores (V2 -> CVSS_V2,
V30/V31 -> CVSS_V3, V40 -> CVSS_V4) with the published base score; within each CVE, Primary
metrics come before Secondary ones (SeverityScore has no field for that type).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from medsec.errors import DocumentError
from medsec.ingest.feed_common import (
    CVE_RE,
    FeedProblem,
    RecordError,
    as_dict,
    as_list,
    load_structured,
    opt_str,
    optional_timestamp,
    reference_urls,
    req_str,
)
from medsec.ingest.vuln_model import (
    CpeConfiguration,
    CpeMatch,
    CpeNode,
    SeverityScore,
    VulnRecord,
)

METRIC_TYPES = {
    "cvssMetricV2": "CVSS_V2",
    "cvssMetricV30": "CVSS_V3",
    "cvssMetricV31": "CVSS_V3",
    "cvssMetricV40": "CVSS_V4",
}
PAGE_METADATA = ("resultsPerPage", "startIndex", "totalResults", "format", "version", "timestamp")
_CWE_RE = re.compile(r"CWE-[0-9]+")
_OPERATORS = frozenset({"AND", "OR"})


def page_metadata(obj: dict[str, Any]) -> dict[str, Any]:
    """The page header fields (timestamp, resultsPerPage, totalResults, ...) present in ``obj``."""
    return {k: obj[k] for k in PAGE_METADATA if k in obj}


def iter_cve_objects(obj: Any, *, source: str) -> Iterator[tuple[int, Any]]:
    """(index, cve object) for each CVE of a page, or (0, cve) for a single CVE object."""
    if not isinstance(obj, dict):
        raise DocumentError("an NVD document must be a JSON object", source=source)
    if "vulnerabilities" in obj:
        fmt = obj.get("format", "NVD_CVE")
        if fmt != "NVD_CVE":
            raise DocumentError(f"unsupported NVD format {fmt!r}", source=source)
        items = obj["vulnerabilities"]
        if not isinstance(items, list):
            raise DocumentError("'vulnerabilities' must be a list", source=source)
        for i, item in enumerate(items):
            yield i, item.get("cve") if isinstance(item, dict) else item
        return
    if isinstance(obj.get("cve"), dict):
        yield 0, obj["cve"]
        return
    if "id" in obj and "descriptions" in obj:  # a bare CVE object
        yield 0, obj
        return
    raise DocumentError("not an NVD CVE API 2.0 document", source=source)


def parse_nvd(
    data: bytes | dict[str, Any],
    *,
    source: str,
    problems: list[FeedProblem] | None = None,
) -> list[VulnRecord]:
    """Parse an NVD API 2.0 page, feed file or single CVE object into records."""
    obj = (
        load_structured(data, source=source, allow_yaml=False) if isinstance(data, bytes) else data
    )
    records = []
    for index, cve in iter_cve_objects(obj, source=source):
        record = parse_cve_item(cve, index=index, source=source, problems=problems)
        if record is not None:
            records.append(record)
    return records


def parse_cve_item(
    cve: Any, *, index: int, source: str, problems: list[FeedProblem] | None
) -> VulnRecord | None:
    """One CVE object; None (and a problem) when malformed and a problem list is given."""
    cid = cve.get("id") if isinstance(cve, dict) and isinstance(cve.get("id"), str) else None
    try:
        return _cve(as_dict(cve, "cve"))
    except RecordError as exc:
        location = f"vulnerabilities[{index}].cve.{exc.where}".rstrip(".")
        if problems is None:
            raise DocumentError(exc.message, source=source, location=location) from None
        problems.append(FeedProblem(source, location, cid, exc.message))
        return None


def _cve(cve: dict[str, Any]) -> VulnRecord:
    cid = req_str(cve, "id", "")
    if not CVE_RE.fullmatch(cid):
        raise RecordError("id", f"invalid CVE id {cid!r}")
    modified = optional_timestamp(cve, "lastModified", "")
    status = opt_str(cve, "vulnStatus", "")
    details = None
    for i, desc in enumerate(as_list(cve, "descriptions", "")):
        desc = as_dict(desc, f"descriptions[{i}]")
        if desc.get("lang") == "en" and isinstance(desc.get("value"), str):
            details = desc["value"]
            break
    cwes: list[str] = []
    for i, weakness in enumerate(as_list(cve, "weaknesses", "")):
        for j, desc in enumerate(as_list(as_dict(weakness, f"weaknesses[{i}]"), "description", "")):
            value = as_dict(desc, f"weaknesses[{i}].description[{j}]").get("value")
            if isinstance(value, str) and _CWE_RE.fullmatch(value):
                cwes.append(value)
    references = reference_urls(cve)
    return VulnRecord(
        source="nvd",
        id=cid,
        modified=modified,
        published=optional_timestamp(cve, "published", ""),
        withdrawn=(modified or optional_timestamp(cve, "published", ""))
        if status == "Rejected"
        else None,
        details=details,
        severities=_metrics(cve),
        configurations=tuple(
            _configuration(as_dict(c, f"configurations[{i}]"), f"configurations[{i}]")
            for i, c in enumerate(as_list(cve, "configurations", ""))
        ),
        references=tuple(dict.fromkeys(references)),
        cwes=tuple(dict.fromkeys(cwes)),
    )


def _metrics(cve: dict[str, Any]) -> tuple[SeverityScore, ...]:
    metrics = cve.get("metrics") or {}
    as_dict(metrics, "metrics")
    primary: list[SeverityScore] = []
    secondary: list[SeverityScore] = []
    for key, kind in METRIC_TYPES.items():
        for i, item in enumerate(as_list(metrics, key, "metrics")):
            where = f"metrics.{key}[{i}]"
            metric = as_dict(item, where)
            data = as_dict(metric.get("cvssData"), f"{where}.cvssData")
            vector = req_str(data, "vectorString", f"{where}.cvssData")
            score = data.get("baseScore")
            if score is not None and (
                isinstance(score, bool) or not isinstance(score, int | float)
            ):
                raise RecordError(f"{where}.cvssData.baseScore", "expected a number")
            sev = SeverityScore(
                type=kind,
                value=vector,
                source=opt_str(metric, "source", where),
                base_score=None if score is None else float(score),
            )
            (secondary if metric.get("type") == "Secondary" else primary).append(sev)
    return tuple(primary + secondary)


def _operator(obj: dict[str, Any], where: str, default: str | None) -> str:
    value = obj.get("operator", default)
    if value not in _OPERATORS:
        raise RecordError(f"{where}.operator", f"expected AND or OR, got {value!r}")
    return str(value)


def _negate(obj: dict[str, Any], where: str) -> bool:
    value = obj.get("negate", False)
    if not isinstance(value, bool):
        raise RecordError(f"{where}.negate", "expected a boolean")
    return value


def _configuration(cfg: dict[str, Any], where: str) -> CpeConfiguration:
    nodes = []
    for i, item in enumerate(as_list(cfg, "nodes", where)):
        here = f"{where}.nodes[{i}]"
        node = as_dict(item, here)
        matches = tuple(
            _match(as_dict(m, f"{here}.cpeMatch[{j}]"), f"{here}.cpeMatch[{j}]")
            for j, m in enumerate(as_list(node, "cpeMatch", here))
        )
        nodes.append(CpeNode(_operator(node, here, None), _negate(node, here), matches))
    if not nodes:
        raise RecordError(f"{where}.nodes", "a configuration needs at least one node")
    return CpeConfiguration(_operator(cfg, where, "OR"), _negate(cfg, where), tuple(nodes))


def _match(match: dict[str, Any], where: str) -> CpeMatch:
    criteria = req_str(match, "criteria", where)
    if not criteria.startswith("cpe:2.3:"):
        raise RecordError(f"{where}.criteria", f"not a CPE 2.3 name: {criteria!r}")
    vulnerable = match.get("vulnerable")
    if not isinstance(vulnerable, bool):
        raise RecordError(f"{where}.vulnerable", "required boolean is missing")
    return CpeMatch(
        criteria=criteria,
        vulnerable=vulnerable,
        version_start_including=opt_str(match, "versionStartIncluding", where),
        version_start_excluding=opt_str(match, "versionStartExcluding", where),
        version_end_including=opt_str(match, "versionEndIncluding", where),
        version_end_excluding=opt_str(match, "versionEndExcluding", where),
        match_criteria_id=opt_str(match, "matchCriteriaId", where),
    )
