"""CISA Known Exploited Vulnerabilities catalog (JSON or CSV) into KevEntry.

Metadata: title, catalogVersion, dateReleased and count from the JSON catalog (the CSV carries
none). A malformed entry raises DocumentError, or is reported and skipped when a ``problems``
list is given. A catalog whose ``count`` disagrees with its entries gives a non-fatal problem.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from medsec.errors import DocumentError
from medsec.ingest.feed_common import (
    CVE_RE,
    FeedProblem,
    RecordError,
    as_dict,
    load_structured,
    opt_str,
    parse_date,
    req_str,
)
from medsec.ingest.vuln_model import KevEntry

CSV_HEADER = ("cveID", "vendorProject", "product", "vulnerabilityName", "dateAdded")
CATALOG_METADATA = ("title", "catalogVersion", "dateReleased", "count")


def is_kev_csv(head: bytes) -> bool:
    """Whether the first bytes look like the KEV CSV header."""
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace")
    return tuple(c.strip().strip('"') for c in first.split(","))[:5] == CSV_HEADER


def parse_kev(
    data: bytes | dict[str, Any],
    *,
    source: str,
    problems: list[FeedProblem] | None = None,
) -> tuple[list[KevEntry], dict[str, Any]]:
    """Parse the KEV catalog (JSON object or CSV) into entries and catalog metadata."""
    if isinstance(data, bytes) and is_kev_csv(data[:4096]):
        rows: Iterator[tuple[int, Any]] = enumerate(_csv_rows(data, source), start=2)
        metadata: dict[str, Any] = {}
        where = "line {}"
    else:
        obj = (
            load_structured(data, source=source, allow_yaml=False)
            if isinstance(data, bytes)
            else data
        )
        if not isinstance(obj, dict) or not isinstance(obj.get("vulnerabilities"), list):
            raise DocumentError("not a KEV catalog (no 'vulnerabilities' list)", source=source)
        metadata = {k: obj[k] for k in CATALOG_METADATA if k in obj}
        rows = enumerate(obj["vulnerabilities"])
        where = "vulnerabilities[{}]"
    entries = []
    for index, row in rows:
        location = where.format(index)
        try:
            entries.append(_entry(as_dict(row, location), location))
        except RecordError as exc:
            if problems is None:
                raise DocumentError(exc.message, source=source, location=exc.where) from None
            rid = row.get("cveID") if isinstance(row, dict) else None
            problems.append(FeedProblem(source, exc.where, rid, exc.message))
    count = metadata.get("count")
    if problems is not None and isinstance(count, int) and count != len(entries):
        message = f"catalog count {count} but {len(entries)} entries imported"
        problems.append(FeedProblem(source, "count", None, message, fatal=False))
    return entries, metadata


def _csv_rows(data: bytes, source: str) -> Iterator[dict[str, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"KEV CSV is not UTF-8: {exc}", source=source) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    for row in reader:
        yield {k: v for k, v in row.items() if k is not None}


def _entry(row: dict[str, Any], where: str) -> KevEntry:
    cve_id = req_str(row, "cveID", where).strip()
    if not CVE_RE.fullmatch(cve_id):
        raise RecordError(f"{where}.cveID", f"invalid CVE id {cve_id!r}")
    due = row.get("dueDate")
    ransomware = opt_str(row, "knownRansomwareCampaignUse", where)
    return KevEntry(
        cve_id=cve_id,
        vendor=req_str(row, "vendorProject", where),
        product=req_str(row, "product", where),
        name=req_str(row, "vulnerabilityName", where),
        date_added=parse_date(row.get("dateAdded"), f"{where}.dateAdded"),
        due_date=parse_date(due, f"{where}.dueDate") if due else None,
        known_ransomware=(ransomware or "").strip().lower() == "known",
        required_action=opt_str(row, "requiredAction", where) or None,
        notes=opt_str(row, "notes", where) or None,
    )
