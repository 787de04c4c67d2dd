"""Mapping an imported advisory's products to medsec's products, releases and SBOM components
(exact only), CVE links, and the statements a clinical engineer reads per product/release."""

from __future__ import annotations

import _csaf_docs as docs
import pytest

from medsec.accounts import service as accounts
from medsec.db.uow import unit_of_work
from medsec.errors import NotFound
from medsec.imported_csaf import queries
from medsec.imported_csaf.service import import_csaf, remap_csaf
from medsec.products import service as products
from medsec.products.schemas import ReleaseCreate
from medsec.sbom import service as sbom
from medsec.vulns import aliases

ACTOR = "cli:tester"

MAPPED = {
    "P-PURL": {("component", "purl", "2.1", "lodash@4.17.20")},
    "P-PKG": {
        ("component", "purl-package", "2.1", "lodash@4.17.20"),
        ("component", "purl-package", "2.2", "lodash@4.17.21"),
    },
    "P-RTOS": {("component", "cpe", "2.1", "FreeRTOS@10.4.3")},
    "P-FW": {("release", "cpe", "2.1", None)},
    "P-REL": {("release", "branch", "2.2", None)},
    "P-RANGE": {("release", "branch", "2.1", None), ("release", "branch", "2.2", None)},
    "P-ALL": {("product", "branch", None, None)},
    "P-MODEL": {("product", "model", None, None)},
    "P-REL-COMP": {("release", "relationship", "2.2", None)},
}
UNMAPPED = {
    "P-NOREL": "product 'InfuPump 3000' has no release '9.9'",
    "P-VENDOR": "vendor 'Other Vendor' is no known manufacturer",
    "P-NOPURL": "no SBOM component has purl pkg:npm/lodash@9.9.9",
    "P-NEAR": "manufacturer 'Acme Medical' has no product 'InfuPump 300'",
    "P-BARE": "no purl, cpe, model number or vendor/product_name branch to map by",
}


@pytest.fixture
def device(session_factory):
    """InfuPump 3000 releases 2.1 and 2.2 with SBOMs, 3.0 without; a known CVE group."""
    with unit_of_work(session_factory) as s:
        accounts.add(s, name="tester", roles=["analyst"], products=[], actor=ACTOR)
        for version, lodash, rtos in (("2.1", "4.17.20", True), ("2.2", "4.17.21", False)):
            sbom.import_sbom(
                s,
                data=docs.cdx_sbom(version, lodash, with_rtos=rtos),
                source_name=f"fw-{version}.cdx.json",
                product=docs.DEVICE,
                version=version,
                manufacturer=docs.MAKER,
                actor=ACTOR,
            )
        products.create_release(
            s, product=docs.DEVICE, data=ReleaseCreate(version="3.0"), actor=ACTOR
        )
        (group,) = aliases.assign_groups(s, [[docs.KNOWN_CVE, "GHSA-35jh-r3h4-6jhm"]])
    with unit_of_work(session_factory) as s:
        import_csaf(
            s, data=docs.as_bytes(docs.advisory()), source="acme.json", force=False, actor=ACTOR
        )
    return session_factory, group


def test_products_map_exactly_and_the_rest_stays_visible_with_reasons(device):
    sf, _ = device
    with unit_of_work(sf) as s:
        doc = queries.get_document(s, tracking_id="ACME-2026-0001")
    got = {
        p.product_id: {(t.kind, t.method, t.release, t.component) for t in p.mapped_to}
        for p in doc.products
        if p.mapped_to
    }
    assert got == MAPPED
    reasons = {p.product_id: p.unmapped_reason for p in doc.products if not p.mapped_to}
    assert reasons == UNMAPPED
    assert all(p.unmapped_reason is None for p in doc.products if p.mapped_to)
    with unit_of_work(sf) as s:
        (row,) = queries.document_rows(s)
    assert (row.products, row.mapped) == (len(MAPPED) + len(UNMAPPED), len(MAPPED))


def test_cves_link_to_known_vulnerabilities_and_unknown_ones_keep_their_text(device):
    sf, group = device
    with unit_of_work(sf) as s:
        doc = queries.get_document(s, tracking_id="ACME-2026-0001")
    links = {v.cve: v.known_vulnerability_id for v in doc.vulnerabilities}
    assert links == {docs.KNOWN_CVE: group, docs.UNKNOWN_CVE: None}
    first = doc.vulnerabilities[0]
    assert (first.cwe, first.title) == ("CWE-77", "Command injection in lodash template")
    by_product = {st["product_id"]: st for st in first.statements}
    assert by_product["P-RTOS"]["status"] == "not_affected"
    assert by_product["P-RTOS"]["justification"] == "vulnerable_code_not_in_execute_path"
    assert (by_product["P-FW"]["status"], by_product["P-FW"]["original"]) == ("fixed", "fixed")
    assert by_product["P-REL"]["impact"] == "Pump settings could be changed."
    assert by_product["P-REL"]["scores"] == [
        {
            "version": "3.1",
            "vector": "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H",
            "base_score": 7.2,
        }
    ]
    fix = {
        "category": "vendor_fix",
        "details": "Update the firmware to 2.3.",
        "url": "https://acme-medical.example/fw/2.3",
    }
    assert by_product["P-RANGE"]["remediations"] == [fix]
    assert by_product["P-PKG"]["remediations"] == []


