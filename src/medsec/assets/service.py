"""Use cases of the hospital's inventory: import with configuration history, listing, and
mapping assets to the releases and vendor products medsec knows; flush, never commit.

Reading needs an account with any role; changing needs analyst (or reviewer, admin). An asset
mapped to a product the account has no access to is not shown to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.assets import repository as repo
from medsec.assets import rules
from medsec.assets.schemas import (
    AssetChangeRead,
    AssetRead,
    ImportIssue,
    ImportResult,
    SuggestionRead,
    UnmappedGroup,
)
from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.errors import DocumentError, InvalidInput, NotFound, PermissionDenied
from medsec.imported_csaf import queries as csaf_queries
from medsec.ingest.assets_table import COLUMNS, AssetTable
from medsec.models import Account, Asset, AssetChange, ModelMapping
from medsec.products import service as products

WRITE_ROLES = frozenset({"admin", "reviewer", "analyst"})
MAX_REPORTED = 50  # row errors named in a refusal


@dataclass(frozen=True, slots=True)
class Catalog:
    """What assets can map to, with labels and the product each release belongs to."""

    candidates: tuple[rules.Candidate, ...]
    labels: dict[str, str]
    product_of: dict[str, str]  # release target key -> product name


def reader(session: Session, actor: str) -> Account:
    """The acting account, when it may read the workspace."""
    account = accounts.get(session, accounts.account_name(actor))
    if account is None or not account.roles:
        raise PermissionDenied(
            f"the asset inventory: {accounts.account_name(actor)!r} has no account "
            "(medsec account add NAME --role viewer)"
        )
    return account


def writer(session: Session, actor: str) -> Account:
    """The acting account, when it may change the workspace."""
    account = reader(session, actor)
    if not WRITE_ROLES & set(account.roles):
        raise PermissionDenied(
            f"changing the asset inventory needs the analyst role: {account.name!r}"
        )
    return account


def catalog(session: Session) -> Catalog:
    """Every release medsec knows and every product named in current imported CSAF."""
    cands: list[rules.Candidate] = []
    labels: dict[str, str] = {}
    product_of: dict[str, str] = {}
    prods = products.list_products(session)
    releases = products.releases_by_product(session, [p.id for p in prods])
    for p in prods:
        for r in releases.get(p.id, []):
            key = rules.release_key(r.id)
            cands.append(rules.Candidate(key, p.manufacturer.name, p.name, r.version, "release"))
            labels[key] = f"{p.manufacturer.name} {p.name} {r.version}"
            product_of[key] = p.name
    for named in csaf_queries.named_products(session):
        key = rules.csaf_key(named.vendor, named.product, named.version)
        if key not in labels:
            cands.append(
                rules.Candidate(
                    key, named.vendor, named.product, named.version, f"csaf {named.tracking_id}"
                )
            )
            labels[key] = f"{named.vendor} {named.product} {named.version} ({named.tracking_id})"
    return Catalog(tuple(cands), labels, product_of)


def may_see(account: Account, asset: Any, cat: Catalog) -> bool:
    """False for an asset mapped to a product the account has no access to."""
    if not account.products or asset.target_key is None:
        return True
    product = cat.product_of.get(asset.target_key)
    return product is None or product in account.products


def to_read(asset: Asset, cat: Catalog) -> AssetRead:
    """The read model of an asset."""
    return AssetRead(
        **{c: getattr(asset, c) for c in COLUMNS},
        target=asset.target_key,
        target_label=cat.labels.get(asset.target_key) if asset.target_key else None,
        mapped_by=asset.mapped_by,
        updated_at=asset.updated_at,
    )


def _triple(values: Mapping[str, object]) -> tuple[str, str, str]:
    return (
        str(values["manufacturer"]),
        str(values["model"]),
        str(values.get("software_version") or ""),
    )


def _target_for(
    triple: tuple[str, str, str],
    confirmed: Mapping[tuple[str, str, str], str],
    cat: Catalog,
    exact_index: Mapping[tuple[str, str, str], list[str]],
) -> tuple[str | None, str | None]:
    if triple in confirmed:
        return confirmed[triple], "confirmed"
    keys = exact_index.get((triple[0].strip(), triple[1].strip(), triple[2].strip()), [])
    releases = [k for k in keys if k.startswith("release:")]
    chosen = releases if releases else keys
    if len(chosen) == 1:
        return chosen[0], "exact"
    return None, None


def _exact_index(cat: Catalog) -> dict[tuple[str, str, str], list[str]]:
    index: dict[tuple[str, str, str], list[str]] = {}
    for c in cat.candidates:
        index.setdefault((c.manufacturer.strip(), c.product.strip(), c.version.strip()), []).append(
            c.key
        )
    return index


def import_assets(
    session: Session,
    *,
    table: AssetTable,
    skip_bad_rows: bool,
    actor: str,
    commit_preview: bool = True,
) -> ImportResult:
    """Create or update assets from an inventory table; all rows or none unless skipping.

    With ``commit_preview=False`` nothing is written: the result says what would happen.
    """
    writer(session, actor)
    if table.errors and not skip_bad_rows and commit_preview:
        shown = "; ".join(str(e) for e in table.errors[:MAX_REPORTED])
        more = len(table.errors) - MAX_REPORTED
        raise DocumentError(
            f"{len(table.errors)} bad row(s), nothing imported (use --skip-bad-rows to import "
            f"the others): {shown}" + (f"; and {more} more" if more > 0 else ""),
            source=table.source,
        )
    if not table.rows and commit_preview:
        raise DocumentError("no asset rows to import", source=table.source)
    cat = catalog(session)
    confirmed = repo.mappings(session)
    exact_index = _exact_index(cat)
    existing = repo.asset_rows_by_tag(session, [r.asset_tag for r in table.rows])
    now = utcnow()
    new_rows: list[dict[str, object]] = []
    updates: list[dict[str, object]] = []
    history: list[tuple[str, str, dict[str, list[object]]]] = []
    mapped = unchanged = 0
    for row in table.rows:
        values = row.values()
        target, how = _target_for(_triple(values), confirmed, cat, exact_index)
        old = existing.get(row.asset_tag)
        if old is None:
            new_rows.append({**values, "target_key": target, "mapped_by": how, "updated_at": now})
            history.append(
                (
                    row.asset_tag,
                    "created",
                    {k: [None, _js(v)] for k, v in values.items() if v not in (None, False)},
                )
            )
            mapped += target is not None
            continue
        diff = {
            k: [_js(getattr(old, k)), _js(v)] for k, v in values.items() if getattr(old, k) != v
        }
        identity_changed = _triple(values) != _triple({c: getattr(old, c) for c in COLUMNS})
        new_target, new_how = (
            (target, how)
            if identity_changed or old.target_key is None
            else (old.target_key, old.mapped_by)
        )
        if new_target != old.target_key:
            diff["target"] = [old.target_key, new_target]
        if not diff:
            unchanged += 1
            continue
        updates.append(
            {
                "id": old.id,
                **values,
                "target_key": new_target,
                "mapped_by": new_how,
                "updated_at": now,
            }
        )
        history.append((row.asset_tag, "changed", diff))
        mapped += new_target is not None and new_target != old.target_key
    result = ImportResult(
        source=table.source,
        encoding=table.encoding,
        rows=len(table.rows) + len(table.errors),
        created=len(new_rows),
        changed=len(updates),
        unchanged=unchanged,
        mapped=mapped,
        skipped=[ImportIssue(row=e.row, column=e.column, message=e.message) for e in table.errors],
        unknown_columns=list(table.unknown_columns),
        empty_rows=list(table.empty_rows),
        committed=commit_preview,
    )
    if not commit_preview:
        return result
    if new_rows:
        repo.insert_assets(session, new_rows)
    if updates:
        repo.update_assets(session, updates)
    session.flush()
    ids = repo.ids_by_tag(session, [t for t, _, _ in history])
    if history:
        repo.add_changes(
            session,
            [
                {
                    "asset_id": ids[tag],
                    "action": action,
                    "changes": diff,
                    "changed_by": actor,
                    "changed_at": now,
                }
                for tag, action, diff in history
            ],
        )
    audit.record(
        session,
        actor=actor,
        action="assets.import",
        object_type="asset",
        details={
            "source": table.source,
            "created": result.created,
            "changed": result.changed,
            "skipped_rows": [e.row for e in table.errors],
        },
    )
    return result


def _js(value: object) -> object:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def list_assets(
    session: Session,
    *,
    actor: str,
    department: str | None = None,
    segment: str | None = None,
    unmapped: bool = False,
) -> list[AssetRead]:
    """Assets the account may see, filtered, by tag."""
    account = reader(session, actor)
    cat = catalog(session)
    rows = repo.assets(session, department=department, segment=segment, unmapped=unmapped)
    return [to_read(a, cat) for a in rows if may_see(account, a, cat)]


def get_asset(session: Session, *, tag: str, actor: str) -> AssetRead:
    """One asset; NotFound also when the account may not see it."""
    account = reader(session, actor)
    asset, cat = _visible_asset(session, tag, account)
    return to_read(asset, cat)


def _visible_asset(session: Session, tag: str, account: Account) -> tuple[Asset, Catalog]:
    asset = repo.asset(session, tag)
    cat = catalog(session)
    if asset is None or not may_see(account, asset, cat):
        raise NotFound(f"no asset tagged {tag!r} (see `medsec assets list`)")
    return asset, cat


def history(session: Session, *, tag: str, actor: str) -> list[AssetChangeRead]:
    """An asset's configuration history with who and when, oldest first."""
    account = reader(session, actor)
    asset, _ = _visible_asset(session, tag, account)
    return [
        AssetChangeRead(action=c.action, changes=c.changes, by=c.changed_by, at=c.changed_at)
        for c in repo.changes(session, asset.id)
    ]


