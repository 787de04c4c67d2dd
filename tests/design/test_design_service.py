"""Design-phase services on SQLite and PostgreSQL: model versions and edits, threat
generation and edits, controls and their verification by evidence, risk on threats, the
matrix with its gaps, access rules, audit, and nothing half-stored on bad input."""

from __future__ import annotations

import pytest
from design_world import JUNIT, PUMP_YAML, SARIF, make_world
from sqlalchemy import func, select

from medsec.audit import service as audit
from medsec.controls import service as controls
from medsec.controls.schemas import ControlCreate
from medsec.db.uow import unit_of_work
from medsec.errors import DocumentError, InvalidInput, NotFound, PermissionDenied
from medsec.evidence import service as evidence
from medsec.models import EvidenceImport, EvidenceResultRow, SystemModelRow
from medsec.sysmodel import service as sysmodel
from medsec.sysmodel.schemas import ElementEdit
from medsec.threats import service as threats
from medsec.threats.schemas import ThreatEdit
from medsec.trace import service as trace

P, R = "Pump", "1.0"


@pytest.fixture
def world(session_factory):
    make_world(session_factory)
    return session_factory


def test_model_versions_edit_and_diff(world) -> None:
    with unit_of_work(world) as s:
        read = sysmodel.edit_element(
            s,
            product=P,
            release=R,
            element_id="pump",
            edit=ElementEdit(name="Pump <b>v2</b>"),
            actor="ana",
        )
        assert read.version == 2 and read.counts["elements"] == 3
    with unit_of_work(world) as s:
        changes = sysmodel.diff(s, product=P, release=R, actor="vic", from_version=1)
        assert [(c.kind, c.id, c.change, c.fields) for c in changes] == [
            ("element", "pump", "changed", ["name"])
        ]
        assert "Pump <b>v2</b>" in sysmodel.export(s, product=P, release=R, actor="vic")
        assert [v.is_current for v in sysmodel.versions(s, product=P, release=R, actor="t")] == [
            False,
            True,
        ]
        actions = [e.action for e in audit.list_events(s)]
        assert actions.count("model.save") == 2


def test_access_rules(world) -> None:
    with unit_of_work(world) as s, pytest.raises(PermissionDenied, match="analyst role"):
        sysmodel.edit_element(
            s, product=P, release=R, element_id="pump", edit=ElementEdit(name="x"), actor="vic"
        )
    with unit_of_work(world) as s, pytest.raises(PermissionDenied, match="no access"):
        threats.list_threats(s, product=P, release=R, actor="other")
    with unit_of_work(world) as s, pytest.raises(PermissionDenied):
        sysmodel.get(s, product=P, release=R, actor="nobody")


def test_bad_model_import_stores_nothing(world) -> None:
    bad = PUMP_YAML.replace(b"to: pump, name: Dose order", b"to: ghost, name: Dose order")
    with pytest.raises(DocumentError, match="/flows/0/to: unknown element 'ghost'"):
        with unit_of_work(world) as s:
            sysmodel.import_model(s, product=P, release=R, data=bad, source="bad.yaml", actor="ana")
    with unit_of_work(world) as s:
        assert s.execute(select(func.count()).select_from(SystemModelRow)).scalar() == 1


def test_generation_keeps_edits_and_marks_stale(world) -> None:
    with unit_of_work(world) as s:
        first = threats.generate(s, product=P, release=R, actor="ana")
        assert first.created == first.total > 20 and first.kept == 0
        threats.set_threat(
            s,
            product=P,
            release=R,
            key="MD-WIRELESS@pump",
            edit=ThreatEdit(status="mitigated", severity="high"),
            actor="ana",
        )
    no_wifi = PUMP_YAML.replace(b"kind: wireless, enabled: true", b"kind: wireless, enabled: false")
    with unit_of_work(world) as s:
        sysmodel.import_model(s, product=P, release=R, data=no_wifi, source="v2", actor="ana")
        again = threats.generate(s, product=P, release=R, actor="ana")
        assert again.created == 0 and again.stale == 1
        t = threats.get_threat(s, product=P, release=R, key="MD-WIRELESS@pump", actor="vic")
        assert (t.status, t.severity, t.stale) == ("mitigated", "high", True)
    with unit_of_work(world) as s, pytest.raises(InvalidInput, match="rationale"):
        threats.set_threat(
            s,
            product=P,
            release=R,
            key="MD-SUPPLY",
            edit=ThreatEdit(status="accepted"),
            actor="ana",
        )


