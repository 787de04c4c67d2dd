"""PyPI (PEP 440) versions, parsed by ``packaging`` and turned into plain tuples."""

from __future__ import annotations

from packaging.version import InvalidVersion as _PackagingInvalid
from packaging.version import Version

from medsec.core.versions._base import InvalidVersion


def pypi_key(version: str) -> tuple:
    """PEP 440 order as a tuple: epoch, release, pre, post, dev, local."""
    try:
        v = Version(version)
    except _PackagingInvalid as exc:
        raise InvalidVersion("pypi", version, "not PEP 440") from exc
    release = list(v.release)
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    if v.pre is None and v.post is None and v.dev is not None:
        pre: tuple = (0, "", 0)  # 1.0.dev1 sorts before 1.0a1
    elif v.pre is None:
        pre = (2, "", 0)
    else:
        pre = (1, v.pre[0], v.pre[1])
    post = (0, 0) if v.post is None else (1, v.post)
    dev = (1, 0) if v.dev is None else (0, v.dev)
    if v.local is None:
        local: tuple = (0,)
    else:
        local = (
            1,
            tuple((1, int(p), "") if p.isdecimal() else (0, 0, p) for p in v.local.split(".")),
        )
    return (v.epoch, tuple(release), pre, post, dev, local)
