"""Linux distribution version orders: Debian/Ubuntu (dpkg), RPM (rpmvercmp) and Alpine (apk).

Each comparison algorithm walks both strings with a padded, token-by-token rule; the keys below
encode that walk as plain tuples with an explicit end marker, so tuple order is the tool's order.
"""

from __future__ import annotations

import re

from medsec.core.versions._base import InvalidVersion

# --- dpkg -------------------------------------------------------------------------------
_DEB_UPSTREAM = re.compile(r"^[0-9A-Za-z.+~:-]+$")
_DEB_REVISION = re.compile(r"^[0-9A-Za-z.+~]+$")
_DEB_PART = re.compile(r"([^0-9]*)([0-9]*)")
_NULL_PAIR = ((0,), 0)


def _deb_order(c: str) -> int:
    if c == "~":
        return -1
    if c.isalpha():
        return ord(c)
    return ord(c) + 256


def _verrev_key(s: str) -> tuple:
    """dpkg's verrevcmp walk: (non-digit run, number) pairs, padded by the null pair."""
    pairs: list[tuple] = []
    for m in _DEB_PART.finditer(s):
        text, digits = m.group(1), m.group(2)
        if not text and not digits:
            continue
        pairs.append(((*(_deb_order(c) for c in text), 0), int(digits) if digits else 0))
    while pairs and pairs[-1] == _NULL_PAIR:
        pairs.pop()
    if not pairs:
        return (_NULL_PAIR, _NULL_PAIR)  # only the first pair can be null, so pad twice
    return (*pairs, _NULL_PAIR)


def debian_key(version: str) -> tuple:
    """dpkg order: epoch, upstream version, Debian revision (``~`` sorts before anything)."""
    v = version.strip()
    epoch = 0
    if ":" in v:
        head, v = v.split(":", 1)
        if not head.isdecimal():
            raise InvalidVersion("debian", version, "epoch is not a number")
        epoch = int(head)
    upstream, _, revision = v.rpartition("-") if "-" in v else (v, "", "")
    if not upstream or not _DEB_UPSTREAM.match(upstream) or not upstream[0].isdecimal():
        raise InvalidVersion("debian", version, "upstream version must start with a digit")
    if revision and not _DEB_REVISION.match(revision):
        raise InvalidVersion("debian", version, "bad character in revision")
    if "-" in v and not revision:
        raise InvalidVersion("debian", version, "empty revision")
    return (epoch, _verrev_key(upstream), _verrev_key(revision))


# --- rpm --------------------------------------------------------------------------------
_RPM_TOKEN = re.compile(r"~|\^|[0-9]+|[A-Za-z]+")
# token ranks at one position of the rpmvercmp walk: ~ < end < ^ < letters < digits
_TILDE, _END, _CARET, _ALPHA, _DIGIT = 0, 1, 2, 3, 4
_END_TOKEN = (_END, 0, "")


def rpmvercmp_key(s: str) -> tuple:
    """Key of rpm's ``rpmvercmp`` on one string (version or release)."""
    out: list[tuple] = []
    for tok in _RPM_TOKEN.findall(s):
        if tok == "~":
            out.append((_TILDE, 0, ""))
        elif tok == "^":
            out.append((_CARET, 0, ""))
        elif tok[0].isdecimal():
            out.append((_DIGIT, int(tok), ""))
        else:
            out.append((_ALPHA, 0, tok))
    out.append(_END_TOKEN)
    return tuple(out)


def rpm_key(version: str) -> tuple:
    """RPM order of ``[epoch:]version[-release]``: epoch, then rpmvercmp on each part."""
    v = version.strip()
    if not v or any(c.isspace() for c in v):
        raise InvalidVersion("rpm", version, "empty or contains whitespace")
    epoch = 0
    if ":" in v:
        head, v = v.split(":", 1)
        if not head.isdecimal():
            raise InvalidVersion("rpm", version, "epoch is not a number")
        epoch = int(head)
    ver, _, rel = v.rpartition("-") if "-" in v else (v, "", "")
    if not ver:
        raise InvalidVersion("rpm", version, "empty version")
    return (epoch, rpmvercmp_key(ver), rpmvercmp_key(rel))


