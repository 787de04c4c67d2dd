"""Every query of the vulnerability-intelligence domain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from medsec.core.batching import chunks
from medsec.models import (
    Advisory,
    AdvisoryKey,
    Component,
    EpssRow,
    FeedCursor,
    FeedSnapshot,
    KevEntryRow,
    VulnAlias,
    Vulnerability,
)
from medsec.vulns import codec
from medsec.vulns.schemas import AdvisoryValues


def max_change_seq(session: Session) -> int:
    """The highest advisory change sequence (0 when there are no advisories)."""
    return session.execute(select(func.max(Advisory.change_seq))).scalar() or 0


def existing_advisories(
    session: Session, keys: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], Any]:
    """(source, source id) -> row (id, modified, content_hash) of stored advisories.

    Each query names the source too, so it searches the (source, source_id) unique index.
    """
    out: dict[tuple[str, str], Any] = {}
    cols = (
        Advisory.id,
        Advisory.source,
        Advisory.source_id,
        Advisory.modified,
        Advisory.content_hash,
    )
    by_source: dict[str, list[str]] = {}
    for source, source_id in keys:
        by_source.setdefault(source, []).append(source_id)
    for source, ids in by_source.items():
        for part in chunks(sorted(set(ids))):
            stmt = select(*cols).where(Advisory.source == source, Advisory.source_id.in_(part))
            for row in session.execute(stmt):
                out[(row.source, row.source_id)] = row
    return out


def advisory_ids_for_keys(session: Session, keys: Sequence[tuple[str, str, str]]) -> set[int]:
    """Ids of the advisories having any of the (kind, space, name) lookup keys."""
    ids: set[int] = set()
    by_kind: dict[tuple[str, str], list[str]] = {}
    for kind, space, name in keys:
        by_kind.setdefault((kind, space), []).append(name)
    for (kind, space), names in by_kind.items():
        for part in chunks(sorted(set(names))):
            stmt = select(AdvisoryKey.advisory_id).where(
                AdvisoryKey.kind == kind, AdvisoryKey.space == space, AdvisoryKey.name.in_(part)
            )
            ids.update(session.execute(stmt).scalars())
    return ids


def advisories_for_keys(session: Session, keys: Sequence[tuple[str, str, str]]) -> list[Advisory]:
    """Advisories having any of the (kind, space, name) lookup keys."""
    return advisories_by_id(session, sorted(advisory_ids_for_keys(session, keys)))


def advisories_by_id(session: Session, ids: Sequence[int]) -> list[Advisory]:
    """Advisory rows by primary key."""
    out: list[Advisory] = []
    for part in chunks(ids):
        out.extend(session.execute(select(Advisory).where(Advisory.id.in_(part))).scalars())
    return out


def advisories_of_groups(session: Session, group_ids: Sequence[int]) -> list[Advisory]:
    """Every advisory of the given vulnerability groups."""
    out: list[Advisory] = []
    for part in chunks(sorted(set(group_ids))):
        stmt = select(Advisory).where(Advisory.vulnerability_id.in_(part))
        out.extend(session.execute(stmt).scalars())
    return out


SHOWN_COLUMNS = (
    Advisory.vulnerability_id,
    Advisory.source,
    Advisory.source_id,
    Advisory.modified,
    Advisory.published,
    Advisory.withdrawn,
    Advisory.summary,
    Advisory.severities,
)


def shown_advisories_of_groups(session: Session, group_ids: Sequence[int]) -> list[Any]:
    """What a finding shows of each advisory of the groups (no affected ranges, details,
    references or configurations: light rows, in storage order)."""
    out: list[Any] = []
    for part in chunks(sorted(set(group_ids))):
        stmt = select(*SHOWN_COLUMNS).where(Advisory.vulnerability_id.in_(part))
        out.extend(session.execute(stmt.order_by(Advisory.id)))
    return out


def stated_severities(session: Session, group_ids: Sequence[int]) -> list[Any]:
    """(vulnerability_id, source_id, severities) of every advisory of the groups (light rows)."""
    out: list[Any] = []
    cols = (Advisory.vulnerability_id, Advisory.source_id, Advisory.severities)
    for part in chunks(sorted(set(group_ids))):
        out.extend(session.execute(select(*cols).where(Advisory.vulnerability_id.in_(part))))
    return out


def store_scores(session: Session, scores: dict[int, tuple[str | None, float | None]]) -> None:
    """Store each vulnerability's (severity shown, CVSS score in force)."""
    rows = [{"id": v, "severity": sev, "cvss_score": num} for v, (sev, num) in scores.items()]
    for part in chunks(rows, 5000):
        session.execute(update(Vulnerability), list(part))