def unmapped(session: Session, *, actor: str) -> list[UnmappedGroup]:
    """Unmapped assets grouped by manufacturer/model/version, with ranked suggestions."""
    reader(session, actor)
    cat = catalog(session)
    groups: dict[tuple[str, str, str], list[str]] = {}
    for a in repo.assets(session, unmapped=True):
        groups.setdefault((a.manufacturer, a.model, a.software_version or ""), []).append(
            a.asset_tag
        )
    out = []
    for (maker, model, version), tags in sorted(groups.items()):
        out.append(
            UnmappedGroup(
                manufacturer=maker,
                model=model,
                software_version=version,
                assets=tags,
                suggestions=[
                    SuggestionRead(
                        target=s.candidate.key,
                        label=cat.labels[s.candidate.key],
                        score=s.score,
                        reason=s.reason,
                    )
                    for s in rules.suggest(maker, model, version, cat.candidates)
                ],
            )
        )
    return out


def confirm_mapping(session: Session, *, tag: str, target: str, actor: str) -> int:
    """Map every asset sharing this asset's manufacturer/model/version to ``target`` and
    remember it for later imports; returns how many assets changed."""
    account = writer(session, actor)
    asset, cat = _visible_asset(session, tag, account)
    if target not in cat.labels:
        raise InvalidInput(f"unknown target {target!r}; use one that `medsec assets map` suggests")
    triple = (asset.manufacturer, asset.model, asset.software_version or "")
    row = repo.mapping(session, triple)
    if row is None:
        session.add(
            ModelMapping(
                manufacturer=triple[0],
                model=triple[1],
                software_version=triple[2],
                target_key=target,
                confirmed_by=actor,
            )
        )
    else:
        row.target_key, row.confirmed_by, row.confirmed_at = target, actor, utcnow()
    changed = 0
    now = utcnow()
    for a in repo.assets(session):
        if (a.manufacturer, a.model, a.software_version or "") != triple or a.target_key == target:
            continue
        session.add(
            AssetChange(
                asset_id=a.id,
                action="mapped",
                changes={"target": [a.target_key, target]},
                changed_by=actor,
                changed_at=now,
            )
        )
        a.target_key, a.mapped_by, a.updated_at = target, "confirmed", now
        changed += 1
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="assets.map",
        object_type="asset",
        details={"model": list(triple), "target": target, "assets": changed},
    )
    return changed


def assets_for_exposure(
    session: Session, *, actor: str, tags: Sequence[str] | None = None
) -> tuple[list[Any], Catalog]:
    """The assets an exposure report covers, visible to the account, as plain rows (the
    columns of an asset by attribute), and the catalog."""
    account = reader(session, actor)
    cat = catalog(session)
    rows = repo.asset_rows(session, tags=tags)
    visible = [a for a in rows if may_see(account, a, cat)]
    if tags is not None:
        missing = sorted(set(tags) - {a.asset_tag for a in visible})
        if missing:
            raise NotFound(f"no asset tagged {missing[0]!r} (see `medsec assets list`)")
    return visible, cat
