"""Pure evidence rules: the kinds of test seed 5.3 names, which kind an import counts as, and
the coverage of those kinds per release."""

from __future__ import annotations

from medsec.errors import InvalidInput

KINDS = ("sarif", "junit", "pentest")
TEST_KINDS = (
    "component-vulnerability-search",
    "static-analysis",
    "robustness-fuzz",
    "penetration-test",
    "variation-analysis",
    "security-test",
)
SEED_TEST_KINDS = TEST_KINDS[:5]  # the five seed 5.3 names
DEFAULT_TEST_KIND = {
    "sarif": "static-analysis",
    "junit": "security-test",
    "pentest": "penetration-test",
}
_FUZZ_WORDS = ("fuzz", "afl", "libfuzzer", "honggfuzz", "boofuzz", "peach")
_SCA_TOOLS = ("medsec", "grype", "trivy", "osv-scanner", "dependency-check", "snyk")


def test_kind_of(kind: str, tools: tuple[str, ...] | list[str], given: str | None) -> str:
    """The seed 5.3 test kind of an import: as given, else guessed from the tool (fuzzers;
    SCA tools such as medsec's own scan or grype), else the file kind's default (SARIF: static
    analysis; JUnit: security test; pentest)."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown evidence kind {kind!r} (one of {', '.join(KINDS)})")
    if given:
        if given not in TEST_KINDS:
            raise InvalidInput(f"unknown test kind {given!r} (one of {', '.join(TEST_KINDS)})")
        return given
    if any(w in t.lower() for t in tools for w in _FUZZ_WORDS):
        return "robustness-fuzz"
    if any(t.lower().startswith(_SCA_TOOLS) for t in tools):
        return "component-vulnerability-search"
    return DEFAULT_TEST_KIND[kind]


def coverage(kinds_present: set[str]) -> dict[str, bool]:
    """For each seed 5.3 test kind, whether the release has evidence of it."""
    return {k: k in kinds_present for k in SEED_TEST_KINDS}