def group_ids(session: Session, group_ids: Sequence[int]) -> dict[int, list[str]]:
    """Vulnerability id -> every alias it is known by (sorted)."""
    out: dict[int, list[str]] = {}
    for part in chunks(sorted(set(group_ids))):
        stmt = select(VulnAlias.vulnerability_id, VulnAlias.alias).where(
            VulnAlias.vulnerability_id.in_(part)
        )
        for vid, alias in session.execute(stmt):
            out.setdefault(vid, []).append(alias)
    return {k: sorted(v) for k, v in out.items()}


def group_intel(
    session: Session, group_ids: Sequence[int]
) -> tuple[dict[int, list[str]], dict[str, KevEntryRow], dict[str, EpssRow]]:
    """(vulnerability id -> every alias, sorted; KEV and EPSS rows of those aliases by CVE) in
    one statement per chunk: `group_ids`, `kev_for` and `epss_for` of the CVE aliases at once."""
    ids: dict[int, list[str]] = {}
    kev: dict[str, KevEntryRow] = {}
    epss: dict[str, EpssRow] = {}
    for part in chunks(sorted(set(group_ids))):
        stmt = (
            select(VulnAlias.vulnerability_id, VulnAlias.alias, KevEntryRow, EpssRow)
            .outerjoin(KevEntryRow, KevEntryRow.cve_id == VulnAlias.alias)
            .outerjoin(EpssRow, EpssRow.cve_id == VulnAlias.alias)
            .where(VulnAlias.vulnerability_id.in_(part))
        )
        for vid, alias, k, e in session.execute(stmt):
            ids.setdefault(vid, []).append(alias)
            if k is not None and alias.startswith("CVE-"):
                kev[alias] = k
            if e is not None and alias.startswith("CVE-"):
                epss[alias] = e
    return {k: sorted(v) for k, v in ids.items()}, kev, epss


def vulnerabilities(session: Session, ids: Sequence[int]) -> dict[int, Vulnerability]:
    """Vulnerability rows by id."""
    out: dict[int, Vulnerability] = {}
    for part in chunks(sorted(set(ids))):
        out.update(
            {
                v.id: v
                for v in session.execute(
                    select(Vulnerability).where(Vulnerability.id.in_(part))
                ).scalars()
            }
        )
    return out


def vulnerability_by_alias(session: Session, alias: str) -> Vulnerability | None:
    """The vulnerability known by that id."""
    stmt = select(Vulnerability).join(VulnAlias).where(VulnAlias.alias == alias)
    return session.execute(stmt).scalar()