# --- apk --------------------------------------------------------------------------------
# apk-tools token types, in their enum order
_DIGIT_OR_ZERO, _T_DIGIT, _LETTER, _SUFFIX, _SUFFIX_NO, _REVISION_NO, _COMMIT, _T_END = range(8)
_PRE = ("alpha", "beta", "pre", "rc")
_POST = ("cvs", "svn", "git", "hg", "p")


def _apk_next(t: int, s: str, i: int) -> tuple[int, int]:
    """Type of the token starting at ``s[i]`` after a token of type ``t``; new index."""
    if i >= len(s):
        return _T_END, i
    c = s[i]
    n = -1
    if t in (_T_DIGIT, _DIGIT_OR_ZERO) and c.islower():
        n = _LETTER
    elif t == _LETTER and c.isdecimal():
        n = _T_DIGIT
    elif t == _SUFFIX and c.isdecimal():
        n = _SUFFIX_NO
    else:
        if c == ".":
            n = _DIGIT_OR_ZERO
        elif c == "_":
            n = _SUFFIX
        elif c == "-" and s[i + 1 : i + 2] == "r":
            n, i = _REVISION_NO, i + 1
        elif c == "~":
            n = _COMMIT
        i += 1
    if n < t and not (
        (n == _DIGIT_OR_ZERO and t == _T_DIGIT)
        or (n == _SUFFIX and t == _SUFFIX_NO)
        or (n == _T_DIGIT and t == _LETTER)
    ):
        n = -1
    return n, i


def alpine_key(version: str) -> tuple:
    """apk-tools order: tokens (digits, letter, ``_suffix``, ``-r`` revision) with types."""
    s = version.strip()
    if not s or not s[0].isdecimal():
        raise InvalidVersion("alpine", version, "must start with a digit")
    t, i, out = _T_DIGIT, 0, []
    while t != _T_END:
        if i >= len(s):
            raise InvalidVersion("alpine", version, "ends with a separator")
        if t in (_DIGIT_OR_ZERO, _T_DIGIT, _SUFFIX_NO, _REVISION_NO):
            j = i
            if t == _DIGIT_OR_ZERO and s[i] == "0":
                while j < len(s) and s[j] == "0":
                    j += 1
                # apk: leading zeros count negatively and a digits token follows
                value, nxt = -(j - i), _T_DIGIT
            else:
                while j < len(s) and s[j].isdecimal():
                    j += 1
                value, nxt = (int(s[i:j]) if j > i else 0), -1
        elif t == _LETTER:
            value, j, nxt = ord(s[i]), i + 1, -1
        elif t == _SUFFIX:
            word = re.match(r"[a-z]*", s[i:])
            w = word.group(0) if word else ""
            if w in _PRE:
                value = _PRE.index(w) - len(_PRE)
            elif w in _POST:
                value = _POST.index(w)
            else:
                raise InvalidVersion("alpine", version, f"unknown suffix _{w}")
            j, nxt = i + len(w), -1
        elif t == _COMMIT:
            j = i
            while j < len(s) and s[j] in "0123456789abcdef":
                j += 1
            value, nxt = 0, -1  # apk ignores the hash when comparing
            if j != len(s):
                raise InvalidVersion("alpine", version, "commit hash must end the version")
        else:
            raise InvalidVersion("alpine", version, "unexpected character")
        # rank of this token's type where two versions diverge: a later type is older,
        # and a pre-release suffix is older than anything
        rank = -100 if t == _SUFFIX and value < 0 else -t
        out.append((rank, value))
        i = j
        if i >= len(s):
            t = _T_END
        elif nxt != -1:
            t = nxt
        else:
            t, i = _apk_next(t, s, i)
        if t == -1:
            raise InvalidVersion("alpine", version, "bad token order")
    out.append((-_T_END, 0))
    return tuple(out)