def _seen(rows) -> set[tuple[str, str | None, str | None]]:
    return {(r.csaf_product, r.cve, r.statement["status"]) for r in rows}


def test_statements_per_release_show_what_the_manufacturer_says(device):
    sf, _ = device
    p = docs.PRODUCTS
    with unit_of_work(sf) as s:
        r21 = queries.product_statements(s, product=docs.DEVICE, release="2.1")
        r22 = queries.product_statements(s, product=docs.DEVICE, release="2.2")
        r30 = queries.product_statements(s, product=docs.DEVICE, release="3.0")
        every = queries.product_statements(s, product=docs.DEVICE)
    cve = docs.KNOWN_CVE
    assert _seen(r21) == {
        (p["P-PURL"], cve, "affected"),
        (p["P-PKG"], cve, "affected"),
        (p["P-RTOS"], cve, "not_affected"),
        (p["P-FW"], cve, "fixed"),
        (p["P-RANGE"], cve, "affected"),
        (p["P-ALL"], cve, "affected"),
        (p["P-MODEL"], cve, "affected"),
    }
    assert len(r21) == 7
    assert _seen(r22) == {
        (p["P-PKG"], cve, "affected"),
        (p["P-REL"], cve, "affected"),
        (p["P-REL"], docs.UNKNOWN_CVE, "under_investigation"),
        (p["P-RANGE"], cve, "affected"),
        (p["P-ALL"], cve, "affected"),
        (p["P-MODEL"], cve, "affected"),
        (p["P-REL-COMP"], cve, "affected"),
    }
    # 3.0 has no SBOM and lies outside >=2.0|<3.0: only the product-wide statements
    assert _seen(r30) == {(p["P-ALL"], cve, "affected"), (p["P-MODEL"], cve, "affected")}
    assert len(every) == 12
    rtos = next(r for r in r21 if r.csaf_product == p["P-RTOS"]).read()
    assert rtos.justification == "vulnerable_code_not_in_execute_path"
    assert rtos.mapped_to["component"] == "FreeRTOS@10.4.3"
    assert rtos.tracking_id == "ACME-2026-0001" and rtos.valid is True


def test_statements_follow_the_current_version_and_name_missing_objects(device):
    sf, _ = device
    v2 = docs.advisory(version="2", date="2026-02-01T00:00:00.000Z")
    v2["vulnerabilities"] = v2["vulnerabilities"][1:]  # the lodash CVE withdrawn in update 2
    with unit_of_work(sf) as s:
        r = import_csaf(s, data=docs.as_bytes(v2), source="acme-2.json", force=False, actor=ACTOR)
        assert r.outcome == "replaced" and r.replaced_version == "1"
    with unit_of_work(sf) as s:
        rows = queries.product_statements(s, product=docs.DEVICE)
        assert _seen(rows) == {(docs.PRODUCTS["P-REL"], docs.UNKNOWN_CVE, "under_investigation")}
        assert {r.version for r in rows} == {"2"}
        with pytest.raises(NotFound):
            queries.product_statements(s, product=docs.DEVICE, release="9.9")
        with pytest.raises(NotFound):
            queries.product_statements(s, product="No such pump")
        with pytest.raises(NotFound):
            queries.get_document(s, tracking_id="ACME-2026-0001", version="7")


def test_remap_maps_products_that_became_known_after_the_import(session_factory):
    with unit_of_work(session_factory) as s:
        accounts.add(s, name="tester", roles=["analyst"], products=[], actor=ACTOR)
        r = import_csaf(
            s, data=docs.as_bytes(docs.advisory()), source="acme.json", force=False, actor=ACTOR
        )
        assert (r.products, r.mapped) == (len(MAPPED) + len(UNMAPPED), 0)
    with unit_of_work(session_factory) as s:
        sbom.import_sbom(
            s,
            data=docs.cdx_sbom("2.2", "4.17.21", with_rtos=False),
            source_name="fw-2.2.cdx.json",
            product=docs.DEVICE,
            version="2.2",
            manufacturer=docs.MAKER,
            actor=ACTOR,
        )
        assert queries.product_statements(s, product=docs.DEVICE) == []
    with unit_of_work(session_factory) as s:
        assert remap_csaf(s, actor=ACTOR) == (1, 6)
    with unit_of_work(session_factory) as s:
        doc = queries.get_document(s, tracking_id="ACME-2026-0001")
        mapped = {p.product_id for p in doc.products if p.mapped_to}
        assert mapped == {"P-PKG", "P-REL", "P-RANGE", "P-ALL", "P-MODEL", "P-REL-COMP"}
        purl = next(p for p in doc.products if p.product_id == "P-PURL")
        assert purl.unmapped_reason == "no SBOM component has purl pkg:npm/lodash@4.17.20"
        assert len(queries.product_statements(s, product=docs.DEVICE, release="2.2")) == 7
