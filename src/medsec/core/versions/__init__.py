"""Version ordering per ecosystem: one totally ordered, hashable key per version string.

``version_key(scheme, version)`` parses once (cached) and returns a key that compares with the
keys of the same scheme only. Schemes (aliases in brackets):

* ``pypi`` - PEP 440 via ``packaging``.
* ``semver`` [npm, cargo, crates.io, hex, pub, swift] - SemVer 2.0 precedence, build metadata
  ignored, optional leading ``v``.
* ``go`` [golang] - SemVer with ``v``; pseudo-versions; ``+incompatible`` ignored.
* ``maven`` - Maven ComparableVersion (3.9 rules).
* ``nuget`` - NuGet SemVer 2, up to four numbers, case-insensitive labels.
* ``rubygems`` [gem] - ``Gem::Version``.
* ``debian`` [deb, ubuntu] - dpkg, epoch and ``~``.
* ``rpm`` - rpmvercmp on ``[epoch:]version[-release]``, ``~`` and ``^``.
* ``alpine`` [apk] - apk-tools.
* ``packagist`` [composer] - Composer normalization + PHP ``version_compare``.
* ``generic`` - the firmware/vendor comparator of ``medsec.core.versions.generic``.

OSV ecosystems mapped by ``scheme_for_ecosystem`` (a ``:<suffix>`` such as ``Debian:12``,
``Alpine:v3.18``, ``Ubuntu:22.04:LTS``, ``Maven:<repo-url>`` is ignored for the scheme; the
``Root:<Ecosystem>:...`` variants map like their base): PyPI; npm, crates.io, Hex, Pub, SwiftURL,
Bitnami (semver); Go, Kubernetes (go); Maven; NuGet; RubyGems; Packagist; Debian, Ubuntu, Echo
(debian); AlmaLinux, Rocky Linux, Red Hat, SUSE, openSUSE, openEuler, Photon OS, Mageia,
Azure Linux, TuxCare (rpm); Alpine, Alpaquita, BellSoft Hardened Containers, Wolfi,
Chainguard, MinimOS (alpine).

Unsupported OSV ecosystems (``scheme_for_ecosystem`` returns None): Android, Bioconductor, CRAN,
CleanStart, ConanCenter, Docker Hardened Images, FreeBSD, GHC, GitHub Actions, Hackage,
Julia, Linux, OSS-Fuzz, opam, VSCode - their version orders are not implemented here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from medsec.core.versions._base import InvalidVersion, Key
from medsec.core.versions.distro import alpine_key, debian_key, rpm_key
from medsec.core.versions.gem import packagist_key, rubygems_key
from medsec.core.versions.maven import maven_key
from medsec.core.versions.pep440 import pypi_key
from medsec.core.versions.semver import go_key, nuget_key, semver_key

__all__ = [
    "SCHEMES",
    "InvalidVersion",
    "Key",
    "canonical_scheme",
    "compare",
    "ecosystem_base",
    "ecosystem_release",
    "scheme_for_ecosystem",
    "version_key",
]


def _generic(version: str) -> Key:
    try:
        from medsec.core.versions.generic import generic_key
    except ImportError as exc:  # pragma: no cover - depends on another module's presence
        raise InvalidVersion("generic", version, "unsupported ecosystem: no generic order") from exc
    return generic_key(version)


_PARSERS: dict[str, Callable[[str], Key]] = {
    "pypi": pypi_key,
    "semver": semver_key,
    "go": go_key,
    "maven": maven_key,
    "nuget": nuget_key,
    "rubygems": rubygems_key,
    "debian": debian_key,
    "rpm": rpm_key,
    "alpine": alpine_key,
    "packagist": packagist_key,
    "generic": _generic,
}
SCHEMES = frozenset(_PARSERS)
_ALIASES = {
    "npm": "semver",
    "cargo": "semver",
    "crates.io": "semver",
    "hex": "semver",
    "pub": "semver",
    "swift": "semver",
    "golang": "go",
    "gem": "rubygems",
    "deb": "debian",
    "ubuntu": "debian",
    "apk": "alpine",
    "composer": "packagist",
}

_ECOSYSTEMS = {
    "PyPI": "pypi",
    "npm": "semver",
    "crates.io": "semver",
    "Hex": "semver",
    "Pub": "semver",
    "SwiftURL": "semver",
    "Bitnami": "semver",
    "Go": "go",
    "Kubernetes": "go",
    "Maven": "maven",
    "NuGet": "nuget",
    "RubyGems": "rubygems",
    "Packagist": "packagist",
    "Debian": "debian",
    "Ubuntu": "debian",
    "Echo": "debian",
    "AlmaLinux": "rpm",
    "Rocky Linux": "rpm",
    "Red Hat": "rpm",
    "SUSE": "rpm",
    "openSUSE": "rpm",
    "openEuler": "rpm",
    "Photon OS": "rpm",
    "Mageia": "rpm",
    "Azure Linux": "rpm",
    "TuxCare": "rpm",
    "Alpine": "alpine",
    "Alpaquita": "alpine",
    "BellSoft Hardened Containers": "alpine",
    "Wolfi": "alpine",
    "Chainguard": "alpine",
    "MinimOS": "alpine",
}


def canonical_scheme(scheme: str) -> str:
    """The canonical scheme name for a scheme or alias; raises InvalidVersion if unknown."""
    s = scheme.strip().lower()
    s = _ALIASES.get(s, s)
    if s not in _PARSERS:
        raise InvalidVersion(scheme, "", "unsupported version scheme")
    return s


@lru_cache(maxsize=1 << 18)
def version_key(scheme: str, version: str) -> Key:
    """The sort key of ``version`` under ``scheme``; raises InvalidVersion if it cannot parse."""
    parser = _PARSERS.get(scheme) or _PARSERS[canonical_scheme(scheme)]
    if not isinstance(version, str) or not version.strip():
        raise InvalidVersion(scheme, str(version), "empty")
    return parser(version)


def compare(scheme: str, a: str, b: str) -> int:
    """-1, 0 or 1 as ``a`` sorts before, with or after ``b`` under ``scheme``."""
    ka, kb = version_key(scheme, a), version_key(scheme, b)
    return (ka > kb) - (ka < kb)


def ecosystem_base(osv_ecosystem: str) -> str:
    """The OSV ecosystem without its release/repository suffix (``Root:PyPI`` -> ``PyPI``)."""
    parts = osv_ecosystem.strip().split(":")
    if parts[0] == "Root" and len(parts) > 1:
        parts = parts[1:]
    return parts[0]


_FIRST_NUMBER = re.compile(r"(\d+)")
_SUSE_RELEASE = re.compile(r"(\d+)(?:[ ._-]*sp[ ._-]*(\d+)|\.(\d+))?", re.IGNORECASE)


def suse_release(text: str) -> str | None:
    """A SUSE/openSUSE release as ``major.servicepack``: ``Linux Enterprise Server 15 SP5``,
    ``sles-15-sp5``, ``Leap 15.5`` -> ``15.5``; ``15`` -> ``15.0``; ``Tumbleweed`` ->
    ``tumbleweed``; None when empty."""
    found = _SUSE_RELEASE.search(text)
    if found:
        return f"{found.group(1)}.{found.group(2) or found.group(3) or '0'}"
    words = [w for w in re.split(r"[\s:_-]+", text.strip().lower()) if w]
    return words[-1] if words else None


def ecosystem_release(osv_ecosystem: str) -> str | None:
    """The release scope of a distro ecosystem (``Debian:12`` -> ``12``), or None."""
    parts = osv_ecosystem.strip().split(":")
    if parts[0] == "Root" and len(parts) > 1:
        parts = parts[1:]
    rest = [p for p in parts[1:] if p not in ("LTS", "Pro")]
    if not rest or parts[0] in ("Maven", "Packagist", "VSCode"):
        return None
    if parts[0] == "Red Hat":  # a product stream CPE: ``rhel_aus:8.6::appstream`` -> ``8``
        found = _FIRST_NUMBER.search(":".join(rest))
        return found.group(1) if found else None
    if parts[0] in ("SUSE", "openSUSE"):  # ``Linux Enterprise Server 15 SP5`` -> ``15.5``
        return suse_release(":".join(rest))
    release = rest[0]
    if parts[0] == "Alpine" and release.startswith("v"):
        release = release[1:]
    return release


@lru_cache(maxsize=4096)
def scheme_for_ecosystem(osv_ecosystem: str) -> str | None:
    """The version scheme of an OSV ecosystem string, or None when unsupported."""
    return _ECOSYSTEMS.get(ecosystem_base(osv_ecosystem))
