"""Read a hospital's ``medsec-rollout-feedback/1`` message (what failed when it installed an
update) into a frozen DTO, refusing anything the format does not carry: the message names
models, versions and what failed, never the site, a device, an address or a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson

from medsec.errors import DocumentError
from medsec.ingest._common import check_size

FORMAT = "medsec-rollout-feedback/1"
MAX_BYTES = 256 * 1024
MAX_ITEMS = 1000
MAX_TEXT = 2000
METHODS = ("remote", "user_managed", "service_visit")  # seed Table 2
_TOP = {"format", "update", "method", "target_version", "failed_installations", "validations"}
_FAILURE = {"manufacturer", "model", "installed_version", "what_failed", "when"}
_VALIDATION = {"result", "summary", "date"}


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed installation: which model and version, what failed, on which day."""

    manufacturer: str
    model: str
    installed_version: str | None
    what_failed: str
    when: date


@dataclass(frozen=True, slots=True)
class Validation:
    """The hospital's regression validation before its rollout."""

    result: str
    summary: str
    date: date


@dataclass(frozen=True, slots=True)
class RolloutFeedback:
    """A feedback message as the hospital sent it."""

    update: str
    method: str
    target_version: str
    failures: tuple[Failure, ...]
    validations: tuple[Validation, ...]


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, pointer: str, message: str) -> DocumentError:
        return DocumentError(message, source=self.source, location=pointer or "/")

    def obj(self, value: Any, pointer: str, keys: set[str], required: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(pointer, "must be a JSON object")
        extra = sorted(set(value) - keys)
        if extra:
            raise self.fail(
                f"{pointer}/{extra[0]}",
                "is not part of medsec-rollout-feedback/1 (the message carries no site or "
                "device data); remove it",
            )
        missing = sorted(required - set(value))
        if missing:
            raise self.fail(f"{pointer}/{missing[0]}", "is missing")
        return value

    def text(self, value: Any, pointer: str, *, optional: bool = False) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(pointer, "must be a non-empty string")
        if len(value) > MAX_TEXT:
            raise self.fail(pointer, f"is longer than {MAX_TEXT} characters")
        return value.strip()

    def day(self, value: Any, pointer: str) -> date:
        try:
            return date.fromisoformat(str(self.text(value, pointer)))
        except ValueError:
            raise self.fail(pointer, "must be a date (YYYY-MM-DD)") from None

    def items(self, value: Any, pointer: str, *, minimum: int) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(pointer, "must be a JSON array")
        if len(value) < minimum:
            raise self.fail(pointer, "must name at least one failed installation")
        if len(value) > MAX_ITEMS:
            raise self.fail(pointer, f"has more than {MAX_ITEMS} entries")
        return value


def read_feedback(data: bytes, *, source: str) -> RolloutFeedback:
    """Validate and read one feedback message (size, format, keys, types, dates)."""
    check_size(data, source=source, max_bytes=MAX_BYTES)
    r = _Reader(source)
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise r.fail("", f"not JSON: {exc}") from None
    top = r.obj(doc, "", _TOP, _TOP - {"validations"})
    if top["format"] != FORMAT:
        raise r.fail("/format", f"must be {FORMAT!r}")
    method = r.text(top["method"], "/method")
    if method not in METHODS:
        raise r.fail("/method", f"must be one of {', '.join(METHODS)}")
    failures = []
    for i, raw in enumerate(
        r.items(top["failed_installations"], "/failed_installations", minimum=1)
    ):
        p = f"/failed_installations/{i}"
        item = r.obj(raw, p, _FAILURE, _FAILURE - {"installed_version"})
        failures.append(
            Failure(
                manufacturer=str(r.text(item["manufacturer"], f"{p}/manufacturer")),
                model=str(r.text(item["model"], f"{p}/model")),
                installed_version=r.text(
                    item.get("installed_version"), f"{p}/installed_version", optional=True
                ),
                what_failed=str(r.text(item["what_failed"], f"{p}/what_failed")),
                when=r.day(item["when"], f"{p}/when"),
            )
        )
    validations = []
    for i, raw in enumerate(r.items(top.get("validations", []), "/validations", minimum=0)):
        p = f"/validations/{i}"
        item = r.obj(raw, p, _VALIDATION, _VALIDATION)
        result = r.text(item["result"], f"{p}/result")
        if result not in ("passed", "failed"):
            raise r.fail(f"{p}/result", "must be passed or failed")
        validations.append(
            Validation(
                result=str(result),
                summary=str(r.text(item["summary"], f"{p}/summary")),
                date=r.day(item["date"], f"{p}/date"),
            )
        )
    return RolloutFeedback(
        update=str(r.text(top["update"], "/update")),
        method=str(method),
        target_version=str(r.text(top["target_version"], "/target_version")),
        failures=tuple(failures),
        validations=tuple(validations),
    )
