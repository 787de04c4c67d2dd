"""RubyGems ``Gem::Version`` order and Composer/Packagist order (PHP ``version_compare``)."""

from __future__ import annotations

import re

from medsec.core.versions._base import InvalidVersion

_GEM = re.compile(r"^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$")
_GEM_SEG = re.compile(r"[0-9]+|[a-zA-Z]+")


def rubygems_key(version: str) -> tuple:
    """``Gem::Version#<=>``: segments padded with 0, strings (pre-releases) below numbers."""
    v = version.strip()
    if not _GEM.match(v):
        raise InvalidVersion("rubygems", version, "not a gem version")
    v = v.replace("-", ".pre.")
    segs: list[int | str] = [int(s) if s.isdecimal() else s for s in _GEM_SEG.findall(v)]
    cut = next((i for i, s in enumerate(segs) if isinstance(s, str)), len(segs))
    num, rest = segs[:cut], segs[cut:]
    while num and num[-1] == 0:
        num.pop()
    while rest and rest[-1] == 0:
        rest.pop()
    segs = num + rest
    # a 0 equals the padding, so it carries the sign of the next non-zero segment
    out: list[tuple] = []
    for i, s in enumerate(segs):
        if isinstance(s, str):
            out.append((0, 0, s, 0))
        elif s:
            out.append((1, s, "", 0))
        else:
            nxt = next(x for x in segs[i + 1 :] if x != 0)
            out.append((1, 0, "", -1 if isinstance(nxt, str) else 1))
    out.append((1, 0, "", 0))
    return tuple(out)


# --- Composer ---------------------------------------------------------------------------
_COMPOSER = re.compile(
    r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?"
    # the stability number: digits, then separated digit groups. Written so that a run of
    # digits can be split only one way: ``(?:[.-]?\d+)*`` backtracked exponentially on a long
    # run followed by a character that fails the match (22 digits: 6 s)
    r"(?:[._-]?(stable|beta|b|rc|alpha|a|patch|pl|p)(\d*(?:[.-]\d+)*))?"
    r"([.-]?dev)?$",
    re.IGNORECASE,
)
MAX_COMPOSER_LENGTH = 256  # characters: far beyond real versions, far below int()'s 4300 digits
_STABILITY = {"a": "alpha", "b": "beta", "p": "patch", "pl": "patch", "rc": "RC"}
# PHP version_compare special forms (matched by prefix, like PHP does)
_PHP_FORMS = (("dev", 1), ("alpha", 2), ("a", 2), ("beta", 3), ("b", 3), ("RC", 4), ("rc", 4))
_PHP_FORMS_POST = (("#", 5), ("pl", 6), ("p", 6))
_PHP_PART = re.compile(r"\d+|[^\d.]+")


def _php_form(word: str) -> int:
    for name, order in _PHP_FORMS + _PHP_FORMS_POST:
        if word.startswith(name):
            return order
    return 0  # unknown words sort below "dev"


def php_version_key(version: str) -> tuple:
    """PHP ``version_compare`` order; the end marker sits just below any number."""
    canon = re.sub(r"[-_+]", ".", version)
    out = [
        (5, int(p) + 1) if p.isdecimal() else (_php_form(p), 0) for p in _PHP_PART.findall(canon)
    ]
    out.append((5, 0))
    return tuple(out)


def composer_normalize(version: str) -> str:
    """Composer ``VersionParser::normalize`` for release versions (``1.2`` -> ``1.2.0.0``)."""
    v = version.strip().split("+", 1)[0]  # build metadata is dropped, as Composer does
    if len(v) > MAX_COMPOSER_LENGTH:
        raise InvalidVersion("packagist", version[:80], "longer than any Composer version")
    m = _COMPOSER.match(v)
    if m is None:
        raise InvalidVersion("packagist", version, "not a Composer version")
    nums = [m.group(i) or "0" for i in range(1, 5)]
    out = ".".join(str(int(n)) for n in nums)
    if m.group(5):
        stab = m.group(5).lower()
        if stab != "stable":
            out += "-" + _STABILITY.get(stab, stab) + (m.group(6) or "").lstrip(".-")
    if m.group(7):
        out += "-dev"
    return out


def packagist_key(version: str) -> tuple:
    """Composer order: normalize, then PHP ``version_compare``."""
    return php_version_key(composer_normalize(version))
