"""Package URL -> OSV identity: ecosystem, package name as OSV spells it, version, scheme.

``normalize_name`` is applied the same way to purl-derived names and to advisory package names,
so ``(ecosystem_base, normalize_name(...))`` is a safe index key on both sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from packageurl import PackageURL

from medsec.core.versions import ecosystem_base, scheme_for_ecosystem, suse_release

_SIMPLE = {
    "pypi": "PyPI",
    "npm": "npm",
    "maven": "Maven",
    "golang": "Go",
    "nuget": "NuGet",
    "gem": "RubyGems",
    "cargo": "crates.io",
    "composer": "Packagist",
    "hex": "Hex",
    "pub": "Pub",
    "swift": "SwiftURL",
    "cran": "CRAN",
    "hackage": "Hackage",
    "conan": "ConanCenter",
    "opam": "opam",
    "bitnami": "Bitnami",
}
_DEB = {"debian": "Debian", "ubuntu": "Ubuntu"}
_APK = {"alpine": "Alpine", "wolfi": "Wolfi", "chainguard": "Chainguard", "alpaquita": "Alpaquita"}
_RPM = {
    "redhat": "Red Hat",
    "almalinux": "AlmaLinux",
    "rocky": "Rocky Linux",
    "rockylinux": "Rocky Linux",
    "opensuse": "openSUSE",
    "suse": "SUSE",
    "openeuler": "openEuler",
    "photon": "Photon OS",
    "mageia": "Mageia",
    "azurelinux": "Azure Linux",
    "mariner": "Azure Linux",
}
_DEBIAN_CODENAMES = {
    "jessie": "8",
    "stretch": "9",
    "buster": "10",
    "bullseye": "11",
    "bookworm": "12",
    "trixie": "13",
    "forky": "14",
}
_NEEDS_NAMESPACE = frozenset({"swift", "maven", "composer"})
_PEP503 = re.compile(r"[-_.]+")
_LOWER = frozenset({"PyPI", "NuGet", "npm", "Packagist", "crates.io", "Hex", "Pub", "Debian"})


@dataclass(frozen=True, slots=True)
class PurlIdentity:
    """What a purl names in OSV terms; ``scheme`` is None for unsupported ecosystems."""

    ecosystem: str  # OSV ecosystem, with a release suffix when the purl has one (Debian:12)
    name: str  # normalized as normalize_name does
    version: str | None
    scheme: str | None
    purl_type: str

    @property
    def family(self) -> str:
        """The ecosystem without release suffix: the first half of an index key."""
        return ecosystem_base(self.ecosystem)


def normalize_name(ecosystem: str, name: str) -> str:
    """The comparable form of a package name in an OSV ecosystem (PEP 503 for PyPI, ...)."""
    base = ecosystem_base(ecosystem)
    n = name.strip()
    if base == "PyPI":
        return _PEP503.sub("-", n).lower()
    if base in _LOWER or base in ("Ubuntu", "Alpine", "Wolfi", "Chainguard"):
        return n.lower()
    return n


def _distro_release(qualifier: str | None, distro: str) -> str | None:
    """``debian-12`` / ``bookworm`` / ``alpine-3.18.4`` -> the OSV release suffix."""
    if not qualifier:
        return None
    q = qualifier.strip().lower()
    if q.startswith(distro + "-"):
        q = q[len(distro) + 1 :]
    if distro == "debian":
        q = _DEBIAN_CODENAMES.get(q, q)
        return q.split(".")[0] if q[:1].isdigit() else q
    if distro == "alpine":
        q = q.removeprefix("v")
        return ".".join(q.split(".")[:2])
    return q


def _ecosystem(p: PackageURL) -> str | None:
    ns = (p.namespace or "").lower()
    distro = str(p.qualifiers.get("distro", "")) if isinstance(p.qualifiers, dict) else ""
    if p.type in _SIMPLE:
        return _SIMPLE[p.type]
    if p.type == "deb" and ns in _DEB:
        release = _distro_release(distro, ns)
        return f"{_DEB[ns]}:{release}" if release else _DEB[ns]
    if p.type == "apk" and ns in _APK:
        release = _distro_release(distro, ns)
        return f"{_APK[ns]}:v{release}" if release and ns == "alpine" else _APK[ns]
    if p.type == "rpm" and ns in _RPM:
        if _RPM[ns] in _RPM_MAJOR_RELEASES:
            release = _rpm_release(distro, ns)
        elif _RPM[ns] in ("SUSE", "openSUSE") and distro:
            release = suse_release(distro)
        else:
            release = None
        return f"{_RPM[ns]}:{release}" if release else _RPM[ns]
    return None


# RPM distributions whose OSV ecosystems are scoped by major release (``AlmaLinux:8``; Red Hat's
# product streams ``Red Hat:rhel_aus:8.6::appstream`` by the major release of the stream).
_RPM_MAJOR_RELEASES = frozenset({"AlmaLinux", "Rocky Linux", "Red Hat"})
_RPM_RELEASE_RE = re.compile(r"^(?:[a-z]+-?)?(\d+)(?:[._]\d+)*$")


def _rpm_release(qualifier: str | None, distro: str) -> str | None:
    """``almalinux-8.6`` / ``el8`` / ``8`` -> ``8``; None when absent or unreadable."""
    if not qualifier:
        return None
    q = qualifier.strip().lower().removeprefix(distro + "-")
    m = _RPM_RELEASE_RE.match(q)
    return m.group(1) if m else None


def _osv_name(p: PackageURL, ecosystem: str) -> str:
    base = ecosystem_base(ecosystem)
    if base == "Maven":
        return f"{p.namespace}:{p.name}" if p.namespace else p.name
    if base in ("npm", "Go", "Packagist", "SwiftURL") and p.namespace:
        return f"{p.namespace}/{p.name}"
    return p.name


def _valid_for_type(p: PackageURL, text: str) -> bool:
    """Spec rules packageurl-python leaves lenient: lowercase qualifier keys, required parts."""
    query = text.split("?", 1)[1].split("#", 1)[0] if "?" in text else ""
    keys = [kv.split("=", 1)[0] for kv in query.split("&") if kv]
    if any(k != k.lower() for k in keys):
        return False
    if text.split("?", 1)[0].split("#", 1)[0].split("@", 1)[0].endswith("/"):
        return False  # an empty name segment
    return not (p.type in _NEEDS_NAMESPACE and not p.namespace)


# purl types whose identity needs no qualifier and only simple name rules: parsed without
# packageurl-python (which costs ~20 µs a purl); tests/core/test_purl_fast_data.py checks that both
# paths agree on every real purl and on generated ones.
_FAST_TYPES = {
    "pypi": ("PyPI", "name"),
    "npm": ("npm", "path"),
    "maven": ("Maven", "maven"),
    "golang": ("Go", "path"),
    "nuget": ("NuGet", "name"),
    "cargo": ("crates.io", "name"),
    "gem": ("RubyGems", "name"),
    "composer": ("Packagist", "path"),
}
_FAST = re.compile(
    r"pkg:([a-z]+)/((?:[A-Za-z0-9._~+-]+/)*)([A-Za-z0-9._~+-]+)(?:@([^?#/%]*))?(?:#[^?%]*)?"
)
_NOT_FAST = object()


def _fast_identity(text: str) -> PurlIdentity | object | None:
    m = _FAST.fullmatch(text)
    if m is None or m.group(1) not in _FAST_TYPES:
        return _NOT_FAST
    ptype = m.group(1)
    ecosystem, shape = _FAST_TYPES[ptype]
    namespace, name = m.group(2).rstrip("/"), m.group(3)
    if ptype in _NEEDS_NAMESPACE and not namespace:
        return None
    if shape == "maven":
        osv = f"{namespace}:{name}"
    elif shape == "path" and namespace:
        osv = f"{namespace}/{name}"
    else:
        osv = name
    return PurlIdentity(
        ecosystem=ecosystem,
        name=normalize_name(ecosystem, osv),
        version=m.group(4) or None,
        scheme=scheme_for_ecosystem(ecosystem),
        purl_type=ptype,
    )


@lru_cache(maxsize=1 << 18)
def purl_identity(purl: str) -> PurlIdentity | None:
    """Parse a purl into its OSV identity; None when the purl is invalid or has no OSV form."""
    text = purl.strip()
    fast = _fast_identity(text)
    if fast is not _NOT_FAST:
        return fast  # type: ignore[return-value]
    return slow_identity(text)


def slow_identity(text: str) -> PurlIdentity | None:
    """purl_identity through packageurl-python: every purl type; the reference for the fast path."""
    try:
        p = PackageURL.from_string(text)
    except (ValueError, TypeError):
        return None
    if not p.name or not _valid_for_type(p, text):
        return None
    ecosystem = _ecosystem(p)
    if ecosystem is None:
        return None
    name = normalize_name(ecosystem, _osv_name(p, ecosystem))
    return PurlIdentity(
        ecosystem=ecosystem,
        name=name,
        version=p.version or None,
        scheme=scheme_for_ecosystem(ecosystem),
        purl_type=p.type,
    )
