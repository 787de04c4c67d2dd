"""Hospital asset inventories from CSV, XLSX or JSON: pure, every row checked, errors with rows.

Spreadsheets are messy: the text encoding is detected (UTF-8 with or without BOM, UTF-16 with
BOM, Shift_JIS/cp932 as Japanese hospitals export, else cp1252), headers are matched after
normalising (case, spaces, hyphens) and may be renamed by the user, unknown columns are reported
and ignored, empty rows are skipped and counted, and every bad value is reported with its row
(row 1 is the header of a CSV or sheet; JSON rows count from 1). Cells that look like formulas
(``=``, ``+``, ``-``, ``@``) are kept as plain text: nothing is ever evaluated.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import orjson

from medsec.errors import DocumentError

COLUMNS = (
    "asset_tag",
    "manufacturer",
    "model",
    "software_version",
    "serial",
    "location",
    "department",
    "network_segment",
    "ip_address",
    "mac_address",
    "clinical_criticality",
    "owner",
    "home_use",
    "implant",
    "install_date",
    "replacement_cost",
)
REQUIRED = ("asset_tag", "manufacturer", "model")
CRITICALITY = ("low", "medium", "high", "critical")
MAX_CELL = 2000  # characters per cell
MAX_ROWS = 1_000_000
_TRUE = {"yes", "y", "true", "t", "1", "x", "はい", "有", "あり"}
_FALSE = {"no", "n", "false", "f", "0", "", "いいえ", "無", "なし"}
_MAC = re.compile(r"^[0-9a-f]{2}([:\-.]?[0-9a-f]{2}){5}$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%d.%m.%Y", "%Y%m%d")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class AssetRow:
    """One valid inventory row, its values normalised."""

    row: int
    asset_tag: str
    manufacturer: str
    model: str
    software_version: str | None = None
    serial: str | None = None
    location: str | None = None
    department: str | None = None
    network_segment: str | None = None
    ip_address: str | None = None
    mac_address: str | None = None
    clinical_criticality: str | None = None
    owner: str | None = None
    home_use: bool = False
    implant: bool = False
    install_date: date | None = None
    replacement_cost: float | None = None

    def values(self) -> dict[str, Any]:
        """The stored columns of the row (without its row number)."""
        return {c: getattr(self, c) for c in COLUMNS}


@dataclass(frozen=True, slots=True)
class RowError:
    """Why one row cannot be imported."""

    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class AssetTable:
    """What an inventory file holds: good rows, bad rows, and what was noticed on the way."""

    source: str
    encoding: str
    rows: tuple[AssetRow, ...]
    errors: tuple[RowError, ...]
    unknown_columns: tuple[str, ...] = ()
    empty_rows: tuple[int, ...] = field(default=())


def normalise_header(name: str) -> str:
    """A header as a column key: lower case, spaces and hyphens as underscores."""
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())


def decode(data: bytes, source: str) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DocumentError(
                "not valid UTF-16 after its byte-order mark", source=source
            ) from exc
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"byte {exc.start}: not UTF-8, Shift_JIS or cp1252 text; save the file as UTF-8",
            source=source,
        ) from exc


def _text(value: Any) -> str:
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _bool(raw: str) -> bool:
    key = raw.strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(f"{raw!r} is not yes/no")


def parse_date(raw: str) -> date:
    """A date in an unambiguous form (ISO, YYYY/MM/DD, DD.MM.YYYY, YYYYMMDD)."""
    text = raw.strip()
    if len(text) == 10 and text[4] == "-":
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2,4}", text):
        raise ValueError(f"{text!r} is ambiguous (day/month or month/day?); write YYYY-MM-DD")
    raise ValueError(f"{text!r} is not a date; write YYYY-MM-DD")


def parse_cost(raw: str) -> float:
    """A replacement cost: digits with an optional currency sign and thousands commas."""
    text = re.sub(r"^[\s$€£¥]+|\s+$", "", raw).replace(",", "")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{raw!r} is not an amount (write it like 12000.50)") from None
    if not 0 <= value < 1e12:
        raise ValueError(f"{raw!r} is not a plausible cost")
    return value


def _one(row: int, cells: Mapping[str, str]) -> AssetRow | list[RowError]:
    errors: list[RowError] = []
    values: dict[str, Any] = {}
    for column in COLUMNS:
        raw = cells.get(column, "")
        if len(raw) > MAX_CELL:
            errors.append(RowError(row, column, f"longer than {MAX_CELL} characters"))
            continue
        if not raw:
            if column in REQUIRED:
                errors.append(RowError(row, column, "is empty; it is required"))
            continue
        try:
            values[column] = _convert(column, raw)
        except ValueError as exc:
            errors.append(RowError(row, column, str(exc)))
    if errors:
        return errors
    return AssetRow(row=row, **values)


def _convert(column: str, raw: str) -> Any:
    if column in ("home_use", "implant"):
        return _bool(raw)
    if column == "install_date":
        return parse_date(raw)
    if column == "replacement_cost":
        return parse_cost(raw)
    if column == "clinical_criticality":
        key = raw.lower()
        if key not in CRITICALITY:
            raise ValueError(f"{raw!r} is not one of {', '.join(CRITICALITY)}")
        return key
    if column == "ip_address":
        return str(ipaddress.ip_address(raw))
    if column == "mac_address":
        key = raw.lower()
        if not _MAC.match(key):
            raise ValueError(f"{raw!r} is not a MAC address")
        digits = re.sub(r"[^0-9a-f]", "", key)
        return ":".join(digits[i : i + 2] for i in range(0, 12, 2))
    return raw


def rows_from_cells(
    source: str,
    encoding: str,
    header: Sequence[str],
    body: Iterable[tuple[int, Sequence[str]]],
    mapping: Mapping[str, str] | None = None,
) -> AssetTable:
    """Check every row of a table whose first row is ``header``; rename headers by ``mapping``."""
    rename = {normalise_header(k): v for k, v in (mapping or {}).items()}
    bad_targets = sorted(set(rename.values()) - set(COLUMNS))
    if bad_targets:
        raise DocumentError(
            f"column mapping names unknown column(s) {', '.join(bad_targets)}; "
            f"known: {', '.join(COLUMNS)}",
            source=source,
        )
    keys = [rename.get(normalise_header(h), normalise_header(h)) for h in header]
    seen: set[str] = set()
    for k in keys:
        if k in COLUMNS and k in seen:
            raise DocumentError(f"column {k!r} appears twice", source=source, location="row 1")
        seen.add(k)
    missing = [c for c in REQUIRED if c not in keys]
    if missing:
        raise DocumentError(
            f"missing required column(s) {', '.join(missing)}; the header has "
            f"{', '.join(h for h in header if h) or 'nothing'} (map others with --map)",
            source=source,
            location="row 1",
        )
    unknown = tuple(h for h, k in zip(header, keys, strict=True) if k not in COLUMNS and h)
    rows: list[AssetRow] = []
    errors: list[RowError] = []
    empty: list[int] = []
    tags: dict[str, int] = {}
    for number, cells in body:
        texts = [_text(c) for c in cells]
        if not any(texts):
            empty.append(number)
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            raise DocumentError(f"more than {MAX_ROWS:,} rows", source=source)
        named = {k: texts[i] for i, k in enumerate(keys) if k in COLUMNS and i < len(texts)}
        result = _one(number, named)
        if isinstance(result, list):
            errors.extend(result)
            continue
        first = tags.get(result.asset_tag.casefold())
        if first is not None:
            errors.append(
                RowError(number, "asset_tag", f"{result.asset_tag!r} already on row {first}")
            )
            continue
        tags[result.asset_tag.casefold()] = number
        rows.append(result)
    return AssetTable(source, encoding, tuple(rows), tuple(errors), unknown, tuple(empty))


def read_csv(data: bytes, source: str, mapping: Mapping[str, str] | None = None) -> AssetTable:
    """An inventory from CSV bytes (comma, semicolon or tab separated)."""
    text, encoding = decode(data, source)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise DocumentError("the file is empty", source=source) from None
    except csv.Error as exc:
        raise DocumentError(str(exc), source=source, location="row 1") from exc
    return rows_from_cells(source, encoding, header, _numbered(reader, source), mapping)


def _numbered(reader: Iterator[list[str]], source: str) -> Iterator[tuple[int, list[str]]]:
    number = 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DocumentError(str(exc), source=source, location=f"row {number}") from exc
        yield number, cells


def read_xlsx(data: bytes, source: str, mapping: Mapping[str, str] | None = None) -> AssetTable:
    """An inventory from the first sheet of an XLSX workbook (cached values; no formula runs)."""
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DocumentError(f"not a readable XLSX workbook ({exc})", source=source) from exc
    try:
        sheet = book.worksheets[0]
        it = sheet.iter_rows(values_only=True)
        header_row = next(it, None)
        if header_row is None:
            raise DocumentError("the first sheet is empty", source=source)
        header = [_text(c) for c in header_row]
        body = ((i, list(r)) for i, r in enumerate(it, start=2))
        return rows_from_cells(source, "xlsx", header, body, mapping)
    finally:
        book.close()


def read_json(data: bytes, source: str, mapping: Mapping[str, str] | None = None) -> AssetTable:
    """An inventory from JSON: a list of objects, or ``{"assets": [...]}``."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DocumentError(f"malformed JSON ({exc})", source=source) from exc
    items = doc.get("assets") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise DocumentError('expected a list of assets or {"assets": [...]}', source=source)
    header: list[str] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise DocumentError("each asset must be an object", source=source, location=f"/{i}")
        header.extend(k for k in item if k not in header)
    body = ((i + 1, [item.get(h) for h in header]) for i, item in enumerate(items))
    return rows_from_cells(source, "json", header, body, mapping)


def read_table(data: bytes, source: str, mapping: Mapping[str, str] | None = None) -> AssetTable:
    """An inventory in whichever of CSV, XLSX or JSON the bytes are."""
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data, source, mapping)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"[", b"{"):
        return read_json(data, source, mapping)
    return read_csv(data, source, mapping)


def csv_safe(value: str) -> str:
    """A cell value that a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + value if value.startswith(FORMULA_START) else value
