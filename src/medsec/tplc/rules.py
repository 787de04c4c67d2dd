"""Pure decisions about plan edits: applying changes and saying which fields changed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from medsec.errors import InvalidInput

LIST_FIELDS = frozenset({"update_methods", "isao_memberships"})


def apply_changes(
    before: Mapping[str, Any], changes: Mapping[str, Any], known: frozenset[str]
) -> dict[str, object]:
    """The content after `changes` (empty values clear a field; unknown fields refused), not yet
    validated: values are `object` until `schemas.PlanContent` checks them."""
    unknown = sorted(set(changes) - known)
    if unknown:
        raise InvalidInput(
            f"plan: unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    after: dict[str, object] = dict(before)
    for key, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
            if key in LIST_FIELDS:
                value = [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]
        after[key] = value if value not in ("", []) else ([] if key in LIST_FIELDS else None)
    return after


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The fields whose value differs between two contents."""
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
