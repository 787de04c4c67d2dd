"""Jurisdiction profiles: every packaged profile validates, bad files are refused naming the
place, FDA reproduces today's CVD deadlines exactly (boundaries), a Japan market gets Japan's."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest

from medsec.cvd.deadlines import DEFAULT_POLICY, CaseFacts, RiskLevel, deadlines
from medsec.cvd.policy import PolicyInForce, for_markets, parse_policy
from medsec.errors import InvalidInput, NotFound
from medsec.incidents import obligations
from medsec.jurisdictions import profiles, rules
from medsec.jurisdictions.schemas import CVD_KEYS, SECTION_IDS

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
SECOND = timedelta(seconds=1)


def _raw(code: str) -> dict:
    path = resources.files("medsec") / "data" / "jurisdictions" / f"{code}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_packaged_profile_validates() -> None:
    found = profiles.all_profiles()
    assert [p.code for p in found] == ["fda", "eu", "jp", "ca"]
    for p in found:
        assert set(p.cvd) == set(CVD_KEYS)
        for kind, ids in p.document_sections.items():
            assert ids and set(ids) <= set(SECTION_IDS[kind])
        assert {o.jurisdiction for o in p.reporting_obligations} == {p.incident_jurisdiction}
        assert p.vocabulary["controlled"].ja and p.vocabulary["uncontrolled"].en


def test_unverified_facts_are_flagged_as_standards_md_marks_them() -> None:
    jp = profiles.get("JP")
    assert jp.cvd["disclosure_days"].days == 45 and not jp.cvd["disclosure_days"].verified
    assert "/cvd/disclosure_days" in rules.unverified(jp)
    pmda = [o for o in jp.reporting_obligations if o.key.startswith("jp.pmda")]
    assert len(pmda) == 2 and not any(o.verified for o in pmda)  # 15/30 split unverified
    fda = profiles.get("fda")
    assert fda.cvd["uncontrolled_communicate_days"].verified
    assert "/cvd/uncontrolled_communicate_days" not in rules.unverified(fda)
    assert all(p.cvd["disclosure_days"].days is None for p in map(profiles.get, ("eu", "ca")))
    terms = {t.concept: t.term for t in jp.terms_ja}
    assert terms["SBOM"] == "ソフトウェア部品表（SBOM）"
    assert terms["compensating control"].startswith("補完的")


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        (lambda d: d["document_sections"]["design"].append("design.nope"), "design.nope"),
        (lambda d: d["document_sections"].update({"brochure": []}), "brochure"),
        (lambda d: d["cvd"].pop("disclosure_days"), "/cvd"),
        (lambda d: d["cvd"]["disclosure_days"].update({"days": -1}), "/cvd/disclosure_days/days"),
        (lambda d: d["vocabulary"]["controlled"].pop("ja"), "/vocabulary/controlled/ja"),
        (lambda d: d["reporting_obligations"][0].update({"jurisdiction": "JP"}), "'JP'"),
        (lambda d: d["reporting_obligations"][0]["due"].update({"unit": "weeks"}), "/due/unit"),
        (lambda d: d.update({"surprise": 1}), "/surprise"),
    ],
)
def test_bad_profiles_are_refused_naming_the_place(change, pointer) -> None:
    raw = _raw("fda")
    change(raw)
    with pytest.raises(InvalidInput, match=r"fda\.json") as refused:
        profiles.parse(json.dumps(raw), source="fda.json")
    assert pointer in str(refused.value)
    with pytest.raises(InvalidInput, match="not valid JSON"):
        profiles.parse(b"{", source="fda.json")


def test_market_codes() -> None:
    assert profiles.parse_markets("FDA, jp,,fda") == ["fda", "jp"]
    assert profiles.parse_markets(["eu", "ca"]) == ["eu", "ca"]
    with pytest.raises(InvalidInput, match="'uk'"):
        profiles.parse_markets("fda,uk")
    with pytest.raises(NotFound, match="one of: fda, eu, jp, ca"):
        profiles.get("xx")
    assert [p.code for p in profiles.for_markets([])] == ["fda"]


def test_fda_profile_reproduces_todays_policy_exactly() -> None:
    defaults = PolicyInForce(DEFAULT_POLICY)
    for markets in (None, [], ["fda"]):
        assert for_markets(defaults, markets).policy == DEFAULT_POLICY


def _by_name(case: CaseFacts, now: datetime, markets: list[str] | None) -> dict:
    pol = for_markets(PolicyInForce(DEFAULT_POLICY), markets)
    return {d.name: d for d in deadlines(case, now, policy=pol.policy, sources=pol.sources)}


def test_fda_deadlines_at_their_boundaries_match_the_defaults() -> None:
    case = CaseFacts(received_at=RECEIVED, risk=RiskLevel.UNCONTROLLED)
    today = {d.name: d.due for d in deadlines(case, RECEIVED)}
    for name, days in (("communicate", 30), ("remediate", 60), ("disclose", 90)):
        due = RECEIVED + timedelta(days=days)
        assert today[name] == due
        at_due = _by_name(case, due, ["fda"])[name]
        assert at_due.due == due and not at_due.overdue
        assert _by_name(case, due + SECOND, ["fda"])[name].overdue
    shown = _by_name(case, RECEIVED, ["fda"])
    assert {n: d.due for n, d in shown.items()} == today
    assert "United States (FDA)" in shown["communicate"].source
    assert "30 days" in shown["communicate"].source
    controlled = CaseFacts(received_at=RECEIVED, risk=RiskLevel.CONTROLLED)
    assert set(_by_name(controlled, RECEIVED, ["fda"])) == {"acknowledge", "triage", "disclose"}


def test_japan_market_gets_the_japanese_disclosure_timeline() -> None:
    case = CaseFacts(received_at=RECEIVED)
    due = RECEIVED + timedelta(days=45)
    jp = _by_name(case, due, ["jp"])
    assert jp["disclose"].due == due and not jp["disclose"].overdue
    assert _by_name(case, due + SECOND, ["jp"])["disclose"].overdue
    assert "JPCERT/CC" in jp["disclose"].source and "(unverified)" in jp["disclose"].source
    # Japan sets no patch or communication day count: the policy's defaults stay
    assert jp["communicate"].due == RECEIVED + timedelta(days=30)
    assert jp["remediate"].due == RECEIVED + timedelta(days=60)
    # several markets: the strictest of each deadline
    both = _by_name(case, RECEIVED, ["eu", "fda", "jp"])
    assert both["disclose"].due == due
    assert "FDA" in both["communicate"].source


def test_the_install_file_overrides_the_markets() -> None:
    own = parse_policy('{"disclosure_days": 100}', source="policy.json")
    pol = for_markets(own, ["jp"])
    assert pol.policy.disclosure_days == 100 and "disclose" not in pol.sources
    stricter = parse_policy('{"uncontrolled_communicate_days": 20}', source="policy.json")
    assert for_markets(stricter, ["fda"]).policy.uncontrolled_communicate_days == 20


def test_incident_timelines_come_from_the_profiles() -> None:
    catalogue = obligations.catalogue()
    from_profiles = [o.key for p in profiles.all_profiles() for o in p.reporting_obligations]
    assert [o.key for o in catalogue][: len(from_profiles)] == from_profiles
    assert len(catalogue) == len(from_profiles) + 3  # customers, patients, law enforcement
    facts = obligations.IncidentFacts(
        detected_at=RECEIVED,
        jurisdictions=frozenset({profiles.get("jp").incident_jurisdiction}),
        safety=obligations.SafetyImpact.SERIOUS,
    )
    due = {d.obligation.key: d.due_at for d in obligations.applicable(facts)}
    assert due["jp.pmda.malfunction-15"] == RECEIVED + timedelta(days=15)
    assert not any(k.startswith(("us.", "eu.", "ca.")) for k in due)


def test_sections_and_words_follow_the_markets() -> None:
    fda, jp = profiles.get("fda"), profiles.get("jp")
    assert rules.sections([fda], "customer")[-1] == "customer.sbom"
    assert rules.term([jp, fda], "controlled").ja.startswith("患者危害")
    assert rules.term([fda, jp], "uncontrolled").en == "uncontrolled risk"