def test_controls_unverified_until_evidence_then_matrix_gaps(world) -> None:
    with unit_of_work(world) as s:
        threats.generate(s, product=P, release=R, actor="ana")
        controls.add_control(
            s,
            product=P,
            actor="ana",
            data=ControlCreate(
                key="C-TLS",
                name="Mutual TLS on every flow",
                principles=["secure-communication"],
                owner="firmware team",
                side_effects="adds 40 ms to dose confirmation; within essential performance",
                selectors=["junit:tests.test_tls::*"],
            ),
        )
        controls.add_control(
            s,
            product=P,
            actor="ana",
            data=ControlCreate(
                key="C-SIGN",
                name="Signed firmware",
                principles=["software-maintenance"],
                selectors=["junit:tests.test_update::*"],
            ),
        )
        controls.link(
            s,
            product=P,
            key="C-TLS",
            release=R,
            actor="ana",
            threat_keys=["FLOW-T@dose", "MD-SAFETY-DATA@dose"],
        )
        controls.link(
            s, product=P, key="C-SIGN", release=R, actor="ana", threat_keys=["MD-UPDATE@fw"]
        )
        before = controls.get_control(s, product=P, key="C-TLS", release=R, actor="vic")
        assert before.verification == "unverified" and before.threats == [
            "FLOW-T@dose",
            "MD-SAFETY-DATA@dose",
        ]
    with unit_of_work(world) as s:
        imp = evidence.import_file(
            s, product=P, release=R, data=JUNIT, source="junit.xml", kind="junit", actor="ana"
        )
        assert imp.counts == {"pass": 2, "fail": 1, "error": 0, "skipped": 0, "total": 3}
        evidence.import_file(
            s, product=P, release=R, data=SARIF, source="codeql.sarif", kind="sarif", actor="ana"
        )
    with unit_of_work(world) as s:
        by_key = {c.key: c for c in controls.list_controls(s, product=P, release=R, actor="vic")}
        assert by_key["C-TLS"].verification == "verified"
        assert [r.outcome for r in by_key["C-TLS"].results] == ["pass", "pass"]
        assert by_key["C-SIGN"].verification == "failing"
        cov = evidence.coverage(s, product=P, release=R, actor="vic")
        assert cov.kinds["static-analysis"] and not cov.kinds["penetration-test"]
        assert (cov.results, cov.to_triage) == (4, 2)  # the failed test and the SARIF error
        m = trace.matrix(s, product=P, release=R, actor="vic")
        rows = {r.threat: r for r in m.rows}
        assert rows["FLOW-T@dose"].gaps == []
        assert rows["MD-UPDATE@fw"].gaps == ["failing-evidence"]
        assert rows["MD-SUPPLY"].gaps == ["threat-without-control"]
        assert m.gap_counts["failing-evidence"] == 1
        assert m.gap_counts["threat-without-control"] == len(m.rows) - 3
        assert not m.enough and m.did_we_do_enough.startswith("Not yet")


def test_risk_on_a_threat(world) -> None:
    with unit_of_work(world) as s:
        threats.generate(s, product=P, release=R, actor="ana")
        t = threats.assess_risk(
            s,
            product=P,
            release=R,
            key="MD-SAFETY-DATA@dose",
            hazardous_situation="pump runs a dose the clinician did not order",
            harm="overdose",
            severity="critical",
            exploitability="low",
            controls=[],
            actor="ana",
        )
        assert t.risk is not None and t.risk.status == "draft" and t.risk.version == 1
    with unit_of_work(world) as s:
        m = trace.matrix(s, product=P, release=R, actor="vic")
        row = next(r for r in m.rows if r.threat == "MD-SAFETY-DATA@dose")
        assert "risk-not-accepted" in row.gaps
    with unit_of_work(world) as s:
        from medsec.products import service as products
        from medsec.risk import service as risk

        prod = products.get_product(s, P)
        hm = risk.heat_map(s, prod.id, risk.release_ids_of(s, prod.id, R))
        cells = {(c.exploitability, c.severity): c.count for c in hm.before}
        assert cells[("low", "critical")] == 1 and sum(cells.values()) == 1
    with unit_of_work(world) as s, pytest.raises(InvalidInput, match="'reviewer' role"):
        threats.accept_risk(
            s, product=P, release=R, key="MD-SAFETY-DATA@dose", actor="ana", rationale="fine"
        )
    with unit_of_work(world) as s:
        t = threats.accept_risk(
            s,
            product=P,
            release=R,
            key="MD-SAFETY-DATA@dose",
            actor="rev",
            rationale="benefit outweighs residual risk",
        )
        assert t.risk is not None and t.risk.status == "accepted"


