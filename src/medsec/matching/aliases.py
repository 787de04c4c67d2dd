"""Alias grouping without storage: records that name each other are one vulnerability."""

from __future__ import annotations

from collections.abc import Iterable

from medsec.ingest.vuln_model import VulnRecord


def preferred_key(ids: Iterable[str]) -> str:
    """The id shown first: the lowest CVE id when there is one, else the first id."""
    ids = list(ids)
    cves = sorted(i for i in ids if i.startswith("CVE-"))
    return cves[0] if cves else ids[0]


class UnionFind:
    """Disjoint sets over string ids."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        """The representative of x's set."""
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        """Join the sets of a and b."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def group_records(records: Iterable[VulnRecord]) -> dict[str, tuple[str, list[str]]]:
    """record id -> (preferred key, every id of its group, sorted)."""
    records = list(records)
    uf = UnionFind()
    for r in records:
        for alias in r.aliases:
            uf.union(r.id, alias)
        uf.find(r.id)
    members: dict[str, list[str]] = {}
    for x in list(uf.parent):
        members.setdefault(uf.find(x), []).append(x)
    return {
        r.id: (preferred_key(sorted(members[uf.find(r.id)])), sorted(members[uf.find(r.id)]))
        for r in records
    }
