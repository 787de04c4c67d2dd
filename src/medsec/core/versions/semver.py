"""SemVer 2.0 precedence (npm, crates.io, Hex, Pub, OSV ``SEMVER`` ranges), Go and NuGet.

Build metadata never takes part in precedence, so ``1.0.0+a`` and ``1.0.0`` share one key.
A leading ``v`` is accepted (npm and Go write it); anything else must be strict SemVer.
"""

from __future__ import annotations

import re

from medsec.core.versions._base import InvalidVersion

_NUM = r"0|[1-9]\d*"
_IDENT = r"(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)"
_SEMVER = re.compile(
    rf"^[vV]?(?P<maj>{_NUM})\.(?P<min>{_NUM})\.(?P<pat>{_NUM})"
    rf"(?:-(?P<pre>{_IDENT}(?:\.{_IDENT})*))?"
    r"(?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)
_NUGET = re.compile(
    r"^\s*[vV]?(?P<nums>\d+(?:\.\d+){0,3})"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?\s*$"
)
_RELEASE = (1,)


def _pre_key(pre: str | None, fold_case: bool = False) -> tuple:
    """Pre-release identifiers: numeric ones numerically and below alphanumeric ones."""
    if pre is None:
        return _RELEASE
    parts = []
    for ident in pre.split("."):
        if ident.isdecimal():
            parts.append((0, int(ident), ""))
        else:
            parts.append((1, 0, ident.lower() if fold_case else ident))
    return (0, tuple(parts))


def semver_key(version: str, scheme: str = "semver") -> tuple:
    """SemVer 2.0 precedence key (build metadata ignored)."""
    m = _SEMVER.match(version)
    if m is None:
        raise InvalidVersion(scheme, version, "not SemVer 2.0")
    return (int(m["maj"]), int(m["min"]), int(m["pat"]), _pre_key(m["pre"]))


def go_key(version: str) -> tuple:
    """Go module versions: SemVer with optional ``v``; pseudo-versions are pre-releases.

    ``+incompatible`` is build metadata and so does not change precedence.
    """
    return semver_key(version, "go")


def nuget_key(version: str) -> tuple:
    """NuGet SemVer 2 with up to four numbers, case-insensitive labels, metadata ignored."""
    m = _NUGET.match(version)
    if m is None:
        raise InvalidVersion("nuget", version, "not a NuGet version")
    nums = [int(n) for n in m["nums"].split(".")]
    nums += [0] * (4 - len(nums))
    return (*nums, _pre_key(m["pre"], fold_case=True))
