"""VEX vocabularies, mapping round trips, decision rules, transitions and decision scope."""

from __future__ import annotations

import pytest

from medsec.core.vex import (
    LOSSY_ROUND_TRIPS,
    DecisionScope,
    Justification,
    ScopeKind,
    VexStatus,
    VexTerm,
    Vocabulary,
    applies_to,
    check_transition,
    component_key,
    impact_statement_for,
    normalize,
    to_vocabulary,
    transition_allowed,
    validate_decision,
)
from medsec.errors import InvalidInput

CISA_LABELS = {
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
}


def test_canonical_vocabulary_is_the_cisa_minimum() -> None:
    assert {s.value for s in VexStatus} == {
        "under_investigation",
        "affected",
        "not_affected",
        "fixed",
    }
    assert {j.value for j in Justification} == CISA_LABELS


@pytest.mark.parametrize(
    ("vocab", "status", "just", "want_status", "want_just"),
    [
        ("cyclonedx", "exploitable", None, "affected", None),
        ("cyclonedx", "in_triage", None, "under_investigation", None),
        ("cyclonedx", "resolved_with_pedigree", None, "fixed", None),
        ("cyclonedx", "not_affected", "code_not_reachable", "not_affected",
         "vulnerable_code_not_in_execute_path"),
        ("cyclonedx", "not_affected", "protected_at_perimeter", "not_affected",
         "inline_mitigations_already_exist"),
        ("cyclonedx", "not_affected", "requires_configuration", "not_affected",
         "vulnerable_code_cannot_be_controlled_by_adversary"),
        ("cyclonedx", "false_positive", None, "not_affected", "component_not_present"),
        ("csaf", "first_affected", None, "affected", None),
        ("csaf", "known_not_affected", "vulnerable_code_not_present", "not_affected",
         "vulnerable_code_not_present"),
        ("csaf", "first_fixed", None, "fixed", None),
        ("openvex", "not_affected", "component_not_present", "not_affected",
         "component_not_present"),
        ("spdx3", "VexNotAffectedVulnAssessmentRelationship", "inlineMitigationsAlreadyExist",
         "not_affected", "inline_mitigations_already_exist"),
        ("spdx3", "underInvestigation", None, "under_investigation", None),
    ],
)  # fmt: skip
def test_normalize_maps_and_keeps_the_original(
    vocab: str, status: str, just: str | None, want_status: str, want_just: str | None
) -> None:
    term = normalize(status, just, vocab)
    assert term.canonical_status == want_status
    assert term.canonical_justification == want_just
    assert (term.original_status, term.original_justification) == (status, just)
    assert term.vocabulary == vocab
    assert to_vocabulary(term, vocab) == (status, just)  # the original comes back verbatim


def test_normalize_refusals_name_the_rule() -> None:
    with pytest.raises(InvalidInput, match=r"\[vex\.status\.unknown\].*not a VEX status"):
        normalize("recommended", None, "csaf")
    with pytest.raises(InvalidInput, match=r"\[vex\.status\.unknown\]"):
        normalize("exploitable", None, "openvex")
    with pytest.raises(InvalidInput, match=r"\[vex\.justification\.unknown\]"):
        normalize("not_affected", "code_not_present", "openvex")
    with pytest.raises(InvalidInput, match=r"\[vex\.vocabulary\.unknown\]"):
        normalize("affected", None, "sarif")


def _canonical_terms() -> list[VexTerm]:
    terms = [
        VexTerm(s, None, s.value, None, Vocabulary.CANONICAL)
        for s in VexStatus
        if s is not VexStatus.NOT_AFFECTED
    ]
    terms += [
        VexTerm(VexStatus.NOT_AFFECTED, j, "not_affected", j.value, Vocabulary.CANONICAL)
        for j in Justification
    ]
    return terms


@pytest.mark.parametrize("vocab", ["cyclonedx", "openvex", "spdx3", "csaf"])
def test_canonical_round_trip_keeps_meaning_except_the_listed_lossy_ones(vocab: str) -> None:
    lossy = set()
    for term in _canonical_terms():
        status, just = to_vocabulary(term, vocab)
        back = normalize(status, just, vocab)
        if (back.canonical_status, back.canonical_justification) != (
            term.canonical_status,
            term.canonical_justification,
        ):
            lossy.add(term.canonical_justification or term.canonical_status)
            assert back.canonical_status is term.canonical_status  # statuses never drift
    # STANDARDS §1: CycloneDX has no "component not present" justification.
    expected = {"component_not_present"} if vocab == "cyclonedx" else set()
    assert lossy == expected
    assert {j for v, j in LOSSY_ROUND_TRIPS if v == vocab} == expected


