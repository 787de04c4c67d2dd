"""CSAF, CycloneDX VEX and OpenVEX state the same decision for every (product, vulnerability),
mapped back through medsec.core.vex; CycloneDX VEX passes the 1.6 schema; OpenVEX has its
required fields."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from test_advisory_csaf_rules import advisory_strategy
from test_advisory_data import PUMP, advisory

from medsec.core.vex import Justification, VexStatus, normalize
from medsec.errors import InvalidInput
from medsec.export._schemas import validate_cyclonedx
from medsec.export.advisory_model import Advisory, Vendor
from medsec.export.csaf import to_csaf
from medsec.export.cyclonedx_vex import JUSTIFICATION_PROPERTY, to_cyclonedx_vex
from medsec.export.openvex import CONTEXT, to_openvex

Decision = tuple[VexStatus, Justification | None]
Decisions = dict[tuple[str, str], Decision]
WHEN = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)
SERIAL = "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"


def from_model(adv: Advisory) -> Decisions:
    """The decisions as the model states them."""
    return {
        (v.name, s.product_id): (s.status, s.justification)
        for v in adv.vulnerabilities
        for s in v.statuses
    }


def from_csaf(doc: dict[str, Any]) -> Decisions:
    """Back-mapping: product_status lists and flags → canonical terms."""
    out: Decisions = {}
    for vuln in doc["vulnerabilities"]:
        name = vuln.get("cve") or vuln["ids"][0]["text"]
        flags = {p: f["label"] for f in vuln.get("flags", []) for p in f["product_ids"]}
        for status, pids in vuln["product_status"].items():
            for pid in pids:
                term = normalize(status, flags.get(pid), "csaf")
                assert (name, pid) not in out
                out[(name, pid)] = (term.canonical_status, term.canonical_justification)
    return out


def from_cyclonedx(bom: dict[str, Any]) -> Decisions:
    """Back-mapping: analysis state/justification per affects ref (bom-ref or BOM-Link)."""
    out: Decisions = {}
    for vuln in bom["vulnerabilities"]:
        analysis = vuln["analysis"]
        term = normalize(analysis["state"], analysis.get("justification"), "cyclonedx")
        kept = {p["name"]: p["value"] for p in vuln.get("properties", [])}
        just = term.canonical_justification
        if JUSTIFICATION_PROPERTY in kept:  # the lossy label keeps its canonical name
            assert just is Justification.VULNERABLE_CODE_NOT_PRESENT
            just = Justification(kept[JUSTIFICATION_PROPERTY])
        for affected in vuln["affects"]:
            pid = unquote(affected["ref"].rpartition("#")[2])
            assert (vuln["id"], pid) not in out
            out[(vuln["id"], pid)] = (term.canonical_status, just)
    return out


def openvex_ids(adv: Advisory) -> dict[tuple[str, ...], str]:
    """Product id by the OpenVEX product identity (@id, and subcomponent @id)."""
    ids: dict[tuple[str, ...], str] = {}
    for _, _, v in adv.releases().values():
        ids[(v.purl or v.product_id,)] = v.product_id
    for c in adv.components:
        ids[(c.purl or c.product_id,)] = c.product_id
    for rel in adv.relationships:
        release = adv.releases()[rel.release_id][2]
        comp = next(c for c in adv.components if c.product_id == rel.component_id)
        ids[(release.purl or release.product_id, comp.purl or comp.product_id)] = rel.product_id
    return ids


def from_openvex(doc: dict[str, Any], adv: Advisory) -> Decisions:
    """Back-mapping: statement status/justification per product (with subcomponents)."""
    ids = openvex_ids(adv)
    out: Decisions = {}
    for statement in doc["statements"]:
        term = normalize(statement["status"], statement.get("justification"), "openvex")
        for product in statement["products"]:
            subs = [s["@id"] for s in product.get("subcomponents", [])]
            pid = ids[(product["@id"], *subs)]
            key = (statement["vulnerability"]["name"], pid)
            assert key not in out
            out[key] = (term.canonical_status, term.canonical_justification)
    return out


def check_openvex(doc: dict[str, Any]) -> None:
    """OpenVEX v0.2.0 required fields and status-dependent fields."""
    assert doc["@context"] == CONTEXT
    assert doc["@id"] and doc["author"] and isinstance(doc["version"], int) and doc["version"] >= 1
    assert datetime.fromisoformat(doc["timestamp"].replace("Z", "+00:00")).tzinfo is not None
    for st in doc["statements"]:
        assert st["vulnerability"]["name"] and st["products"]
        assert all(p["@id"] for p in st["products"])
        assert st["status"] in {s.value for s in VexStatus}
        if st["status"] == "not_affected":
            assert st["justification"] in {j.value for j in Justification}
            assert st["impact_statement"]
        else:
            assert "justification" not in st
        if st["status"] == "affected":
            assert st["action_statement"]


def exports(adv: Advisory) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The three documents of one advisory."""
    return (
        to_csaf(adv, profile="csaf_vex"),
        to_cyclonedx_vex(adv),
        to_openvex(adv, author="Acme Medical PSIRT", timestamp=WHEN),
    )


