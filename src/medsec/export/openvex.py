"""OpenVEX v0.2.0 documents from an ``Advisory``.

One statement per vulnerability and distinct decision, naming the products that share it. A
product is ``{"@id": purl or product id}`` (with ``identifiers`` purl/cpe23 when known); a
"component in release" is the release with the component in ``subcomponents``. OpenVEX terms are
the canonical ones (``medsec.core.vex``); not_affected carries the justification and an impact
statement, affected an action statement. ``version`` counts the revisions (OpenVEX wants an
integer, CSAF may use SemVer).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from medsec import __version__
from medsec.core.vex import FROM_CANONICAL, VexStatus, Vocabulary, impact_statement_for
from medsec.export._common import utc_timestamp
from medsec.export.advisory_model import (
    Advisory,
    AdvisoryVulnerability,
    ProductStatus,
    check_advisory,
)
from medsec.export.csaf import csaf_filename

CONTEXT = "https://openvex.dev/ns/v0.2.0"
_STATUS, _JUST = FROM_CANONICAL[Vocabulary.OPENVEX]


def _identified(pid: str, purl: str | None, cpe: str | None) -> dict[str, Any]:
    product: dict[str, Any] = {"@id": purl or pid}
    identifiers = {k: v for k, v in (("purl", purl), ("cpe23", cpe)) if v}
    if identifiers:
        product["identifiers"] = identifiers
    return product


def product_entries(advisory: Advisory) -> dict[str, dict[str, Any]]:
    """The OpenVEX product object of every product id of the advisory."""
    out: dict[str, dict[str, Any]] = {}
    for _, _, v in advisory.releases().values():
        cpe = v.cpe if v.cpe and v.cpe.startswith("cpe:2.3:") else None
        out[v.product_id] = _identified(v.product_id, v.purl, cpe)
    for c in advisory.components:
        cpe = c.cpe if c.cpe and c.cpe.startswith("cpe:2.3:") else None
        out[c.product_id] = _identified(c.product_id, c.purl, cpe)
    for rel in advisory.relationships:
        release = dict(out[rel.release_id])
        release["subcomponents"] = [out[rel.component_id]]
        out[rel.product_id] = release
    return out


def _vulnerability(vuln: AdvisoryVulnerability) -> dict[str, Any]:
    data: dict[str, Any] = {"name": vuln.name}
    if vuln.cve:
        data["@id"] = f"https://nvd.nist.gov/vuln/detail/{vuln.cve}"
    aliases = [i.text for i in vuln.ids if i.text != vuln.name]
    if aliases:
        data["aliases"] = aliases
    if vuln.title:
        data["description"] = vuln.title
    return data


def _decision(st: ProductStatus) -> dict[str, str]:
    out = {"status": _STATUS[st.status]}
    if st.status is VexStatus.NOT_AFFECTED and st.justification is not None:
        out["justification"] = _JUST[st.justification]
        out["impact_statement"] = impact_statement_for(st.justification, st.impact_statement)
    if st.status is VexStatus.AFFECTED and st.action_statement:
        out["action_statement"] = st.action_statement.strip()
    if st.status_notes:
        out["status_notes"] = st.status_notes
    return out


def to_openvex(
    advisory: Advisory,
    *,
    author: str,
    timestamp: datetime,
    role: str | None = None,
    document_id: str | None = None,
) -> dict[str, Any]:
    """An OpenVEX v0.2.0 document of the advisory's decisions."""
    check_advisory(advisory)
    products = product_entries(advisory)
    statements: list[dict[str, Any]] = []
    for vuln in advisory.vulnerabilities:
        groups: dict[tuple[tuple[str, str], ...], list[str]] = defaultdict(list)
        for st in vuln.statuses:
            groups[tuple(sorted(_decision(st).items()))].append(st.product_id)
        for decision, pids in groups.items():
            statement: dict[str, Any] = {
                "vulnerability": _vulnerability(vuln),
                "products": [products[p] for p in pids],
            }
            statement.update(decision)
            statements.append(statement)
    tracking = advisory.tracking
    stem = csaf_filename(tracking.id).removesuffix(".json")
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": document_id
        or f"{advisory.publisher.namespace.rstrip('/')}/openvex/{stem}-{tracking.version}",
        "author": author,
        "timestamp": utc_timestamp(timestamp),
        "last_updated": utc_timestamp(tracking.current_release_date),
        "version": len(tracking.revisions),
        "tooling": f"medsec {__version__}",
        "statements": statements,
    }
    if role:
        doc["role"] = role
    return doc
