"""Alias groups: records that name each other form one vulnerability with every id shown."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from medsec.matching.aliases import UnionFind, preferred_key
from medsec.models import (
    CvssRescore,
    Finding,
    FindingEvent,
    RiskRecord,
    SsvcDecisionRow,
    VexDecision,
)
from medsec.vulns import repository as repo


def assign_groups(session: Session, id_lists: Sequence[list[str]]) -> list[int]:
    """The vulnerability id of each record (ids: [own id, *aliases]); creates and merges groups."""
    every = sorted({i for ids in id_lists for i in ids})
    known = repo.alias_groups(session, every)
    uf = UnionFind()
    for ids in id_lists:
        for other in ids[1:]:
            uf.union(ids[0], other)
        for i in ids:
            if i in known:
                uf.union(ids[0], f"#{known[i]}")
    members: dict[str, list[str]] = {}
    for i in every:
        members.setdefault(uf.find(i), []).append(i)
    fresh = [root for root, ids in members.items() if not any(i in known for i in ids)]
    group_of_root: dict[str, int] = {}
    if fresh:
        keys = [preferred_key(members[root]) for root in fresh]
        group_of_root.update(zip(fresh, repo.create_vulnerabilities(session, keys), strict=True))
    grown: set[int] = set()
    for root, ids in members.items():
        existing = sorted({known[i] for i in ids if i in known})
        if existing:
            group_of_root[root] = existing[0]
            if len(existing) > 1:
                merge(session, existing[0], existing[1:])
            if len(existing) > 1 or any(i not in known for i in ids):
                grown.add(existing[0])
    new_aliases = [
        (i, group_of_root[root]) for root, ids in members.items() for i in ids if i not in known
    ]
    if new_aliases:
        repo.add_aliases(session, new_aliases)
    _refresh_keys(session, sorted(grown))
    return [group_of_root[uf.find(ids[0])] for ids in id_lists]


def _refresh_keys(session: Session, vulnerability_ids: list[int]) -> None:
    ids = repo.group_ids(session, vulnerability_ids)
    repo.set_keys(session, {vid: preferred_key(a) for vid, a in ids.items()})


def merge(session: Session, target: int, others: list[int]) -> None:
    """Fold vulnerability groups into ``target``: aliases, advisories and findings move over."""
    session.flush()
    repo.repoint_groups(session, target, others)
    # VEX decisions, findings and what points at them belong to the domains above vulns; they
    # are re-pointed here, in the feed import's transaction (ARCHITECTURE.md)
    session.execute(
        update(VexDecision)
        .where(VexDecision.vulnerability_id.in_(others))
        .values(vulnerability_id=target)
    )
    kept = {
        (f.release_id, f.component_key): f
        for f in session.execute(
            select(Finding).where(Finding.vulnerability_id == target)
        ).scalars()
    }
    for f in session.execute(select(Finding).where(Finding.vulnerability_id.in_(others))).scalars():
        twin = kept.get((f.release_id, f.component_key))
        if twin is None:
            f.vulnerability_id = target
            kept[(f.release_id, f.component_key)] = f
            continue
        # the twin keeps its id; rows that point at the folded finding move to it (the twin's
        # own risk record, if any, stays the current one)
        twin_risk = select(RiskRecord.id).where(RiskRecord.finding_id == twin.id).limit(1)
        if session.execute(twin_risk).first() is not None:
            stale = update(RiskRecord).where(RiskRecord.finding_id == f.id)
            session.execute(stale.values(is_current=False))
        for model in (CvssRescore, SsvcDecisionRow, RiskRecord, FindingEvent):
            session.execute(
                update(model).where(model.finding_id == f.id).values(finding_id=twin.id)
            )
        twin.explanations = [*twin.explanations, *f.explanations]
        session.delete(f)
    session.flush()
    repo.delete_vulnerabilities(session, others)
