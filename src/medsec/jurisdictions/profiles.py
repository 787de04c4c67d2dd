"""The packaged jurisdiction profiles (``medsec/data/jurisdictions/<code>.json``), validated.

A profile that does not validate is refused naming its file and the JSON pointer at fault.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from pydantic import ValidationError

from medsec.errors import InvalidInput, NotFound
from medsec.jurisdictions.schemas import Profile

CODES = ("fda", "eu", "jp", "ca")  # the order they are listed and their obligations read
DEFAULT_MARKETS = ("fda",)  # a product with no recorded market: today's FDA-based policy


def parse(data: bytes | str, *, source: str) -> Profile:
    """One profile from JSON text; InvalidInput naming ``source`` and the JSON pointer."""
    try:
        raw: Any = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{source}: not valid JSON ({exc})") from None
    try:
        return Profile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        if first["loc"]:  # a field's own check; the profile's cross-checks name their pointer
            message = "/" + "/".join(str(p) for p in first["loc"]) + f": {message}"
        raise InvalidInput(f"{source}: {message}") from None


def _path(code: str) -> Any:
    return resources.files("medsec") / "data" / "jurisdictions" / f"{code}.json"


@cache
def all_profiles() -> tuple[Profile, ...]:
    """Every packaged profile, in ``CODES`` order (each checked against its file name)."""
    out = []
    for code in CODES:
        path = _path(code)
        profile = parse(path.read_bytes(), source=f"jurisdictions/{code}.json")
        if profile.code != code:
            raise InvalidInput(f"jurisdictions/{code}.json: /code: {profile.code!r} != {code!r}")
        out.append(profile)
    return tuple(out)


def get(code: str) -> Profile:
    """One profile by code (case-insensitive); NotFound listing the codes otherwise."""
    wanted = code.strip().lower()
    for profile in all_profiles():
        if profile.code == wanted:
            return profile
    raise NotFound(f"no jurisdiction profile {code!r} (one of: {', '.join(CODES)})")


def parse_markets(values: list[str] | str) -> list[str]:
    """Market codes from a list or a comma-separated text, checked, deduplicated, in order."""
    items = values.split(",") if isinstance(values, str) else values
    out: list[str] = []
    for item in items:
        code = item.strip().lower()
        if not code:
            continue
        if code not in CODES:
            raise InvalidInput(f"market {item!r} is not one of {', '.join(CODES)}")
        if code not in out:
            out.append(code)
    return out


def for_markets(markets: list[str] | tuple[str, ...] | None) -> tuple[Profile, ...]:
    """The profiles of a product's markets (none recorded: the FDA profile)."""
    codes = list(markets or ()) or list(DEFAULT_MARKETS)
    return tuple(get(c) for c in codes)
