"""How a finding's component is shown (the vulnerability: `vulns.display`). Pure: used by
`findings list` (stored data) and `scan` (nothing stored)."""

from __future__ import annotations

from typing import Any


def component_view(row: Any) -> dict[str, Any]:
    """The component part of a finding."""
    return {
        "ref": row.ref,
        "group": row.group,
        "name": row.name,
        "version": row.version,
        "purl": row.purl,
        "cpe": row.cpe,
    }
