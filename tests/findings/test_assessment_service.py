"""VEX decisions, rescoring, SSVC, risk records, updates and the work list, on both databases."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from sqlalchemy import select

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.db.uow import unit_of_work
from medsec.errors import InvalidInput, PermissionDenied
from medsec.findings import decisions, detail, listing, rescoring, ssvc_service
from medsec.findings import service as findings
from medsec.models import Finding
from medsec.risk import service as risk
from medsec.sbom import service as sboms
from medsec.updates import service as updates
from medsec.vulns import service as vulns

VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"


def _cdx(*components: tuple[str, str]) -> bytes:
    comps = [
        {
            "type": "library",
            "bom-ref": f"{n}@{v}",
            "name": n,
            "version": v,
            "purl": f"pkg:npm/{n}@{v}",
        }
        for n, v in components
    ]
    return orjson.dumps(
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": comps}
    )


@pytest.fixture
def world(session_factory, tmp_path: Path):
    """Two releases sharing lib@1.0.0, a third with lib@2.0.0; one advisory; accounts."""
    record = {
        "schema_version": "1.6.0",
        "id": "GHSA-test",
        "modified": "2024-01-01T00:00:00Z",
        "aliases": ["CVE-2099-0042"],
        "severity": [{"type": "CVSS_V3", "score": VECTOR}],
        "affected": [
            {
                "package": {"ecosystem": "npm", "name": "lib"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "3.0.0"}]}],
            }
        ],
    }
    (tmp_path / "feed.json").write_bytes(orjson.dumps(record))
    with unit_of_work(session_factory) as s:
        for version, comps in (
            ("1", [("lib", "1.0.0")]),
            ("2", [("lib", "1.0.0"), ("x", "1")]),
            ("3", [("lib", "2.0.0")]),
        ):
            sboms.import_sbom(
                s,
                data=_cdx(*comps),
                source_name="b.json",
                product="Pump",
                version=version,
                actor="cli:ana",
            )
        vulns.import_feed(s, path=tmp_path / "feed.json", actor="cli:ana")
        findings.match(s, actor="cli:ana")
        accounts.add(
            s, name="ana", roles=["analyst"], products=[], actor="cli:ana"
        )  # first: admin too
        accounts.add(s, name="rita", roles=["reviewer"], products=[], actor="cli:ana")
        accounts.add(s, name="vic", roles=["viewer"], products=[], actor="cli:ana")
        ids = {f.release_id: f.id for f in s.execute(select(Finding)).scalars()}
    return session_factory, [ids[k] for k in sorted(ids)]


def _in_force(factory, fid: int):
    with unit_of_work(factory) as s:
        (f,) = s.execute(select(Finding).where(Finding.id == fid)).scalars()
        d = decisions.in_force(s, [f]).get(fid)
        return None if d is None else (d.status, d.justification, d.scope)


def test_vex_rules_are_enforced_and_nothing_half_saved(world):
    factory, (f1, _f2, _f3) = world
    cases = [
        (dict(status="not_affected"), "vex.not_affected.justification"),
        (dict(status="affected"), "vex.affected.action_statement"),
        (
            dict(status="fixed", justification="component_not_present"),
            "vex.justification.only_not_affected",
        ),
        (dict(status="not_affected", justification="because"), "vex.justification.unknown"),
        (dict(status="maybe"), "vex.status.unknown"),
    ]
    for kwargs, rule in cases:
        with pytest.raises(InvalidInput, match=rule.replace(".", r"\.")):
            with unit_of_work(factory) as s:
                decisions.decide(s, finding_id=f1, reason="r", actor="cli:ana", **kwargs)
    with pytest.raises(PermissionDenied, match="does not have the analyst role"):
        with unit_of_work(factory) as s:
            decisions.decide(
                s, finding_id=f1, status="under_investigation", reason="r", actor="cli:vic"
            )
    assert _in_force(factory, f1) is None


def test_vex_vocabularies_history_and_component_scope(world):
    factory, (f1, f2, f3) = world
    with unit_of_work(factory) as s:
        decisions.decide(
            s,
            finding_id=f1,
            status="exploitable",
            vocabulary="cyclonedx",
            action_statement="update to 3.0.0",
            reason="reachable",
            actor="cli:ana",
        )
        decisions.decide(
            s,
            finding_id=f1,
            status="not_affected",
            vocabulary="cyclonedx",
            justification="code_not_reachable",
            reason="never called",
            actor="cli:ana",
            scope="component",
        )
    assert _in_force(factory, f1) == (
        "not_affected",
        "vulnerable_code_not_in_execute_path",
        "component",
    )
    # a component-scoped decision carries to release 2 (same lib@1.0.0), not 3 (lib@2.0.0)
    assert _in_force(factory, f2) == (
        "not_affected",
        "vulnerable_code_not_in_execute_path",
        "component",
    )
    assert _in_force(factory, f3) is None
    with unit_of_work(factory) as s:
        with pytest.raises(InvalidInput, match="not_affected cannot become fixed"):
            decisions.decide(s, finding_id=f2, status="fixed", reason="r", actor="cli:ana")
        data = detail.finding_detail(s, f1)
        events = [e.action for e in audit.list_events(s) if e.action == "finding.vex"]
    assert [h.status for h in data.vex_history] == ["affected", "not_affected"]
    assert data.vex.original.model_dump() == {
        "vocabulary": "cyclonedx",
        "status": "not_affected",
        "justification": "code_not_reachable",
    }
    assert data.vex.impact_statement  # derived from the justification when not given
    assert len(events) == 2
    work = [d.id for d in listing_for(factory, sort="priority")]
    assert f1 not in work and f2 not in work and f3 in work


def listing_for(factory, **kw):
    with unit_of_work(factory) as s:
        return listing.list_findings(s, product="Pump", **kw)


def test_rescore_keeps_source_and_feeds_risk_and_ssvc(world):
    factory, (f1, _f2, _f3) = world
    with unit_of_work(factory) as s:
        row = rescoring.rescore(
            s,
            finding_id=f1,
            reason="clinical VLAN",
            actor="cli:ana",
            environmental={"MAV": "A", "CR": "H"},
        )
        assert (
            row.source_vector == VECTOR and row.vector.endswith("/CR:H/MAV:A") and row.score == 8.8
        )
        again = rescoring.rescore(
            s, finding_id=f1, reason="no", actor="cli:ana", environmental={"MAV": "L"}
        )
        assert again.source_vector == VECTOR  # always from the source, not the previous rescoring
        with pytest.raises(InvalidInput, match="safety_impact"):
            ssvc_service.decide(s, finding_id=f1, role="supplier", overrides={}, actor="cli:ana")
    with unit_of_work(factory) as s:
        rec = risk.assess(
            s,
            finding_id=f1,
            hazardous_situation="pump commands altered",
            harm="overdose",
            severity="critical",
            controls=[risk.parse_control("segmentation:1")],
            actor="cli:ana",
        )
        assert rec.version == 1 and rec.exploitability_reasons
        ssvc = ssvc_service.decide(s, finding_id=f1, role="supplier", overrides={}, actor="cli:ana")
        assert ssvc.inputs["safety_impact"]["source"] == "risk record v1"
        assert ssvc.vector.startswith("SSVCv2/E:N/")
        data = detail.finding_detail(s, f1)
    assert [r.vector for r in data.cvss_rescores][0].endswith("MAV:A")
    assert data.signals.cvss_source == "rescored"
    assert data.ssvc_decisions[0].inputs["exploitation"]["source"] == "kev/epss"
    assert "SSVC" in " ".join(data.priority.why)


def test_risk_history_acceptance_roles_and_oversight(world):
    factory, (f1, f2, _f3) = world
    with unit_of_work(factory) as s:
        risk.assess(
            s,
            finding_id=f1,
            hazardous_situation="h",
            harm="overdose",
            severity="critical",
            controls=[],
            actor="cli:ana",
        )
    with pytest.raises(InvalidInput, match=r"risk\.acceptance\.unacceptable"):
        with unit_of_work(factory) as s:
            risk.accept(s, finding_id=f1, actor="cli:rita", rationale="r")
    with unit_of_work(factory) as s:
        second = risk.assess(
            s,
            finding_id=f1,
            hazardous_situation="h",
            harm="overdose",
            severity="critical",
            controls=[risk.parse_control("segmentation:1"), risk.parse_control("dose limit:0:1")],
            actor="cli:ana",
        )
        assert (second.version, second.region, second.fda_class) == (2, "alarp", "controlled")
    with pytest.raises(InvalidInput, match="reviewer"), unit_of_work(factory) as s:
        risk.accept(s, finding_id=f1, actor="cli:ana", rationale="r")
    with pytest.raises(InvalidInput, match="rationale"), unit_of_work(factory) as s:
        risk.accept(s, finding_id=f1, actor="cli:rita", rationale=None)
    with unit_of_work(factory) as s:
        accepted = risk.accept(s, finding_id=f1, actor="cli:rita", rationale="controls verified")
        assert accepted.status == "accepted" and accepted.accepted_by == "cli:rita"
        history = [(r.version, r.is_current) for r in risk.history(s, f1)]
        assert history == [(1, False), (2, True)]
        with pytest.raises(InvalidInput, match="no risk record"):
            updates.create(
                s,
                product="Pump",
                name="u",
                method="remote",
                addressed=[(f2, "fixed")],
                actor="cli:ana",
            )
        risk.assess(
            s,
            finding_id=f2,
            hazardous_situation="h",
            harm="h",
            severity="catastrophic",
            controls=[],
            actor="cli:ana",
        )
        medium = updates.create(
            s,
            product="Pump",
            name="u1",
            method="remote",
            addressed=[(f1, "fixed")],
            actor="cli:ana",
            cyber_hygiene=True,
        )
        high = updates.create(
            s,
            product="Pump",
            name="u2",
            method="service_visit",
            addressed=[(f1, "fixed"), (f2, "risk_reduced")],
            actor="cli:ana",
        )
        low = updates.create(
            s,
            product="Pump",
            name="u3",
            method="user_managed",
            addressed=[],
            actor="cli:ana",
            cyber_hygiene=True,
        )
        with pytest.raises(InvalidInput, match="update method"):
            updates.create(
                s,
                product="Pump",
                name="u4",
                method="pigeon",
                addressed=[],
                actor="cli:ana",
                cyber_hygiene=True,
            )
    assert (low.oversight, medium.oversight, high.oversight) == ("low", "medium", "high")
    assert any("highest level" in r for r in high.oversight_reasons)


def test_work_list_orders_by_residual_risk_then_cvss(world):
    factory, (f1, f2, f3) = world
    with unit_of_work(factory) as s:
        risk.assess(
            s,
            finding_id=f2,
            hazardous_situation="h",
            harm="h",
            severity="catastrophic",
            controls=[],
            actor="cli:ana",
        )
        risk.assess(
            s,
            finding_id=f3,
            hazardous_situation="h",
            harm="h",
            severity="negligible",
            controls=[],
            actor="cli:ana",
        )
    work = listing_for(factory, sort="priority")
    # f1 has no risk record and a high CVSS: it ranks first until assessed (issue 10, 12)
    assert [d.id for d in work] == [f1, f2, f3]
    assert work[0].priority.why[0].startswith("high severity and no risk record yet")
    assert work[1].priority.why[0].startswith("residual risk level")


def test_rescore_from_rubric_answers_keeps_trail_and_rationales(world):
    from medsec.risk.rubric import questions, rubric_vector

    factory, (f1, _f2, _f3) = world
    answers: dict[str, str] = {}
    while pending := questions(answers):  # answer the guided questionnaire: network, at will, ...
        for q in pending:
            answers[q.id] = "no" if q.id in ("XACL", "XPRL") else "yes"
    rationales = {qid: f"because {qid}" for qid in answers}
    expected = rubric_vector(answers, rationales)
    with unit_of_work(factory) as s:
        row = rescoring.rescore(
            s,
            finding_id=f1,
            reason="rubric assessment",
            actor="cli:ana",
            rubric_answers=answers,
            rubric_rationales=rationales,
        )
    assert row.vector == expected.vector and row.score == expected.score
    assert row.source_vector == VECTOR
    assert row.rubric["answers"] == expected.answers
    assert all(step["rationale"] == f"because {step['question']}" for step in row.rubric["trail"])
    with pytest.raises(InvalidInput):
        with unit_of_work(factory) as s:
            rescoring.rescore(
                s, finding_id=f1, reason="r", actor="cli:ana", rubric_answers={"XAVN": "maybe"}
            )
