"""CycloneDX VEX (a BOM with ``vulnerabilities[]``) from an ``Advisory``.

CycloneDX states one analysis per vulnerability entry, so a vulnerability becomes one entry per
distinct decision (state, justification, responses, detail) with the products that share it in
``affects[]``. Refs are bom-refs of components inlined in this BOM (each release a ``device``,
its components nested in it), or BOM-Links ``urn:cdx:<serial>/<version>#<bom-ref>`` into the
release's SBOM when a serial is known (``ProductVersion.sbom_serial`` or ``link_sbom``); linked
items are not inlined. Terms come from ``medsec.core.vex``; the one lossy justification
(component_not_present → ``code_not_present``) keeps its canonical label in the property
``medsec:vex:justification``. Responses: vendor_fix → update, mitigation/workaround →
workaround_available, no_fix_planned → will_not_fix, none_available → can_not_fix.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any
from urllib.parse import quote

from medsec.core import cvss
from medsec.core.vex import (
    FROM_CANONICAL,
    LOSSY_ROUND_TRIPS,
    VexStatus,
    Vocabulary,
    impact_statement_for,
    refuse,
)
from medsec.export._common import utc_timestamp
from medsec.export.advisory_model import (
    Advisory,
    AdvisoryVulnerability,
    NoteCategory,
    ProductStatus,
    RemediationCategory,
    check_advisory,
)

JUSTIFICATION_PROPERTY = "medsec:vex:justification"
SPEC_VERSIONS = ("1.5", "1.6")
_STATE, _JUST = FROM_CANONICAL[Vocabulary.CYCLONEDX]
_RESPONSE = {
    RemediationCategory.VENDOR_FIX: "update",
    RemediationCategory.MITIGATION: "workaround_available",
    RemediationCategory.WORKAROUND: "workaround_available",
    RemediationCategory.NO_FIX_PLANNED: "will_not_fix",
    RemediationCategory.NONE_AVAILABLE: "can_not_fix",
}
_VERSION_STATUS = {
    VexStatus.AFFECTED: "affected",
    VexStatus.NOT_AFFECTED: "unaffected",
    VexStatus.FIXED: "unaffected",
    VexStatus.UNDER_INVESTIGATION: "unknown",
}
_METHOD = {"2.0": "CVSSv2", "3.0": "CVSSv3", "3.1": "CVSSv31", "4.0": "CVSSv4"}


def bom_link(serial: str, version: int, bom_ref: str) -> str:
    """The BOM-Link of an element: ``urn:cdx:<uuid>/<version>#<url-encoded bom-ref>``."""
    return f"urn:cdx:{serial.removeprefix('urn:uuid:')}/{version}#{quote(bom_ref, safe='')}"


class _Refs:
    """Refs of every product id, and the components inlined in the BOM."""

    def __init__(self, advisory: Advisory, link_sbom: str | None, spec_version: str) -> None:
        self.refs: dict[str, str] = {}
        self.versions: dict[str, str] = {}
        self.components: list[dict[str, Any]] = []
        devices: dict[str, dict[str, Any]] = {}
        maker = "manufacturer" if spec_version >= "1.6" else "supplier"
        for vendor, product, v in advisory.releases().values():
            serial = v.sbom_serial or link_sbom
            ref = v.bom_ref or v.product_id
            self.versions[v.product_id] = v.version
            if serial:
                self.refs[v.product_id] = bom_link(serial, v.sbom_version, ref)
                continue
            self.refs[v.product_id] = ref
            device: dict[str, Any] = {"type": "device", "bom-ref": ref, "name": product.name}
            device |= {"version": v.version, maker: {"name": vendor.name}}
            device |= {k: val for k, val in (("purl", v.purl), ("cpe", v.cpe)) if val}
            devices[v.product_id] = device
            self.components.append(devices[v.product_id])
        comps = {c.product_id: c for c in advisory.components}
        releases = advisory.releases()
        for rel in advisory.relationships:
            comp, v = comps[rel.component_id], releases[rel.release_id][2]
            ref = rel.bom_ref or rel.product_id
            self.versions[rel.product_id] = comp.version
            serial = v.sbom_serial or link_sbom
            if serial:
                self.refs[rel.product_id] = bom_link(serial, v.sbom_version, ref)
                continue
            self.refs[rel.product_id] = ref
            devices[rel.release_id].setdefault("components", []).append(self._component(comp, ref))
        used = {s.product_id for vuln in advisory.vulnerabilities for s in vuln.statuses}
        for comp in advisory.components:
            self.versions[comp.product_id] = comp.version
            self.refs[comp.product_id] = comp.product_id
            if comp.product_id in used:
                self.components.append(self._component(comp, comp.product_id))

    @staticmethod
    def _component(comp: Any, ref: str) -> dict[str, Any]:
        data = {"type": "library", "bom-ref": ref, "name": comp.name, "version": comp.version}
        if comp.supplier:
            data["supplier"] = {"name": comp.supplier}
        data |= {k: v for k, v in (("purl", comp.purl), ("cpe", comp.cpe)) if v}
        return data


def _responses(vuln: AdvisoryVulnerability, st: ProductStatus) -> tuple[str, ...]:
    cats = {r.category for r in vuln.remediations if st.product_id in r.product_ids}
    if st.status is VexStatus.AFFECTED and not cats:
        cats = {st.action_category}
    return tuple(sorted({_RESPONSE[c] for c in cats}))


