"""Frozen DTOs of verification evidence read from SARIF, JUnit XML and penetration-test files."""

from __future__ import annotations

from dataclasses import dataclass, field

# outcomes a result can have; "fail" and "error" make the result failing
OUTCOMES = ("pass", "fail", "error", "skipped")


@dataclass(frozen=True, slots=True)
class EvidenceResult:
    """One verification result: a static-analysis result, a test case or a pentest finding.

    ``key`` identifies what was checked (a SARIF rule id, a test case's class and name, a
    pentest finding id): mappings to controls and threats are written against it.
    """

    key: str
    outcome: str  # one of OUTCOMES
    name: str
    level: str | None = None  # SARIF level / pentest severity
    message: str | None = None
    location: str | None = None
    suite: str | None = None
    tool: str | None = None
    tags: tuple[str, ...] = ()
    duration: float | None = None


@dataclass(frozen=True, slots=True)
class EvidenceRule:
    """A rule a SARIF run declares (id, name, short description, tags such as CWE ids)."""

    id: str
    name: str | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EvidenceDocument:
    """Everything read from one evidence file, with the warnings the reader gave."""

    kind: str  # sarif | junit | pentest
    format: str  # e.g. "sarif 2.1.0", "junit testsuites"
    tools: tuple[str, ...]
    results: tuple[EvidenceResult, ...]
    rules: tuple[EvidenceRule, ...] = ()
    runs: int = 0
    suites: int = 0
    declared: dict[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        """Results per outcome, and the total."""
        out = dict.fromkeys(OUTCOMES, 0)
        for r in self.results:
            out[r.outcome] += 1
        out["total"] = len(self.results)
        return out
