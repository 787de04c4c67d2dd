"""The demo's design-phase record: the pump's model, threats, controls, evidence from the
files it writes, a risk accepted on a threat, and a matrix with exactly one honest gap."""

from __future__ import annotations

from medsec.db.uow import unit_of_work
from medsec.demo import service as demo
from medsec.trace import service as trace


def test_demo_builds_a_matrix_with_one_honest_gap(session_factory, tmp_path) -> None:
    with unit_of_work(session_factory) as s:
        report = demo.build(s, tmp_path)
    d = report.design
    assert d is not None and (d.elements, d.flows, d.controls) == (6, 5, 6)
    assert [p.name for p in d.files] == [
        "infuguard-500-model.yaml",
        "infuguard-500-2.1.0-security-tests.junit.xml",
        "infuguard-500-2.1.0-codeql.sarif",
    ]
    assert all(p.exists() for p in d.files)
    assert (d.results, d.to_triage) == (9, 1)  # eight passing tests, one CodeQL warning
    with unit_of_work(session_factory) as s:
        m = trace.matrix(s, product="InfuGuard 500", release="2.1.0", actor="demo:psirt")
        kinds = {k for k, n in m.gap_counts.items() if n}
        assert kinds == {"control-without-evidence"}  # the one honest gap
        gap_rows = [r for r in m.rows if r.gaps]
        assert {c.key for r in gap_rows for c in r.controls} == {"C-LOG"}
        accepted = next(r for r in m.rows if r.threat == "MD-SAFETY-DATA@program")
        assert accepted.risk is not None and accepted.risk.status == "accepted"
        assert m.coverage["static-analysis"] and not m.coverage["penetration-test"]
        where = trace.where(s, ident="CVE-2021-3711", actor="demo:psirt")
        assert [(a.release, a.component) for a in where] == [("2.0.0", "openssl")]