def _detail(st: ProductStatus) -> str | None:
    if st.status is VexStatus.NOT_AFFECTED and st.justification is not None:
        return impact_statement_for(st.justification, st.impact_statement)
    if st.status is VexStatus.AFFECTED:
        return st.action_statement
    return st.status_notes


def _source(name: str) -> dict[str, str] | None:
    if name.startswith("CVE-"):
        return {"name": "NVD", "url": f"https://nvd.nist.gov/vuln/detail/{name}"}
    if name.startswith("GHSA-"):
        return {"name": "GitHub", "url": f"https://github.com/advisories/{name}"}
    return None


def _ratings(vuln: AdvisoryVulnerability, products: set[str]) -> list[dict[str, Any]]:
    out = []
    for score in vuln.scores:
        if products.isdisjoint(score.product_ids):
            continue
        result = cvss.parse(score.vector)
        out.append(
            {
                "method": _METHOD[result.version],
                "score": result.base_score,
                "severity": result.base_severity,
                "vector": result.vector,
            }
        )
    return out


def _entries(
    vuln: AdvisoryVulnerability, index: int, refs: _Refs, advisory: Advisory
) -> list[dict[str, Any]]:
    groups: dict[tuple[Any, ...], list[ProductStatus]] = defaultdict(list)
    for st in vuln.statuses:
        groups[(st.status, st.justification, _responses(vuln, st), _detail(st))].append(st)
    ids = [vuln.name] + [i.text for i in vuln.ids if i.text != vuln.name]
    description = next(
        (n.text for n in vuln.notes if n.category is NoteCategory.DESCRIPTION), vuln.title
    )
    entries = []
    for k, ((status, just, responses, detail), members) in enumerate(groups.items()):
        analysis: dict[str, Any] = {"state": _STATE[status]}
        if just is not None:
            analysis["justification"] = _JUST[just]
        if responses:
            analysis["response"] = list(responses)
        if detail:
            analysis["detail"] = detail
        analysis["firstIssued"] = utc_timestamp(advisory.tracking.initial_release_date)
        analysis["lastUpdated"] = utc_timestamp(advisory.tracking.current_release_date)
        pids = {m.product_id for m in members}
        entry: dict[str, Any] = {
            "bom-ref": f"vuln-{index}-{k}",
            "id": vuln.name,
            "analysis": analysis,
            "affects": [
                {
                    "ref": refs.refs[m.product_id],
                    "versions": [
                        {"version": refs.versions[m.product_id], "status": _VERSION_STATUS[status]}
                    ],
                }
                for m in members
            ],
        }
        if (source := _source(vuln.name)) is not None:
            entry["source"] = source
        aliases = [{"id": i, "source": s} for i in ids[1:] if (s := _source(i))]
        aliases += [{"id": i} for i in ids[1:] if not _source(i)]
        entry |= {"references": aliases} if aliases else {}
        if ratings := _ratings(vuln, pids):
            entry["ratings"] = ratings
        if vuln.cwe:
            entry["cwes"] = [int(vuln.cwe.id.removeprefix("CWE-"))]
        if description:
            entry["description"] = description
        fixes = [r.details for r in vuln.remediations if pids & set(r.product_ids)]
        if fixes:
            entry["recommendation"] = " ".join(fixes)
        if vuln.references:
            entry["advisories"] = [{"title": r.summary, "url": r.url} for r in vuln.references]
        if vuln.release_date:
            entry["published"] = utc_timestamp(vuln.release_date)
        if just is not None and (Vocabulary.CYCLONEDX, just) in LOSSY_ROUND_TRIPS:
            entry["properties"] = [{"name": JUSTIFICATION_PROPERTY, "value": just.value}]
        entries.append(entry)
    return entries


def to_cyclonedx_vex(
    advisory: Advisory,
    *,
    spec_version: str = "1.6",
    serial_number: str | None = None,
    timestamp: datetime | None = None,
    link_sbom: str | None = None,
) -> dict[str, Any]:
    """A CycloneDX VEX BOM (1.5 or 1.6) stating the advisory's decisions per product.

    ``link_sbom``: urn:uuid of the device SBOM that releases without their own ``sbom_serial``
    live in; their refs become BOM-Links and they are not inlined.
    """
    if spec_version not in SPEC_VERSIONS:
        raise refuse("cyclonedx.spec_version", f"VEX export supports CycloneDX {SPEC_VERSIONS}")
    check_advisory(advisory)
    refs = _Refs(advisory, link_sbom, spec_version)
    tracking = advisory.tracking
    if serial_number is None:
        seed = f"{advisory.publisher.namespace}|{tracking.id}|{tracking.version}"
        serial_number = uuid.uuid5(uuid.NAMESPACE_URL, seed).urn
    bom: dict[str, Any] = {
        "bomFormat": "CycloneDX",
        "specVersion": spec_version,
        "serialNumber": serial_number,
        "version": len(tracking.revisions),
        "metadata": {
            "timestamp": utc_timestamp(timestamp or tracking.current_release_date),
            "supplier": {"name": advisory.publisher.name, "url": [advisory.publisher.namespace]},
            "tools": {"components": [{"type": "application", "name": "medsec"}]},
        },
        "vulnerabilities": [
            e
            for i, v in enumerate(advisory.vulnerabilities)
            for e in _entries(v, i, refs, advisory)
        ],
    }
    if refs.components:
        bom["components"] = refs.components
    return bom
