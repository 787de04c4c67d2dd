"""Pentest findings format, SARIF/JUnit edge cases and the seed 5.3 coverage (pure rules)."""

from __future__ import annotations

import pytest

from medsec.errors import DocumentError, InvalidInput
from medsec.evidence import rules
from medsec.ingest.junit import junit_counts, read_junit
from medsec.ingest.pentest import read_pentest
from medsec.ingest.sarif import read_sarif


def test_pentest_csv_and_json() -> None:
    csv_doc = read_pentest(
        b"id,title,severity,status,target,tags\n"
        b"PT-1,Telnet open on service port,high,open,pump,physical;cwe-306\n"
        b"PT-2,TLS downgrade,medium,retested-ok,gateway,\n",
        source="pt.csv",
    )
    assert [(r.key, r.outcome, r.level) for r in csv_doc.results] == [
        ("PT-1", "fail", "high"),
        ("PT-2", "pass", "medium"),
    ]
    assert csv_doc.results[0].tags == ("physical", "cwe-306")
    json_doc = read_pentest(
        b'{"findings": [{"id": "PT-9", "title": "x", "severity": "low", "status": "open"}]}'
    )
    assert json_doc.counts()["fail"] == 1


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"id,title,severity\nPT-1,x,high\n", "pt.csv: line 1: the header lacks status"),
        (b"id,title,severity,status\nPT-1,x,severe,open\n", "pt.csv: line 2/severity"),
        (b"id,title,severity,status\nPT-1,x,low,open\nPT-1,y,low,open\n", "duplicate finding"),
        (b'{"findings": [{"id": "a"}]}', "pt.csv: /findings/0/title"),
    ],
)
def test_pentest_refusals(data: bytes, where: str) -> None:
    with pytest.raises(DocumentError) as err:
        read_pentest(data, source="pt.csv")
    assert where in str(err.value)


def test_sarif_levels_and_kinds() -> None:
    doc = read_sarif(
        b'{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "t", "rules": ['
        b'{"id": "R1", "properties": {"tags": ["cwe-798"]}}]}}, "results": ['
        b'{"ruleId": "R1", "level": "error", "message": {"text": "m"}},'
        b'{"ruleIndex": 0, "kind": "pass"},'
        b'{"ruleId": "R2", "level": "none"}, {"message": {"text": "no rule"}}]}]}',
        source="s.sarif",
    )
    assert [(r.key, r.outcome) for r in doc.results] == [
        ("R1", "fail"),
        ("R1", "pass"),
        ("R2", "skipped"),
        ("(no rule id)", "fail"),
    ]
    assert doc.results[0].tags == ("cwe-798",)
    assert any("without a rule id" in w for w in doc.warnings)


def test_junit_nested_suites_and_surefire() -> None:
    doc = read_junit(
        b'<testsuites><testsuite name="outer"><testsuite name="inner">'
        b'<testcase classname="a.B" name="t1" time="x"/>'
        b'<testcase classname="a.B" name="t2"><failure message="boom"/><error/></testcase>'
        b"</testsuite></testsuite></testsuites>",
        source="r.xml",
    )
    assert junit_counts(doc) == {"tests": 2, "failures": 1, "errors": 1, "skipped": 0, "passed": 1}
    assert doc.results[1].key == "a.B::t2" and doc.results[1].outcome == "error"
    assert doc.results[0].suite == "inner" and doc.suites == 2
    assert any("duration" in w for w in doc.warnings)


def test_test_kinds_and_coverage() -> None:
    assert rules.test_kind_of("sarif", ["CodeQL"], None) == "static-analysis"
    assert rules.test_kind_of("sarif", ["libFuzzer"], None) == "robustness-fuzz"
    assert rules.test_kind_of("junit", [], "robustness-fuzz") == "robustness-fuzz"
    with pytest.raises(InvalidInput):
        rules.test_kind_of("junit", [], "vibes")
    cov = rules.coverage({"static-analysis", "security-test"})
    assert cov == {
        "component-vulnerability-search": False,
        "static-analysis": True,
        "robustness-fuzz": False,
        "penetration-test": False,
        "variation-analysis": False,
    }
