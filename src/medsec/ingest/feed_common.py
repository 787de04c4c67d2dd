"""Shared pieces of the vulnerability feed readers: result types, limits and value helpers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import orjson
import yaml

from medsec.errors import DocumentError, DocumentTooLarge
from medsec.ingest._common import check_json_depth
from medsec.ingest.vuln_model import EpssScore, KevEntry, VulnRecord

DEFAULT_MAX_BYTES = 512 * 1024 * 1024
BATCH_SIZE = 5000
CVE_RE = re.compile(r"CVE-[0-9]{4}-[0-9]{4,19}")
YAML_MAX_DEPTH = 200
JSON_MAX_DEPTH = 200


@dataclass(frozen=True)
class FeedProblem:
    """A record (or part of one) that could not be imported; ``fatal`` means it was skipped."""

    source: str
    location: str
    record_id: str | None
    message: str
    fatal: bool = True


@dataclass(frozen=True)
class FeedBatch:
    """Up to about BATCH_SIZE parsed records of one kind, with the problems met on the way."""

    kind: str  # "osv" | "nvd" | "kev" | "epss"
    records: list[VulnRecord] = field(default_factory=list)
    kev: list[KevEntry] = field(default_factory=list)
    epss: list[EpssScore] = field(default_factory=list)
    problems: list[FeedProblem] = field(default_factory=list)
    snapshot_digest: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)


class RecordError(Exception):
    """Internal: one record is malformed; ``where`` is the path inside the record."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message


_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NO_KEY = object()


def load_yaml(data: bytes, *, source: str) -> Any:
    """Build Python values from YAML parser events: every scalar a string (except null/bool).

    No tags are honoured, aliases and multiple documents are refused, and nesting is capped at
    YAML_MAX_DEPTH. Building from events (instead of libyaml's recursive composer, which
    overflows the C stack on deep input) keeps hostile documents harmless.
    """
    stack: list[Any] = []
    keys: list[Any] = []
    root: Any = _NO_KEY
    events: Iterator[Any] = yaml.parse(data, Loader=_PARSER)
    for event in events:
        cls = type(event)
        value: Any
        if cls is yaml.ScalarEvent:
            value = event.value
            if event.style is None and event.implicit[0]:
                value = None if value in _NULLS else _BOOLS.get(value, value)
        elif cls is yaml.MappingStartEvent:
            value = {}
        elif cls is yaml.SequenceStartEvent:
            value = []
        elif cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
            stack.pop()
            keys.pop()
            continue
        elif cls is yaml.AliasEvent:
            raise DocumentError("YAML aliases are not accepted", source=source)
        else:
            continue
        if not stack:
            if root is not _NO_KEY:
                raise DocumentError("more than one YAML document", source=source)
            root = value
        elif isinstance(stack[-1], list):
            stack[-1].append(value)
        elif keys[-1] is _NO_KEY:
            if isinstance(value, dict | list):
                raise DocumentError("YAML mapping keys must be scalars", source=source)
            keys[-1] = value
        else:
            stack[-1][keys[-1]] = value
            keys[-1] = _NO_KEY
        if isinstance(value, dict | list):
            stack.append(value)
            keys.append(_NO_KEY)
            if len(stack) > YAML_MAX_DEPTH:
                raise DocumentError(f"YAML nested deeper than {YAML_MAX_DEPTH}", source=source)
    return None if root is _NO_KEY else root


def check_size(data: bytes, max_bytes: int, source: str) -> None:
    """Refuse a document larger than ``max_bytes``."""
    if len(data) > max_bytes:
        raise DocumentTooLarge(f"{len(data)} bytes exceeds the limit of {max_bytes}", source=source)


def load_structured(data: bytes, *, source: str, allow_yaml: bool = True) -> Any:
    """Parse JSON (or, failing that and when allowed, YAML) into Python values."""
    head = data.lstrip()[:1]
    if head in (b"{", b"["):
        check_json_depth(data, source=source, max_depth=JSON_MAX_DEPTH)
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise DocumentError(f"invalid JSON: {exc}", source=source) from None
    if not allow_yaml:
        raise DocumentError("not a JSON document", source=source)
    try:
        return load_yaml(data, source=source)
    except yaml.YAMLError as exc:
        raise DocumentError(f"neither JSON nor YAML: {exc}", source=source) from None


def parse_timestamp(value: Any, where: str) -> datetime:
    """An RFC 3339 / ISO 8601 timestamp as an aware UTC datetime (naive values are UTC)."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise RecordError(where, f"invalid timestamp {value!r}") from None
    else:
        raise RecordError(where, f"expected a timestamp string, got {type(value).__name__}")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def optional_timestamp(obj: dict[str, Any], key: str, where: str) -> datetime | None:
    """``obj[key]`` as a timestamp, None when absent or null."""
    value = obj.get(key)
    return None if value is None else parse_timestamp(value, f"{where}.{key}")


def parse_date(value: Any, where: str) -> date:
    """A calendar date given as YYYY-MM-DD (a longer timestamp is cut to its date)."""
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise RecordError(where, f"invalid date {value!r}")


def opt_str(obj: dict[str, Any], key: str, where: str) -> str | None:
    """``obj[key]`` if it is a string, None when absent or null; anything else is an error."""
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise RecordError(f"{where}.{key}", f"expected a string, got {type(value).__name__}")


def req_str(obj: dict[str, Any], key: str, where: str) -> str:
    """``obj[key]`` as a non-empty string, else an error."""
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"{where}.{key}", "required non-empty string is missing")
    return value


def as_list(obj: dict[str, Any], key: str, where: str) -> list[Any]:
    """``obj[key]`` as a list; absent or null gives an empty list."""
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{where}.{key}", f"expected a list, got {type(value).__name__}")
    return value


def as_dict(value: Any, where: str) -> dict[str, Any]:
    """``value`` if it is an object, else an error."""
    if not isinstance(value, dict):
        raise RecordError(where, f"expected an object, got {type(value).__name__}")
    return value


def str_tuple(obj: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """``obj[key]`` as a tuple of strings (order kept, duplicates dropped)."""
    items = as_list(obj, key, where)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise RecordError(f"{where}.{key}[{i}]", "expected a string")
    return tuple(dict.fromkeys(items))


def reference_urls(obj: dict[str, Any]) -> list[str]:
    """The ``url`` of each ``references`` entry of a record (OSV and NVD share the shape)."""
    urls = []
    for i, ref in enumerate(as_list(obj, "references", "")):
        url = opt_str(as_dict(ref, f"references[{i}]"), "url", f"references[{i}]")
        if url:
            urls.append(url)
    return urls
