"""Hand-built advisory data written straight into a test database (not a test module), and the
back-mappings of the three VEX formats onto canonical decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import unquote

from sqlalchemy import select
from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.core.clock import utcnow
from medsec.core.vex import normalize
from medsec.models import (
    Advisory,
    FeedSnapshot,
    Finding,
    KevEntryRow,
    Manufacturer,
    Product,
    Release,
    RiskRecord,
    Update,
    VexDecision,
    VulnAlias,
    Vulnerability,
)

Decision = tuple[str, str | None]  # canonical status, justification


@dataclass(frozen=True)
class Case:
    """One finding: release version, component name@version, vulnerability id, decision."""

    release: str
    component: str
    vuln: str
    status: str | None  # None: no decision yet
    justification: str | None = None
    action: str | None = None
    impact: str | None = None


# What publishing needs besides the decisions: a note on patient care written by a person and the
# PSIRT's real namespace (the default https://psirt.example.com is refused as a placeholder).
READY: dict[str, Any] = {
    "clinician_note": "Keep infusing; watch the local pump alarm until the update is installed.",
    "namespace": "https://psirt.acme-medical.test",
}


def add_accounts(session: Session) -> None:
    """admin (first, bootstrap), ana (analyst), rev (reviewer), view (viewer)."""
    accounts.add(session, name="admin", roles=["admin"], products=[], actor="cli:admin")
    for name, role in (("ana", "analyst"), ("rev", "reviewer"), ("view", "viewer")):
        accounts.add(session, name=name, roles=[role], products=[], actor="cli:admin")


def seed(
    session: Session,
    product: str,
    cases: list[Case],
    *,
    releases: tuple[str, ...] = (),
    maker: str = "Acme Medical",
) -> dict[tuple[str, str, str], Finding]:
    """Product, releases, vulnerabilities, findings and decisions for the cases."""
    man = session.execute(select(Manufacturer).where(Manufacturer.name == maker)).scalar()
    if man is None:
        man = Manufacturer(name=maker)
        session.add(man)
        session.flush()
    prod = Product(name=product, manufacturer_id=man.id)
    session.add(prod)
    session.flush()
    rels: dict[str, Release] = {}
    for version in (*releases, *(c.release for c in cases)):
        if version not in rels:
            rels[version] = Release(product_id=prod.id, version=version, interfaces=[])
            session.add(rels[version])
    vulns: dict[str, Vulnerability] = {}
    for c in cases:
        if c.vuln not in vulns:
            existing = session.get(VulnAlias, c.vuln)
            if existing is not None:
                vulns[c.vuln] = session.get(Vulnerability, existing.vulnerability_id)  # type: ignore[assignment]
                continue
            vulns[c.vuln] = Vulnerability(key=c.vuln)
            session.add(vulns[c.vuln])
            session.flush()
            session.add(VulnAlias(alias=c.vuln, vulnerability_id=vulns[c.vuln].id))
    session.flush()
    out = {}
    for c in cases:
        f = Finding(
            release_id=rels[c.release].id,
            component_key=c.component,
            vulnerability_id=vulns[c.vuln].id,
            explanations=[],
        )
        session.add(f)
        session.flush()
        out[(c.release, c.component, c.vuln)] = f
        if c.status is not None:
            session.add(
                VexDecision(
                    scope="release",
                    product_id=prod.id,
                    release_id=rels[c.release].id,
                    component_key=c.component,
                    vulnerability_id=vulns[c.vuln].id,
                    status=c.status,
                    justification=c.justification,
                    action_statement=c.action,
                    impact_statement=c.impact,
                    reason="test",
                    decided_by="cli:ana",
                )
            )
    session.flush()
    return out


def add_update(
    session: Session, product: str, name: str, release: str | None, findings: list[Finding]
) -> Update:
    """An update (service visit) fixing the findings, shipped in ``release``."""
    prod = session.execute(select(Product).where(Product.name == product)).scalar_one()
    rel = session.execute(
        select(Release).where(Release.product_id == prod.id, Release.version == release)
    ).scalar()
    upd = Update(
        product_id=prod.id,
        release_id=rel.id if rel else None,
        name=name,
        method="service_visit",
        addressed=[{"finding": f.id, "effect": "fixed"} for f in findings],
        oversight="low",
        oversight_reasons=[],
        created_by="cli:ana",
    )
    session.add(upd)
    session.flush()
    return upd


def add_risk(session: Session, finding: Finding, severity: str, controls: list[str]) -> None:
    """A current risk record with verified controls."""
    session.add(
        RiskRecord(
            finding_id=finding.id,
            version=1,
            hazardous_situation="therapy interrupted",
            harm="delayed therapy",
            severity=severity,
            exploitability="medium",
            controls=[
                {"name": n, "exploitability_steps": 1, "severity_steps": 0, "verified": True}
                for n in controls
            ],
            risk_before="medium",
            residual="low",
            region="acceptable",
            acceptable=True,
            fda_class="controlled",
            changed_by="cli:ana",
            changed_at=utcnow(),
        )
    )
    session.flush()


def from_csaf(doc: dict[str, Any]) -> dict[tuple[str, str], Decision]:
    """(vulnerability, product id) -> canonical decision, read back from CSAF."""
    out: dict[tuple[str, str], Decision] = {}
    for vuln in doc["vulnerabilities"]:
        name = vuln.get("cve") or vuln["ids"][0]["text"]
        flags = {p: f["label"] for f in vuln.get("flags", []) for p in f["product_ids"]}
        for status, pids in vuln["product_status"].items():
            for pid in pids:
                t = normalize(status, flags.get(pid), "csaf")
                j = t.canonical_justification
                out[(name, pid)] = (t.canonical_status.value, j.value if j else None)
    return out


def from_cyclonedx(bom: dict[str, Any]) -> dict[tuple[str, str], Decision]:
    """The same from CycloneDX VEX (the lossy justification property restored)."""
    out: dict[tuple[str, str], Decision] = {}
    for vuln in bom["vulnerabilities"]:
        a = vuln["analysis"]
        t = normalize(a["state"], a.get("justification"), "cyclonedx")
        kept = {p["name"]: p["value"] for p in vuln.get("properties", [])}
        j = t.canonical_justification.value if t.canonical_justification else None
        j = kept.get("medsec:vex:justification", j)
        for affected in vuln["affects"]:
            pid = unquote(affected["ref"].rpartition("#")[2])
            out[(vuln["id"], pid)] = (t.canonical_status.value, j)
    return out


def from_openvex(doc: dict[str, Any], csaf: dict[str, Any]) -> dict[tuple[str, str], Decision]:
    """The same from OpenVEX; products are told apart by @id and subcomponent @id."""
    tree = csaf["product_tree"]
    by_ident: dict[tuple[str, ...], str] = {}
    purls: dict[str, str] = {}

    def walk(branches: list[dict[str, Any]]) -> None:
        for b in branches:
            if "product" in b:
                p = b["product"]
                purl = p.get("product_identification_helper", {}).get("purl")
                purls[p["product_id"]] = purl or p["product_id"]
                by_ident[(purls[p["product_id"]],)] = p["product_id"]
            walk(b.get("branches", []))

    walk(tree.get("branches", []))
    for p in tree.get("full_product_names", []):
        purls[p["product_id"]] = (
            p.get("product_identification_helper", {}).get("purl") or p["product_id"]
        )
        by_ident[(purls[p["product_id"]],)] = p["product_id"]
    for r in tree.get("relationships", []):
        key = (purls[r["relates_to_product_reference"]], purls[r["product_reference"]])
        by_ident[key] = r["full_product_name"]["product_id"]
    out: dict[tuple[str, str], Decision] = {}
    for st in doc["statements"]:
        t = normalize(st["status"], st.get("justification"), "openvex")
        j = t.canonical_justification.value if t.canonical_justification else None
        for product in st["products"]:
            subs = tuple(s["@id"] for s in product.get("subcomponents", []))
            pid = by_ident[(product["@id"], *subs)]
            out[(st["vulnerability"]["name"], pid)] = (t.canonical_status.value, j)
    return out


def add_feed_record(
    session: Session,
    alias: str,
    *,
    summary: str,
    details: str,
    cwes: list[str],
    vector: str,
    published: datetime,
    kev_added: date | None = None,
    references: list[str] | None = None,
) -> None:
    """An NVD-like feed record (and a KEV entry) for a seeded vulnerability."""
    vuln_id = session.get(VulnAlias, alias).vulnerability_id  # type: ignore[union-attr]
    snap = FeedSnapshot(kind="nvd", source_name="test", digest="0" * 64, imported_by="cli:ana")
    session.add(snap)
    session.flush()
    session.add(
        Advisory(
            source="nvd",
            source_id=alias,
            vulnerability_id=vuln_id,
            published=published,
            summary=summary,
            details=details,
            aliases=[alias],
            severities=[{"type": "CVSS_V3", "value": vector, "source": "nvd@nist.gov"}],
            references=[f"https://example.org/{alias}"] if references is None else references,
            cwes=cwes,
            affected=[],
            configurations=[],
            content_hash="0" * 64,
            snapshot_id=snap.id,
            change_seq=1,
        )
    )
    if kev_added is not None:
        session.add(
            KevEntryRow(
                cve_id=alias,
                vendor="v",
                product="p",
                name="n",
                date_added=kev_added,
                snapshot_id=snap.id,
            )
        )
    session.flush()