def test_native_terms_that_do_not_survive_a_trip_through_canonical() -> None:
    """CycloneDX and CSAF terms that the canonical vocabulary cannot tell apart."""
    cdx_lossy: set[str] = set()
    csaf_lossy: set[str] = set()
    cdx_terms: list[tuple[str, list[str | None]]] = [
        ("exploitable", [None]),
        ("in_triage", [None]),
        ("resolved", [None]),
        ("resolved_with_pedigree", [None]),
        ("false_positive", [None]),
        (
            "not_affected",
            [
                "code_not_present",
                "code_not_reachable",
                "requires_configuration",
                "requires_dependency",
                "requires_environment",
                "protected_by_compiler",
                "protected_at_runtime",
                "protected_at_perimeter",
                "protected_by_mitigating_control",
            ],
        ),
    ]
    for st, js in cdx_terms:
        for j in js:
            t = normalize(st, j, "cyclonedx")
            canon = VexTerm(
                t.canonical_status, t.canonical_justification, "", None, Vocabulary.CANONICAL
            )
            if to_vocabulary(canon, "cyclonedx") != (st, j):
                cdx_lossy.add(j or st)
    for st in ["first_affected", "known_affected", "last_affected", "known_not_affected",
               "first_fixed", "fixed", "under_investigation"]:  # fmt: skip
        t = normalize(st, None, "csaf")
        canon = VexTerm(t.canonical_status, None, "", None, Vocabulary.CANONICAL)
        if to_vocabulary(canon, "csaf")[0] != st:
            csaf_lossy.add(st)
    assert cdx_lossy == {
        "resolved_with_pedigree",
        "false_positive",
        "requires_configuration",
        "requires_dependency",
        "protected_by_compiler",
        "protected_at_runtime",
        "protected_at_perimeter",
    }
    assert csaf_lossy == {"first_affected", "last_affected", "first_fixed"}


# --- decision rules ---------------------------------------------------------------------------


def test_not_affected_needs_a_justification() -> None:
    with pytest.raises(InvalidInput, match=r"\[vex\.not_affected\.justification\]"):
        validate_decision("not_affected", None, None, "we think it is fine")
    validate_decision("not_affected", "vulnerable_code_not_present", None, None)


def test_affected_needs_an_action_statement() -> None:
    with pytest.raises(InvalidInput, match=r"\[vex\.affected\.action_statement\]"):
        validate_decision("affected", None, "  ", None)
    validate_decision("affected", None, "Install update 2.1 or block port 104.", None)


@pytest.mark.parametrize("status", ["fixed", "under_investigation", "affected"])
def test_only_not_affected_carries_a_justification(status: str) -> None:
    with pytest.raises(InvalidInput, match=r"\[vex\.justification\.only_not_affected\]"):
        validate_decision(status, "component_not_present", "do x", None)


def test_unknown_status_and_justification_are_refused() -> None:
    with pytest.raises(InvalidInput, match=r"\[vex\.status\.unknown\]"):
        validate_decision("exploitable", None, None, None)
    with pytest.raises(InvalidInput, match=r"\[vex\.justification\.unknown\]"):
        validate_decision("not_affected", "code_not_present", None, None)


def test_impact_statement_is_derived_when_absent() -> None:
    own = impact_statement_for("component_not_present", "  Not shipped on model B. ")
    assert own == "Not shipped on model B."
    texts = {impact_statement_for(j, None) for j in Justification}
    assert len(texts) == 5 and all(t.strip() for t in texts)


def test_transitions() -> None:
    assert transition_allowed(None, "under_investigation")
    assert transition_allowed("under_investigation", "affected")
    assert transition_allowed("affected", "fixed")
    assert transition_allowed("fixed", "affected")  # a regression may reopen
    assert not transition_allowed("not_affected", "fixed")
    with pytest.raises(InvalidInput, match=r"\[vex\.transition\.not_affected_to_fixed\]"):
        check_transition("not_affected", "fixed", "patched anyway")
    with pytest.raises(InvalidInput, match=r"\[vex\.decision\.reason\]"):
        check_transition("affected", "fixed", "")
    check_transition("affected", "fixed", "release 2.1 ships openssl 3.0.8")


# --- scope ------------------------------------------------------------------------------------


def test_component_key_uses_purl_without_qualifiers_else_name_at_version() -> None:
    a = component_key("openssl", "3.0.7", "pkg:generic/openssl@3.0.7?download_url=x#sub")
    b = component_key("OpenSSL", "3.0.7", "pkg:generic/openssl@3.0.7")
    assert a == b == "pkg:generic/openssl@3.0.7"
    assert component_key("x", "1.0", "pkg:pypi/x") == "pkg:pypi/x@1.0"
    assert component_key("Zlib ", "1.2.13") == "zlib@1.2.13"
    assert component_key("zlib", "1.2.13", "not a purl") == "zlib@1.2.13"


def test_release_scope_covers_only_its_release() -> None:
    key = component_key("zlib", "1.2.13")
    scope = DecisionScope(ScopeKind.RELEASE, "2.0", key)
    assert applies_to(scope, key, "2.0")
    assert not applies_to(scope, key, "2.1")


def test_component_scope_carries_forward_until_the_component_changes() -> None:
    key = component_key("zlib", "1.2.13")
    scope = DecisionScope(ScopeKind.COMPONENT, "2.0", key)
    assert applies_to(scope, key, "2.0")
    assert applies_to(scope, key, "2.1")
    assert applies_to(scope, key, "3.0")
    assert not applies_to(scope, component_key("zlib", "1.3"), "3.1")
    assert not applies_to(scope, component_key("zlib-ng", "1.2.13"), "2.1")