def test_hand_made_advisory_agrees_across_formats() -> None:
    adv = advisory()
    csaf, bom, openvex = exports(adv)
    model = from_model(adv)
    assert len(model) == 12
    assert from_csaf(csaf) == model
    assert from_cyclonedx(bom) == model
    assert from_openvex(openvex, adv) == model
    assert validate_cyclonedx(bom, "1.6") == []
    check_openvex(openvex)


def test_statements_agree_on_texts() -> None:
    adv = advisory()
    csaf, bom, openvex = exports(adv)
    custom = "Stack canaries and a hardened allocator stop the overflow."
    csaf_impacts = {t["details"] for v in csaf["vulnerabilities"] for t in v["threats"]}
    cdx_details = {v["analysis"].get("detail") for v in bom["vulnerabilities"]}
    ovx_impacts = {s.get("impact_statement") for s in openvex["statements"]}
    assert custom in csaf_impacts & cdx_details & ovx_impacts
    # a not_affected decision without its own text gets the statement derived from the label
    derived = "The vulnerable component is not included in the product."
    assert derived in csaf_impacts & cdx_details & ovx_impacts
    ovx_actions = {s.get("action_statement") for s in openvex["statements"]}
    assert "Disable the telnet service in the service menu." in ovx_actions & cdx_details
    responses = {r for v in bom["vulnerabilities"] for r in v["analysis"].get("response", [])}
    assert responses == {"update", "workaround_available", "will_not_fix", "can_not_fix"}


def test_component_in_device_is_nested_and_bom_links_are_used_when_a_serial_is_known() -> None:
    adv = advisory()
    bom = to_cyclonedx_vex(adv)
    monitor = next(c for c in bom["components"] if c["bom-ref"] == "P-VV-501")
    assert monitor["type"] == "device"
    assert {c["bom-ref"] for c in monitor["components"]} == {"R-VV501-OSSL", "R-VV501-BB"}
    linked = to_cyclonedx_vex(adv, link_sbom=SERIAL)
    refs = {a["ref"] for v in linked["vulnerabilities"] for a in v["affects"]}
    assert f"urn:cdx:{SERIAL[9:]}/1#R-VV501-BB" in refs
    assert all(r.startswith("urn:cdx:") for r in refs)
    assert "components" not in linked
    assert validate_cyclonedx(linked, "1.6") == []
    assert from_cyclonedx(linked) == from_model(adv)
    other = "urn:uuid:0b1f6a62-0e29-4a55-9d57-0a8f3c0e7f11"
    own = dataclasses.replace(PUMP.versions[1], sbom_serial=other, sbom_version=4)
    pump = dataclasses.replace(PUMP, versions=(PUMP.versions[0], own, PUMP.versions[2]))
    vendors = (Vendor("Acme Medical", (pump, adv.vendors[0].products[1])),)
    mixed = to_cyclonedx_vex(advisory(vendors=vendors))
    refs = {a["ref"] for v in mixed["vulnerabilities"] for a in v["affects"]}
    assert f"urn:cdx:{other[9:]}/4#R-IS210-OSSL" in refs and "P-IS-190" in refs
    assert validate_cyclonedx(mixed, "1.6") == []


def test_cyclonedx_15_and_unsupported_versions() -> None:
    bom = to_cyclonedx_vex(advisory(), spec_version="1.5")
    assert validate_cyclonedx(bom, "1.5") == []
    assert validate_cyclonedx(bom, "1.6") == []  # 1.5 content is valid 1.6
    with pytest.raises(InvalidInput, match=r"1\.5"):
        to_cyclonedx_vex(advisory(), spec_version="1.4")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(advisory_strategy())
def test_random_advisories_agree_across_formats(adv: Advisory) -> None:
    csaf, bom, openvex = exports(adv)
    model = from_model(adv)
    assert from_csaf(csaf) == model
    assert from_cyclonedx(bom) == model
    assert from_openvex(openvex, adv) == model
    assert validate_cyclonedx(bom, "1.6") == []
    check_openvex(openvex)


def test_export_speed() -> None:
    adv = advisory()
    rates = {}
    makers: tuple[tuple[str, Callable[[], dict[str, Any]]], ...] = (
        ("csaf", lambda: to_csaf(adv)),
        ("cyclonedx", lambda: to_cyclonedx_vex(adv)),
        ("openvex", lambda: to_openvex(adv, author="a", timestamp=WHEN)),
    )
    for name, fn in makers:
        start = time.perf_counter()
        for _ in range(100):
            fn()
        rates[name] = 100 / (time.perf_counter() - start)
    print("documents/s:", {k: round(v) for k, v in rates.items()})
    assert min(rates.values()) > 50