def test_bad_evidence_stores_nothing(world) -> None:
    with pytest.raises(DocumentError, match=r"junit\.xml: line"):
        with unit_of_work(world) as s:
            evidence.import_file(
                s,
                product=P,
                release=R,
                data=b"<testsuite><testcase>",
                source="junit.xml",
                kind="junit",
                actor="ana",
            )
    with unit_of_work(world) as s:
        assert s.execute(select(func.count()).select_from(EvidenceImport)).scalar() == 0
        assert s.execute(select(func.count()).select_from(EvidenceResultRow)).scalar() == 0
    with unit_of_work(world) as s, pytest.raises(NotFound):
        controls.link(s, product=P, key="nope", release=R, actor="ana", selectors=["tag:x"])


def test_manual_threat_and_triage(world) -> None:
    from medsec.threats.schemas import ThreatCreate

    with unit_of_work(world) as s:
        t = threats.add_threat(
            s,
            product=P,
            release=R,
            actor="ana",
            data=ThreatCreate(
                key="HAND-1",
                title="Dose order replayed from a backup",
                category="T",
                target_id="dose",
                severity="high",
            ),
        )
        assert (t.origin, t.target_kind, t.status) == ("manual", "flow", "open")
        evidence.import_file(
            s, product=P, release=R, data=SARIF, source="codeql.sarif", kind="sarif", actor="ana"
        )
    with unit_of_work(world) as s, pytest.raises(InvalidInput, match="no element or flow"):
        threats.add_threat(
            s,
            product=P,
            release=R,
            actor="ana",
            data=ThreatCreate(key="HAND-2", title="x", category="S", target_id="ghost"),
        )
    with unit_of_work(world) as s:
        (failing,) = evidence.list_results(s, product=P, release=R, actor="vic", outcome="fail")
        assert failing.triage == "to-triage"
        done = evidence.triage(
            s,
            product=P,
            release=R,
            result_id=failing.id,
            actor="ana",
            note="test fixture credentials, not shipped",
        )
        assert (done.triage, done.triage_note) == (
            "triaged",
            "test fixture credentials, not shipped",
        )
        assert evidence.coverage(s, product=P, release=R, actor="vic").to_triage == 0
    with unit_of_work(world) as s, pytest.raises(PermissionDenied):
        evidence.triage(s, product=P, release=R, result_id=failing.id, actor="vic", note="x")


def test_matrix_reads_are_set_based(world, engine) -> None:
    """The matrix read model runs the same number of queries whatever the threat count."""
    from sqlalchemy import event

    from medsec.threats.schemas import ThreatCreate

    def statements() -> int:
        seen: list[str] = []

        def count(conn, cursor, statement, params, context, executemany) -> None:
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            with unit_of_work(world) as s:
                rows = len(trace.matrix(s, product=P, release=R, actor="vic").rows)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert rows == n_threats()
        return len(seen)

    def n_threats() -> int:
        with unit_of_work(world) as s:
            return len(threats.list_threats(s, product=P, release=R, actor="t"))

    with unit_of_work(world) as s:
        threats.generate(s, product=P, release=R, actor="ana")
        controls.add_control(s, product=P, actor="ana", data=ControlCreate(key="C1", name="c"))
        controls.link(s, product=P, key="C1", release=R, actor="ana", threat_keys=["FLOW-T@dose"])
    small = statements()
    with unit_of_work(world) as s:
        keys = [f"HAND-{i}" for i in range(40)]
        for key in keys:
            threats.add_threat(
                s,
                product=P,
                release=R,
                actor="ana",
                data=ThreatCreate(key=key, title="t", category="T", target_id="dose"),
            )
            threats.assess_risk(
                s,
                product=P,
                release=R,
                key=key,
                hazardous_situation="h",
                harm="x",
                severity="minor",
                exploitability="low",
                controls=[],
                actor="ana",
            )
        controls.link(s, product=P, key="C1", release=R, actor="ana", threat_keys=keys)
    assert n_threats() > 40
    assert statements() == small


