"""The order of a CSAF document's tracking versions (integer or semantic versioning).

``vers:`` ranges in product trees are evaluated by ``medsec.core.versions.vers``."""

from __future__ import annotations

import re
from datetime import datetime

_INT = re.compile(r"^(0|[1-9][0-9]*)$")
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def version_order(version: str, current_release: datetime | None) -> tuple[object, ...]:
    """Sort key of a CSAF tracking version (integer or semantic versioning), then the date."""
    version = version.strip()
    when = current_release.timestamp() if current_release else 0.0
    if _INT.match(version):
        return ((int(version), 0, 0), (1,), when)
    m = _SEMVER.match(version)
    if m:
        pre: tuple[object, ...] = (1,)
        if m[4]:
            pre = (0, *((0, int(x), "") if x.isdigit() else (1, 0, x) for x in m[4].split(".")))
        return ((int(m[1]), int(m[2]), int(m[3])), pre, when)
    return ((-1, 0, 0), (0, version), when)