def _by_cve(session: Session, model: Any, cves: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in chunks(sorted(set(cves))):
        stmt = select(model).where(model.cve_id.in_(part))
        out.update((row.cve_id, row) for row in session.execute(stmt).scalars())
    return out


def kev_for(session: Session, cves: Sequence[str]) -> dict[str, KevEntryRow]:
    """KEV entries of the given CVE ids."""
    return _by_cve(session, KevEntryRow, cves)


def epss_for(session: Session, cves: Sequence[str]) -> dict[str, EpssRow]:
    """EPSS scores of the given CVE ids."""
    return _by_cve(session, EpssRow, cves)


MATCH_COLUMNS = (
    Advisory.id,
    Advisory.source,
    Advisory.source_id,
    Advisory.vulnerability_id,
    Advisory.withdrawn,
    Advisory.aliases,
    Advisory.affected,
    Advisory.configurations,
)


FORM_COLUMNS = (
    Advisory.id,
    Advisory.source,
    Advisory.source_id,
    Advisory.vulnerability_id,
    Advisory.match_form,
)


def match_forms_for_keys(session: Session, keys: Sequence[tuple[str, str, str]]) -> list[Any]:
    """(id, source, source_id, vulnerability_id, match_form) of the advisories having any of
    the keys, in id order; one joined query per chunk of names, no full record decoded."""
    rows: dict[int, Any] = {}
    by_kind: dict[tuple[str, str], list[str]] = {}
    for kind, space, name in keys:
        by_kind.setdefault((kind, space), []).append(name)
    for (kind, space), names in by_kind.items():
        for part in chunks(sorted(set(names))):
            stmt = (
                select(*FORM_COLUMNS)
                .join(AdvisoryKey, AdvisoryKey.advisory_id == Advisory.id)
                .where(
                    AdvisoryKey.kind == kind, AdvisoryKey.space == space, AdvisoryKey.name.in_(part)
                )
            )
            rows.update((row.id, row) for row in session.execute(stmt))
    return _with_forms(session, rows)


def match_forms_of_sboms(session: Session, sbom_ids: Sequence[int]) -> list[Any]:
    """``match_forms_for_keys`` of every lookup key of the SBOMs' components, found by the
    database (a semi-join of advisory keys with the component key indexes): for large batches,
    where sending the keys themselves would take hundreds of thousands of parameters."""
    rows: dict[int, Any] = {}
    for part in chunks(sorted(set(sbom_ids))):
        pkg = exists().where(
            Component.pkg_space == AdvisoryKey.space,
            Component.pkg_name == AdvisoryKey.name,
            Component.sbom_id.in_(part),
        )
        cpe = exists().where(Component.cpe_key == AdvisoryKey.name, Component.sbom_id.in_(part))
        stmt = (
            select(*FORM_COLUMNS)
            .join(AdvisoryKey, AdvisoryKey.advisory_id == Advisory.id)
            .where(
                or_(
                    and_(AdvisoryKey.kind == "pkg", pkg),
                    and_(AdvisoryKey.kind == "cpe", AdvisoryKey.space == "cpe", cpe),
                )
            )
        )
        rows.update((row.id, row) for row in session.execute(stmt))
    return _with_forms(session, rows)


def _with_forms(session: Session, rows: dict[int, Any]) -> list[Any]:
    """The rows in id order, the form derived for those stored without one."""
    missing = [i for i, row in rows.items() if row.match_form is None]
    for part in chunks(sorted(missing)):  # rows stored without the form: derived here
        stmt = select(*MATCH_COLUMNS).where(Advisory.id.in_(part))
        for row in session.execute(stmt):
            rows[row.id] = _FormRow(
                row.id, row.source, row.source_id, row.vulnerability_id, codec.match_form(row)
            )
    return [rows[i] for i in sorted(rows)]


@dataclass(frozen=True, slots=True)
class _FormRow:
    id: int
    source: str
    source_id: str
    vulnerability_id: int
    match_form: str


def match_rows_of_groups(session: Session, group_ids: Sequence[int]) -> list[Any]:
    """What matching needs of every advisory of the given vulnerability groups."""
    out: list[Any] = []
    for part in chunks(sorted(set(group_ids))):
        stmt = select(*MATCH_COLUMNS).where(Advisory.vulnerability_id.in_(part))
        out.extend(session.execute(stmt))
    return out


def groups_changed_after(session: Session, seq: int) -> list[int]:
    """Vulnerability groups with an advisory whose change sequence is above ``seq``."""
    # no DISTINCT in SQL: it would lead SQLite to walk the vulnerability index over every row
    stmt = select(Advisory.vulnerability_id).where(Advisory.change_seq > seq)
    return sorted(set(session.execute(stmt).scalars()))


def snapshots_page(session: Session, *, offset: int, limit: int) -> tuple[int, list[Any]]:
    """(total, one page) of imported feed snapshots, newest first."""
    total = session.execute(select(func.count(FeedSnapshot.id))).scalar_one()
    stmt = select(FeedSnapshot).order_by(FeedSnapshot.id.desc()).offset(offset).limit(limit)
    return int(total), list(session.execute(stmt).scalars())


def all_snapshots(session: Session) -> list[FeedSnapshot]:
    """Every imported feed snapshot, newest first."""
    return list(session.execute(select(FeedSnapshot).order_by(FeedSnapshot.id.desc())).scalars())


def cursors(session: Session) -> list[FeedCursor]:
    """Every stored sync cursor, by feed name."""
    return list(session.execute(select(FeedCursor).order_by(FeedCursor.name)).scalars())


def latest_snapshots(session: Session) -> dict[str, FeedSnapshot]:
    """The newest feed snapshot of each feed kind (osv, nvd, kev, epss, ...)."""
    newest = (
        select(FeedSnapshot.kind, func.max(FeedSnapshot.id).label("id"))
        .group_by(FeedSnapshot.kind)
        .subquery()
    )
    rows = session.scalars(select(FeedSnapshot).join(newest, FeedSnapshot.id == newest.c.id))
    return {r.kind: r for r in rows}


def alias_groups(session: Session, aliases: Sequence[str]) -> dict[str, int]:
    """alias -> the vulnerability group it belongs to, for the aliases already known."""
    known: dict[str, int] = {}
    for part in chunks(aliases, 900):
        stmt = select(VulnAlias.alias, VulnAlias.vulnerability_id).where(VulnAlias.alias.in_(part))
        known.update({a: v for a, v in session.execute(stmt)})  # noqa: C416 (Result has keys())
    return known


def create_vulnerabilities(session: Session, keys: Sequence[str]) -> list[int]:
    """Insert one vulnerability group per key; their ids in the order given."""
    create = insert(Vulnerability).returning(Vulnerability.id, sort_by_parameter_order=True)
    return list(session.execute(create, [{"key": k} for k in keys]).scalars())


def add_aliases(session: Session, aliases: Sequence[tuple[str, int]]) -> None:
    """Insert (alias, vulnerability group) rows."""
    rows = [{"alias": a, "vulnerability_id": v} for a, v in aliases]
    session.execute(insert(VulnAlias), rows)


def set_keys(session: Session, keys: dict[int, str]) -> None:
    """Set the shown key of vulnerability groups."""
    if keys:
        session.execute(update(Vulnerability), [{"id": v, "key": k} for v, k in keys.items()])


def repoint_groups(session: Session, target: int, others: Sequence[int]) -> None:
    """Move the aliases and advisory records of groups ``others`` to group ``target``."""
    for model in (VulnAlias, Advisory):
        session.execute(
            update(model)
            .where(model.vulnerability_id.in_(list(others)))
            .values(vulnerability_id=target)
        )


def delete_vulnerabilities(session: Session, ids: Sequence[int]) -> None:
    """Delete vulnerability groups (nothing may point at them any more)."""
    session.execute(delete(Vulnerability).where(Vulnerability.id.in_(list(ids))))


def insert_advisories(session: Session, rows: Sequence[AdvisoryValues]) -> list[int]:
    """Insert advisory rows; their ids in the order given."""
    stmt = insert(Advisory).returning(Advisory.id, sort_by_parameter_order=True)
    return list(session.execute(stmt, list(rows)).scalars())


def update_advisories(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Update advisory rows (each with its ``id``) and drop their lookup keys (written anew)."""
    session.execute(update(Advisory), list(rows))
    for part in chunks([row["id"] for row in rows]):
        session.execute(delete(AdvisoryKey).where(AdvisoryKey.advisory_id.in_(part)))
