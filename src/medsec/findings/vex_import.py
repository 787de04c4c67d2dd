"""A supplier's CycloneDX VEX applied to the findings of one release (the hospital files its
vendor's VEX against the release it runs; a manufacturer files a supplier's); flush, never commit.

Each statement is matched to the release's findings by vulnerability id (any alias) and
component (purl without qualifiers, else name and version); a statement about the product (no
purl) applies to every finding of that vulnerability in the release, and a statement about the
component wins over it. Each finding gets one VEX decision in the CycloneDX vocabulary, the
original terms kept, the reason naming the document and the statement's JSON pointer. A finding
whose decision in force already says the same is left alone. A statement the VEX rules refuse
(for example ``exploitable`` with no detail to act on) refuses the whole file: nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote

from sqlalchemy.orm import Session

from medsec.errors import DocumentError, MedsecError
from medsec.findings import decisions, listing
from medsec.findings.schemas import FindingRead
from medsec.ingest.cyclonedx_vex import VexStatement, read_vex
from medsec.products import service as products


@dataclass(frozen=True, slots=True)
class VexImportResult:
    """What applying a VEX document did."""

    source: str
    statements: int
    applied: int
    unchanged: int
    unmatched: list[str] = field(default_factory=list)


def _purl_base(purl: str | None) -> str | None:
    if not purl:
        return None
    return unquote(purl.split("#", 1)[0].split("?", 1)[0]).lower()


def _chosen(
    statements: tuple[VexStatement, ...], findings: list[FindingRead], version: str
) -> tuple[dict[int, VexStatement], list[str]]:
    chosen: dict[int, tuple[int, VexStatement]] = {}
    unmatched: list[str] = []
    for st in statements:
        ids = {st.vulnerability, *st.aliases}
        base = _purl_base(st.purl)
        product_level = base is None and st.version == version
        hits = 0
        for f in findings:
            vuln = f.vulnerability
            if not ids & {vuln.id, *vuln.aliases}:
                continue
            comp = f.component
            if base is not None:
                same = _purl_base(comp.purl) == base
            elif not product_level:
                same = (comp.name, comp.version) == (st.name, st.version)
            else:
                same = True
            if not same:
                continue
            hits += 1
            rank = 0 if product_level else 1  # the component's own statement wins
            if f.id not in chosen or chosen[f.id][0] <= rank:
                chosen[f.id] = (rank, st)
        if not hits:
            unmatched.append(
                f"{st.vulnerability} on {st.name or '?'} {st.version or ''} ({st.pointer})".strip()
            )
    return {fid: st for fid, (_, st) in chosen.items()}, unmatched


def apply_vex(
    session: Session, *, data: bytes, source: str, product: str, version: str, actor: str
) -> VexImportResult:
    """Apply a CycloneDX VEX document to the findings of one release (module docstring)."""
    doc = read_vex(data, source)
    products.get_release(session, product=product, version=version)  # NotFound names it
    findings = listing.list_findings(session, product=product, version=version)
    chosen, unmatched = _chosen(doc.statements, findings, version)
    by_id = {f.id: f for f in findings}
    applied = unchanged = 0
    refused: list[str] = []
    label = doc.serial or source
    for fid, st in sorted(chosen.items()):
        current = by_id[fid].vex
        if current and (current.original.status, current.original.justification) == (
            st.state,
            st.justification,
        ):
            unchanged += 1
            continue
        text = st.detail or st.recommendation
        try:
            decisions.decide(
                session,
                finding_id=fid,
                status=st.state,
                justification=st.justification,
                vocabulary="cyclonedx",
                action_statement=text if st.state in ("exploitable", "in_triage") else None,
                impact_statement=st.detail if st.state == "not_affected" else None,
                reason=f"supplier VEX {label} ({st.pointer})",
                actor=actor,
            )
            applied += 1
        except MedsecError as exc:
            refused.append(f"{st.pointer}: {exc}")
    if refused:
        raise DocumentError(
            f"{len(refused)} statement(s) cannot be applied, nothing stored: "
            + "; ".join(refused[:20]),
            source=source,
        )
    return VexImportResult(source, len(doc.statements), applied, unchanged, unmatched)
