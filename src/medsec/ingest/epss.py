"""FIRST EPSS daily scores (CSV, optionally gzip-compressed) into EpssScore.

Line 1 is a comment such as ``#model_version:v2025.03.14,score_date:2025-03-14T00:00:00+0000``
(key:value pairs read leniently; both are optional), then the header ``cve,epss,percentile``.
A wrong header raises DocumentError. A malformed row raises too, unless a ``problems`` list is
given: then it is reported and skipped.
"""

from __future__ import annotations

import io
import math
import zlib
from collections.abc import Iterator
from datetime import date
from typing import Any

from medsec.errors import DocumentError, DocumentTooLarge
from medsec.ingest.feed_common import (
    CVE_RE,
    DEFAULT_MAX_BYTES,
    FeedProblem,
    RecordError,
    parse_date,
)
from medsec.ingest.vuln_model import EpssScore

GZIP_MAGIC = b"\x1f\x8b"
HEADER = ("cve", "epss", "percentile")
# Malformed rows reported before the file is refused as a whole: a real EPSS file has none, and
# a file of garbage lines must not become millions of problem records.
MAX_PROBLEMS = 1000


def gunzip(data: bytes, *, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Decompress gzip bytes, refusing output beyond ``max_bytes`` (bomb guard)."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise DocumentError(f"corrupt gzip data: {exc}", source=source) from None
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise DocumentTooLarge(
            f"gzip content exceeds the limit of {max_bytes} bytes", source=source
        )
    if not inflater.eof:
        raise DocumentError("truncated gzip data", source=source)
    return out


def is_epss_csv(head: bytes) -> bool:
    """Whether the first bytes look like an EPSS CSV (model comment or the cve,epss header)."""
    lines = head.lstrip(b"\xef\xbb\xbf").splitlines()
    if not lines:
        return False
    if lines[0].startswith(b"#model_version") or lines[0].startswith(b"#score_date"):
        return True
    first = next((ln for ln in lines if not ln.startswith(b"#")), b"")
    return tuple(c.strip() for c in first.decode("utf-8", "replace").split(",")) == HEADER


def parse_epss(
    data: bytes,
    *,
    source: str,
    problems: list[FeedProblem] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[list[EpssScore], dict[str, Any]]:
    """Parse an EPSS CSV (plain or gzip) into scores and {model_version, score_date}."""
    metadata, lines = open_epss(data, source=source, max_bytes=max_bytes)
    return list(epss_rows(lines, metadata, source=source, problems=problems)), metadata


def open_epss(
    data: bytes, *, source: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[dict[str, Any], Iterator[tuple[int, str]]]:
    """Read the comment and header lines; return the metadata and the numbered data lines."""
    if data[:2] == GZIP_MAGIC:
        data = gunzip(data, source=source, max_bytes=max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"EPSS CSV is not UTF-8: {exc}", source=source) from None
    del data
    # Lazily: a list of every line of a 64 MiB file of short lines would cost gigabytes.
    lines = enumerate((ln.rstrip("\r\n") for ln in io.StringIO(text, newline=None)), start=1)
    metadata: dict[str, Any] = {}
    line_no, line = next(lines, (1, ""))
    while line.startswith("#"):
        metadata.update(_comment(line))
        line_no, line = next(lines, (line_no + 1, ""))
    if tuple(c.strip() for c in line.split(",")) != HEADER:
        raise DocumentError(
            f"expected header 'cve,epss,percentile', got {line[:80]!r}",
            source=source,
            location=f"line {line_no}",
        )
    if "score_date" in metadata:
        try:
            parse_date(metadata["score_date"], "score_date")
        except RecordError:
            raise DocumentError(
                f"invalid score_date {metadata['score_date']!r}", source=source, location="line 1"
            ) from None
    return metadata, lines


def epss_rows(
    lines: Iterator[tuple[int, str]],
    metadata: dict[str, Any],
    *,
    source: str,
    problems: list[FeedProblem] | None = None,
) -> Iterator[EpssScore]:
    """One EpssScore per data line, lazily; bad rows raise or go to ``problems``."""
    model = metadata.get("model_version")
    raw_date = metadata.get("score_date")
    score_date = parse_date(raw_date, "score_date") if raw_date else None
    bad = 0
    for number, row in lines:
        if not row.strip():
            continue
        score = _row(row, model, score_date)
        if isinstance(score, EpssScore):
            yield score
        elif problems is None:
            raise DocumentError(score, source=source, location=f"line {number}")
        else:
            bad += 1
            if bad > MAX_PROBLEMS:
                raise DocumentError(
                    f"more than {MAX_PROBLEMS} malformed rows; not an EPSS file? last: {score}",
                    source=source,
                    location=f"line {number}",
                )
            problems.append(FeedProblem(source, f"line {number}", row.split(",")[0][:80], score))


def _comment(line: str) -> dict[str, str]:
    out = {}
    for part in line.lstrip("#").split(","):
        key, sep, value = part.partition(":")
        if sep and key.strip():
            out[key.strip()] = value.strip()
    return out


def _row(row: str, model: str | None, score_date: date | None) -> EpssScore | str:
    """An EpssScore, or the reason the row is malformed."""
    cells = [c.strip() for c in row.split(",")]
    if len(cells) != 3:
        return f"expected 3 columns, got {len(cells)}"
    cve, epss_text, percentile_text = cells
    if not CVE_RE.fullmatch(cve):
        return f"invalid CVE id {cve!r}"
    try:
        epss, percentile = float(epss_text), float(percentile_text)
    except ValueError:
        return f"invalid number in {row[:80]!r}"
    for value in (epss, percentile):
        if not math.isfinite(value) or not 0.0 <= value <= 1.0:
            return f"value {value} is outside [0, 1]"
    return EpssScore(cve, epss, percentile, model_version=model, score_date=score_date)
