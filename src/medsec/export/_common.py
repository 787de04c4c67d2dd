"""Helpers shared by the SBOM writers: hash checks, timestamps, unique refs, the nesting tree."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from medsec.ingest.sbom_model import ParsedComponent

# CycloneDX hash algorithm -> expected hex length(s). BLAKE3 output is variable (>= 256 bits).
HASH_LENGTHS: dict[str, tuple[int, ...]] = {
    "MD5": (32,),
    "SHA-1": (40,),
    "SHA-256": (64,),
    "SHA-384": (96,),
    "SHA-512": (128,),
    "SHA3-256": (64,),
    "SHA3-384": (96,),
    "SHA3-512": (128,),
    "BLAKE2b-256": (64,),
    "BLAKE2b-384": (96,),
    "BLAKE2b-512": (128,),
    "BLAKE3": (64, 96, 128),
    "Streebog-256": (64,),
    "Streebog-512": (128,),
}
_ALG_BY_LOWER = {a.lower(): a for a in HASH_LENGTHS}
_HEX = re.compile(r"^[0-9a-fA-F]+$")


def clean_hashes(hashes: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Keep well-formed hashes: known algorithm (canonical CycloneDX name), hex of the right length.

    Duplicates (same algorithm and value) are dropped; document order is kept.
    """
    out: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for alg, value in hashes:
        canonical = _ALG_BY_LOWER.get(alg.strip().lower())
        content = value.strip().lower()
        if canonical is None or len(content) not in HASH_LENGTHS[canonical]:
            continue
        if not _HEX.match(content) or (canonical, content) in seen:
            continue
        seen.add((canonical, content))
        out.append((canonical, content))
    return out


def utc_timestamp(value: datetime | None) -> str:
    """Format as ``YYYY-MM-DDThh:mm:ssZ`` in UTC (naive values are taken as UTC; None = now)."""
    if value is None:
        value = datetime.now(UTC)
    elif value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def text(value: str | None) -> str | None:
    """Return a stripped string, or None when it is missing or blank."""
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def effective_parents(
    components: Sequence[ParsedComponent], refs: Sequence[str], primary_ref: str | None
) -> list[int | None]:
    """Index of each component's parent (by ``parent_ref``), or None for a top-level component.

    ``refs`` are the unique output refs (index-aligned with ``components``); a parent_ref that names
    the primary, an unknown ref or the component itself makes it top-level, and a cycle is cut where
    it is found, so the result is always a forest.
    """
    index = {r: i for i, r in enumerate(refs)}
    # The first component that carries a given original ref owns it (duplicates got new refs).
    for i, comp in enumerate(components):
        index.setdefault(comp.ref, i)
    parent: list[int | None] = []
    for i, comp in enumerate(components):
        p = comp.parent_ref
        j = index.get(p) if p is not None and p != primary_ref else None
        parent.append(None if j == i else j)
    state = [0] * len(components)  # 0 new, 1 on the current walk, 2 done
    for start in range(len(components)):
        path: list[int] = []
        cur: int | None = start
        while cur is not None and state[cur] == 0:
            state[cur] = 1
            path.append(cur)
            cur = parent[cur]
        if cur is not None and state[cur] == 1:
            parent[cur] = None  # cur closes a cycle: make it a root
        for node in path:
            state[node] = 2
    return parent


def unique_refs(
    components: Sequence[ParsedComponent], primary: ParsedComponent | None, fallback: str
) -> tuple[str | None, list[str]]:
    """Unique, non-empty refs for the primary and each component (duplicates get ``-dupN``)."""
    taken: set[str] = set()

    def claim(ref: str, n: int) -> str:
        base = ref.strip() or f"{fallback}-{n}"
        candidate, k = base, 1
        while candidate in taken:
            k += 1
            candidate = f"{base}-dup{k}"
        taken.add(candidate)
        return candidate

    primary_ref = claim(primary.ref, 0) if primary is not None else None
    return primary_ref, [claim(c.ref, i + 1) for i, c in enumerate(components)]


def ref_resolver(
    components: Sequence[ParsedComponent],
    primary: ParsedComponent | None,
    primary_ref: str | None,
    refs: Sequence[str],
) -> dict[str, str]:
    """Map every original ref (and every output ref) to its output ref; first owner wins."""
    resolve: dict[str, str] = {}
    if primary is not None and primary_ref is not None:
        resolve[primary.ref] = primary_ref
        resolve[primary_ref] = primary_ref
    for comp, ref in zip(components, refs, strict=True):
        resolve.setdefault(comp.ref, ref)
        resolve.setdefault(ref, ref)
    return resolve


def dependency_map(
    dependencies: Sequence[tuple[str, str]], resolve: dict[str, str]
) -> dict[str, list[str]]:
    """Group (ref, depends-on) edges by output ref; dangling refs and repeated edges are dropped."""
    graph: dict[str, list[str]] = {}
    seen: set[tuple[str, str]] = set()
    for src, dst in dependencies:
        a, b = resolve.get(src), resolve.get(dst)
        if a is None or b is None or (a, b) in seen:
            continue
        seen.add((a, b))
        graph.setdefault(a, []).append(b)
    return graph
