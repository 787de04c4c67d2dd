"""Use cases linking a CVD case to what medsec knows (product, release, component,
vulnerability, finding) and recording its CVE id once assigned."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from medsec.audit import service as audit
from medsec.cvd import access, repository, service
from medsec.cvd.service import resolve
from medsec.errors import Conflict, InvalidInput, NotFound
from medsec.findings import decisions
from medsec.models import CvdCase, CvdLink
from medsec.products import service as products
from medsec.vulns import service as vulns

CVE_ID = re.compile(r"CVE-\d{4}-\d{4,}")
CREDIT_CHARS = 200


@dataclass(frozen=True, slots=True)
class Target:
    """One resolved thing to link, with the product it belongs to (if any)."""

    kind: str
    id: int
    label: str
    product_id: int | None
    product: str | None
    release_id: int | None = None
    component_id: int | None = None
    vulnerability_id: int | None = None
    finding_id: int | None = None


def _component(
    session: Session, ref: str, product: str | None, release: str | None, case: CvdCase
) -> Target:
    if ref.isdigit():
        found = repository.component_with_release(session, int(ref))
        if found is None:
            raise NotFound(f"no component {ref} (see `medsec sbom show`)")
        comp, rel = found
    else:
        name = product or repository.product_name(session, case.product_id)
        if name is None or release is None:
            raise InvalidInput(
                f"--component {ref!r}: give --product and --release (or a component id)"
            )
        rel = products.get_release(session, product=name, version=release)
        cname, _, cversion = ref.partition("@")
        rows = repository.components_named(session, rel.id, cname, cversion or None)
        if len(rows) != 1:
            what = "no component" if not rows else f"{len(rows)} components"
            raise NotFound(f"{what} named {ref!r} in {name} {release} (use NAME@VERSION or an id)")
        comp = rows[0]
    pname = repository.product_name(session, rel.product_id)
    label = f"{pname} {rel.version}: {comp.name} {comp.version or ''}".strip()
    return Target("component", comp.id, label, rel.product_id, pname, rel.id, component_id=comp.id)


def _targets(
    session: Session,
    case: CvdCase,
    *,
    product: str | None,
    release: str | None,
    component: str | None,
    vuln: str | None,
    finding: int | None,
) -> list[Target]:
    out: list[Target] = []
    if product is not None:
        prod = products.get_product(session, product)
        out.append(Target("product", prod.id, prod.name, prod.id, prod.name))
    if release is not None and component is None:
        name = product or repository.product_name(session, case.product_id)
        if name is None:
            raise InvalidInput("--release needs --product (the case has no product yet)")
        rel = products.get_release(session, product=name, version=release)
        out.append(Target("release", rel.id, f"{name} {rel.version}", rel.product_id, name, rel.id))
    if component is not None:
        out.append(_component(session, component, product, release, case))
    if vuln is not None:
        row, ids, _ = vulns.get_vulnerability(session, vuln)
        label = ", ".join(ids) or row.key
        out.append(Target("vulnerability", row.id, label, None, None, vulnerability_id=row.id))
    if finding is not None:
        f, rel, prod = decisions.get_finding(session, finding)
        label = f"finding {f.id} ({prod.name} {rel.version}, {f.component_key})"
        out.append(Target("finding", f.id, label, prod.id, prod.name, rel.id, finding_id=f.id))
    if not out:
        raise InvalidInput("link: give --product, --release, --component, --vuln or --finding")
    return out


def link(
    session: Session,
    *,
    case: str,
    actor: str,
    product: str | None = None,
    release: str | None = None,
    component: str | None = None,
    vuln: str | None = None,
    finding: int | None = None,
) -> list[CvdLink]:
    """Link a case; the first product linked becomes the case's product (access follows it)."""
    row = resolve(session, case)
    access.require_write(session, actor, row, rule="cvd link", ref=case)
    targets = _targets(
        session,
        row,
        product=product,
        release=release,
        component=component,
        vuln=vuln,
        finding=finding,
    )
    for t in targets:
        access.require_write(session, actor, row, rule="cvd link", product=t.product)
    made = []
    for t in targets:
        key = f"{t.kind}:{t.id}"
        if repository.link(session, row.id, key) is not None:
            continue
        item = CvdLink(
            case_id=row.id,
            kind=t.kind,
            target=key,
            label=t.label,
            product_id=t.product_id,
            release_id=t.release_id,
            component_id=t.component_id,
            vulnerability_id=t.vulnerability_id,
            finding_id=t.finding_id,
            created_by=actor,
        )
        session.add(item)
        made.append(item)
        if row.product_id is None and t.product_id is not None:
            row.product_id = t.product_id
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="cvd.case.link",
        object_type="cvd_case",
        object_id=row.id,
        product_id=row.product_id,
        details={"receipt_id": row.receipt_id, "linked": [i.target for i in made]},
    )
    derived = service.derived_risk(session, row)
    if derived is not None and derived[0] != row.risk:
        service.set_risk(session, case=row.receipt_id, risk="derived", actor=actor)
    return made


def set_cve(session: Session, *, case: str, cve_id: str, actor: str) -> CvdCase:
    """Record the case's CVE id (``CVE-YYYY-NNNN+``); Conflict when another case has it."""
    row = resolve(session, case)
    access.require_write(session, actor, row, rule="cvd cve", ref=case)
    value = cve_id.strip().upper()
    if CVE_ID.fullmatch(value) is None:
        raise InvalidInput(f"{cve_id!r} is not a CVE id (CVE-YYYY-NNNN, four or more digits)")
    other = repository.case_by_cve(session, value)
    if other is not None and other.id != row.id:
        raise Conflict(f"{value} is already recorded on case {other.receipt_id}")
    if row.cve_id is not None and row.cve_id != value:
        raise Conflict(f"case {row.receipt_id} already has {row.cve_id}; a CVE id is set once")
    if row.cve_id == value:
        return row
    row.cve_id = value
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="cvd.case.cve",
        object_type="cvd_case",
        object_id=row.id,
        product_id=row.product_id,
        details={"receipt_id": row.receipt_id, "cve_id": value},
    )
    return row


def set_credit(session: Session, *, case: str, credit: str | None, actor: str) -> CvdCase:
    """Record how the finder asked to be credited in advisories (None: no credit)."""
    row = resolve(session, case)
    access.require_write(session, actor, row, rule="cvd credit", ref=case)
    value = " ".join(credit.split()) if credit else None
    if value is not None and not 1 <= len(value) <= CREDIT_CHARS:
        raise InvalidInput(f"a credit is 1 to {CREDIT_CHARS} characters")
    if value == row.credit:
        return row
    row.credit = value
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="cvd.case.credit",
        object_type="cvd_case",
        object_id=row.id,
        product_id=row.product_id,
        details={"receipt_id": row.receipt_id, "credited": value is not None},
    )
    return row