def test_coverage_counts_sbom_matching_and_recorded_variation_analysis(world) -> None:
    """Component vulnerability search counts once the release's current SBOM was matched;
    variation analysis once `vuln where --record` ran over the release (analysts only)."""
    import orjson

    from medsec.findings import service as findings
    from medsec.sbom import service as sboms

    def cov() -> dict[str, bool]:
        with unit_of_work(world) as s:
            return evidence.coverage(s, product=P, release=R, actor="vic").kinds

    assert not cov()["component-vulnerability-search"] and not cov()["variation-analysis"]
    comp = {"type": "library", "name": "lib", "version": "1.0.0", "purl": "pkg:npm/lib@1.0.0"}
    bom = {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": [comp]}
    with unit_of_work(world) as s:
        sboms.import_sbom(
            s, data=orjson.dumps(bom), source_name="b.json", product=P, version=R, actor="t"
        )
    assert not cov()["component-vulnerability-search"]  # imported, not matched yet
    with unit_of_work(world) as s:
        findings.match(s, actor="t")
    assert cov()["component-vulnerability-search"]
    with unit_of_work(world) as s:
        trace.where(s, ident="lib", actor="vic", record=True)  # a viewer records nothing
        trace.where(s, ident="lib", actor="ana")  # not asked to record
    assert not cov()["variation-analysis"]
    with unit_of_work(world) as s:
        trace.where(s, ident="lib", actor="ana", record=True)
        (made,) = evidence.list_imports(s, product=P, release=R, actor="vic")
    assert (made.test_kind, made.source_name) == ("variation-analysis", "medsec vuln where lib")
    assert cov()["variation-analysis"]


def test_a_result_verifies_a_threat_directly(world) -> None:
    """Linked by hand (analysts), shown on the threat's matrix row; a failing one is failing
    evidence; the same link twice, an unknown threat or another release's result refused."""
    from medsec.errors import Conflict

    with unit_of_work(world) as s:
        threats.generate(s, product=P, release=R, actor="ana")
        evidence.import_file(
            s, product=P, release=R, data=JUNIT, source="j.xml", kind="junit", actor="ana"
        )
        by_key = {r.key: r.id for r in evidence.list_results(s, product=P, release=R, actor="t")}
    passed = by_key["tests.test_tls::test_rejects_replayed_command"]
    failed = by_key["tests.test_update::test_unsigned_firmware_refused"]
    with unit_of_work(world) as s, pytest.raises(PermissionDenied):
        trace.verify_threat(
            s, product=P, release=R, result_id=passed, threat="FLOW-T@dose", actor="vic"
        )
    with unit_of_work(world) as s:
        row = trace.verify_threat(
            s, product=P, release=R, result_id=passed, threat="FLOW-T@dose", actor="ana"
        )
        assert [(x.key, x.outcome) for x in row.verified_by] == [
            ("tests.test_tls::test_rejects_replayed_command", "pass")
        ]
        assert "failing-evidence" not in row.gaps
        row = trace.verify_threat(
            s, product=P, release=R, result_id=failed, threat="MD-UPDATE@fw", actor="ana"
        )
        assert "failing-evidence" in row.gaps
    with unit_of_work(world) as s, pytest.raises(Conflict):
        trace.verify_threat(
            s, product=P, release=R, result_id=passed, threat="FLOW-T@dose", actor="ana"
        )
    with unit_of_work(world) as s, pytest.raises(NotFound, match="no threat 'ghost'"):
        trace.verify_threat(s, product=P, release=R, result_id=passed, threat="ghost", actor="ana")
    with unit_of_work(world) as s, pytest.raises(NotFound, match="no evidence result 999999"):
        trace.verify_threat(
            s, product=P, release=R, result_id=999999, threat="FLOW-T@dose", actor="ana"
        )
    with unit_of_work(world) as s:
        m = trace.matrix(s, product=P, release=R, actor="vic")
        rows = {r.threat: r for r in m.rows}
        assert len(rows["FLOW-T@dose"].verified_by) == 1 and rows["MD-UPDATE@fw"].verified_by
        flat = trace.to_matrix_rules(m)
        assert any(r.verified_by for r in flat.rows)
