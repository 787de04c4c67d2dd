"""VEX vocabulary and decision rules: one canonical status/justification, mapped to and from
CycloneDX, OpenVEX, SPDX 3 and CSAF, always keeping the original term.

Canonical = CISA VEX minimum requirements: statuses not_affected, affected, fixed,
under_investigation; justifications = the five CISA/CSAF labels. Mappings that lose meaning:

* CycloneDX → canonical: ``resolved_with_pedigree`` → fixed; ``false_positive`` → not_affected
  (justification component_not_present when none is given); ``code_not_present`` →
  vulnerable_code_not_present; ``requires_configuration``/``requires_dependency``/
  ``requires_environment`` → vulnerable_code_cannot_be_controlled_by_adversary; the four
  ``protected_*`` → inline_mitigations_already_exist.
* canonical → CycloneDX: component_not_present → ``code_not_present`` (so it comes back as
  vulnerable_code_not_present); vulnerable_code_cannot_be_controlled_by_adversary →
  ``requires_environment``; inline_mitigations_already_exist → ``protected_by_mitigating_control``.
* CSAF → canonical: ``first_affected``/``last_affected`` → affected; ``first_fixed`` → fixed.
  ``recommended`` is not a VEX status (refused; importers skip it).
OpenVEX and SPDX 3 are lossless both ways. ``to_vocabulary`` gives back the original term when the
decision came from the same vocabulary.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from enum import StrEnum

from packageurl import PackageURL

from medsec.errors import InvalidInput


def refuse(rule: str, message: str) -> InvalidInput:
    """An InvalidInput whose message starts with the broken rule's name in brackets."""
    return InvalidInput(f"[{rule}] {message}")


class VexStatus(StrEnum):
    """Canonical VEX status."""

    UNDER_INVESTIGATION = "under_investigation"
    AFFECTED = "affected"
    NOT_AFFECTED = "not_affected"
    FIXED = "fixed"


class Justification(StrEnum):
    """Canonical not_affected justification (the five CISA / CSAF flag labels)."""

    COMPONENT_NOT_PRESENT = "component_not_present"
    VULNERABLE_CODE_NOT_PRESENT = "vulnerable_code_not_present"
    VULNERABLE_CODE_NOT_IN_EXECUTE_PATH = "vulnerable_code_not_in_execute_path"
    CANNOT_BE_CONTROLLED_BY_ADVERSARY = "vulnerable_code_cannot_be_controlled_by_adversary"
    INLINE_MITIGATIONS_ALREADY_EXIST = "inline_mitigations_already_exist"


class Vocabulary(StrEnum):
    """Where a VEX term comes from."""

    CANONICAL = "canonical"
    CYCLONEDX = "cyclonedx"
    OPENVEX = "openvex"
    SPDX3 = "spdx3"
    CSAF = "csaf"


S, J = VexStatus, Justification
_IDENTITY_S = {s.value: s for s in S}
_IDENTITY_J = {j.value: j for j in J}
_CAMEL_J = {
    "componentNotPresent": J.COMPONENT_NOT_PRESENT,
    "vulnerableCodeNotPresent": J.VULNERABLE_CODE_NOT_PRESENT,
    "vulnerableCodeNotInExecutePath": J.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH,
    "vulnerableCodeCannotBeControlledByAdversary": J.CANNOT_BE_CONTROLLED_BY_ADVERSARY,
    "inlineMitigationsAlreadyExist": J.INLINE_MITIGATIONS_ALREADY_EXIST,
}
_SPDX3_S = {
    "affected": S.AFFECTED,
    "notAffected": S.NOT_AFFECTED,
    "fixed": S.FIXED,
    "underInvestigation": S.UNDER_INVESTIGATION,
    "VexAffectedVulnAssessmentRelationship": S.AFFECTED,
    "VexNotAffectedVulnAssessmentRelationship": S.NOT_AFFECTED,
    "VexFixedVulnAssessmentRelationship": S.FIXED,
    "VexUnderInvestigationVulnAssessmentRelationship": S.UNDER_INVESTIGATION,
}
_CDX_S = {
    "exploitable": S.AFFECTED,
    "in_triage": S.UNDER_INVESTIGATION,
    "not_affected": S.NOT_AFFECTED,
    "false_positive": S.NOT_AFFECTED,
    "resolved": S.FIXED,
    "resolved_with_pedigree": S.FIXED,
}
_CDX_J = {
    "code_not_present": J.VULNERABLE_CODE_NOT_PRESENT,
    "code_not_reachable": J.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH,
    "requires_configuration": J.CANNOT_BE_CONTROLLED_BY_ADVERSARY,
    "requires_dependency": J.CANNOT_BE_CONTROLLED_BY_ADVERSARY,
    "requires_environment": J.CANNOT_BE_CONTROLLED_BY_ADVERSARY,
    "protected_by_compiler": J.INLINE_MITIGATIONS_ALREADY_EXIST,
    "protected_at_runtime": J.INLINE_MITIGATIONS_ALREADY_EXIST,
    "protected_at_perimeter": J.INLINE_MITIGATIONS_ALREADY_EXIST,
    "protected_by_mitigating_control": J.INLINE_MITIGATIONS_ALREADY_EXIST,
}
_CSAF_S = {
    "first_affected": S.AFFECTED,
    "known_affected": S.AFFECTED,
    "last_affected": S.AFFECTED,
    "known_not_affected": S.NOT_AFFECTED,
    "first_fixed": S.FIXED,
    "fixed": S.FIXED,
    "under_investigation": S.UNDER_INVESTIGATION,
}
CSAF_NON_VEX_STATUSES = frozenset({"recommended"})

TO_CANONICAL: dict[Vocabulary, tuple[dict[str, VexStatus], dict[str, Justification]]] = {
    Vocabulary.CANONICAL: (_IDENTITY_S, _IDENTITY_J),
    Vocabulary.OPENVEX: (_IDENTITY_S, _IDENTITY_J),
    Vocabulary.CSAF: (_CSAF_S, _IDENTITY_J),
    Vocabulary.SPDX3: (_SPDX3_S, _CAMEL_J),
    Vocabulary.CYCLONEDX: (_CDX_S, _CDX_J),
}
FROM_CANONICAL: dict[Vocabulary, tuple[dict[VexStatus, str], dict[Justification, str]]] = {
    Vocabulary.CANONICAL: ({s: s.value for s in S}, {j: j.value for j in J}),
    Vocabulary.OPENVEX: ({s: s.value for s in S}, {j: j.value for j in J}),
    Vocabulary.CSAF: (
        {
            S.AFFECTED: "known_affected",
            S.NOT_AFFECTED: "known_not_affected",
            S.FIXED: "fixed",
            S.UNDER_INVESTIGATION: "under_investigation",
        },
        {j: j.value for j in J},
    ),
    Vocabulary.SPDX3: (
        {S.AFFECTED: "affected", S.NOT_AFFECTED: "notAffected", S.FIXED: "fixed"}
        | {S.UNDER_INVESTIGATION: "underInvestigation"},
        {v: k for k, v in _CAMEL_J.items()},
    ),
    Vocabulary.CYCLONEDX: (
        {
            S.AFFECTED: "exploitable",
            S.NOT_AFFECTED: "not_affected",
            S.FIXED: "resolved",
            S.UNDER_INVESTIGATION: "in_triage",
        },
        {
            J.COMPONENT_NOT_PRESENT: "code_not_present",
            J.VULNERABLE_CODE_NOT_PRESENT: "code_not_present",
            J.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH: "code_not_reachable",
            J.CANNOT_BE_CONTROLLED_BY_ADVERSARY: "requires_environment",
            J.INLINE_MITIGATIONS_ALREADY_EXIST: "protected_by_mitigating_control",
        },
    ),
}
# canonical → vocabulary → canonical changes the meaning only here:
LOSSY_ROUND_TRIPS = frozenset({(Vocabulary.CYCLONEDX, J.COMPONENT_NOT_PRESENT)})


@dataclass(frozen=True, slots=True)
class VexTerm:
    """A VEX status/justification in canonical form, with the original term it came from."""

    canonical_status: VexStatus
    canonical_justification: Justification | None
    original_status: str
    original_justification: str | None
    vocabulary: Vocabulary


def normalize(status: str, justification: str | None, vocabulary: str) -> VexTerm:
    """Map a status and justification of a vocabulary onto the canonical terms (original kept)."""
    try:
        vocab = Vocabulary(vocabulary)
    except ValueError:
        raise refuse(
            "vex.vocabulary.unknown",
            f"VEX vocabulary {vocabulary!r} is not one of {[v.value for v in Vocabulary]}",
        ) from None
    statuses, justifications = TO_CANONICAL[vocab]
    if status not in statuses:
        extra = (
            " (a CSAF product status that is not a VEX status)" if status == "recommended" else ""
        )
        raise refuse("vex.status.unknown", f"{vocab} status {status!r} has no VEX meaning{extra}")
    canon_j: Justification | None = None
    if justification is not None:
        if justification not in justifications:
            raise refuse(
                "vex.justification.unknown",
                f"{vocab} justification {justification!r} is not one of {sorted(justifications)}",
            )
        canon_j = justifications[justification]
    elif vocab is Vocabulary.CYCLONEDX and status == "false_positive":
        canon_j = J.COMPONENT_NOT_PRESENT
    return VexTerm(statuses[status], canon_j, status, justification, vocab)


def to_vocabulary(term: VexTerm, vocabulary: str) -> tuple[str, str | None]:
    """(status, justification) in a vocabulary; the original terms when it is the same one."""
    vocab = Vocabulary(vocabulary)
    if vocab is term.vocabulary:
        return term.original_status, term.original_justification
    statuses, justifications = FROM_CANONICAL[vocab]
    j = term.canonical_justification
    return statuses[term.canonical_status], (justifications[j] if j is not None else None)


IMPACT_BY_JUSTIFICATION = {
    J.COMPONENT_NOT_PRESENT: "The vulnerable component is not included in the product.",
    J.VULNERABLE_CODE_NOT_PRESENT: "The product does not contain the vulnerable code.",
    J.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH: "The vulnerable code is never executed by the product.",
    J.CANNOT_BE_CONTROLLED_BY_ADVERSARY: (
        "The vulnerable code cannot be controlled by an adversary in the product's use."
    ),
    J.INLINE_MITIGATIONS_ALREADY_EXIST: (
        "Built-in protections of the product prevent exploitation of the vulnerability."
    ),
}


def impact_statement_for(justification: Justification | str, impact_statement: str | None) -> str:
    """The impact statement to publish: the person's own text, else one derived from the label."""
    if impact_statement and impact_statement.strip():
        return impact_statement.strip()
    return IMPACT_BY_JUSTIFICATION[Justification(justification)]


def validate_decision(
    status: str,
    justification: str | None,
    action_statement: str | None,
    impact_statement: str | None,
) -> None:
    """Refuse a VEX decision (canonical terms) that breaks a rule.

    not_affected needs a justification; the CSAF impact statement is optional because it is
    derived from the justification when absent (``impact_statement_for``), and CSAF 6.1.27.9 accepts
    a justification flag as the impact statement. affected needs an action statement (CSAF
    6.1.27.10). fixed, affected and under_investigation carry no justification.
    """
    try:
        st = VexStatus(status)
    except ValueError:
        raise refuse(
            "vex.status.unknown", f"status {status!r} is not one of {[s.value for s in S]}"
        ) from None
    if justification is not None and justification not in _IDENTITY_J:
        raise refuse(
            "vex.justification.unknown",
            f"justification {justification!r} is not one of {[j.value for j in J]}",
        )
    if st is S.NOT_AFFECTED and justification is None:
        raise refuse(
            "vex.not_affected.justification",
            f"not_affected needs a justification, one of {[j.value for j in J]}",
        )
    if st is not S.NOT_AFFECTED and justification is not None:
        raise refuse(
            "vex.justification.only_not_affected",
            f"a justification belongs only to not_affected, not to {st}",
        )
    if st is S.AFFECTED and not (action_statement and action_statement.strip()):
        raise refuse(
            "vex.affected.action_statement",
            "affected needs an action statement (what users should do)",
        )


def transition_allowed(old: str | None, new: str) -> bool:
    """Whether a decision may move from ``old`` (None: no decision yet) to ``new``.

    Every change is allowed (new evidence may always revise a decision; history keeps who and
    why) except not_affected → fixed: "fixed" claims that a vulnerable version existed, so the
    not_affected decision must first be corrected to affected.
    """
    return not (old == S.NOT_AFFECTED and VexStatus(new) is S.FIXED)


def check_transition(old: str | None, new: str, reason: str | None) -> None:
    """Refuse a change of decision that is not allowed or that gives no reason."""
    if not transition_allowed(old, new):
        raise refuse(
            "vex.transition.not_affected_to_fixed",
            "not_affected cannot become fixed; record affected first",
        )
    if not (reason and reason.strip()):
        raise refuse("vex.decision.reason", "every VEX decision needs a reason (who and why)")


class ScopeKind(StrEnum):
    """How far a decision reaches: one release, or the component version in every release."""

    RELEASE = "release"
    COMPONENT = "component"


@dataclass(frozen=True, slots=True)
class DecisionScope:
    """Where a decision was made (release, component key) and how far it reaches."""

    kind: ScopeKind
    release: str
    component_key: str


def component_key(name: str, version: str | None, purl: str | None = None) -> str:
    """Identity of a component version: its purl with version (no qualifiers), else name@version."""
    if purl:
        with contextlib.suppress(ValueError):
            p = PackageURL.from_string(purl)
            return PackageURL(p.type, p.namespace, p.name, p.version or version).to_string()
    return f"{name.strip().lower()}@{(version or '').strip()}"


def applies_to(scope: DecisionScope, component_key: str, release: str) -> bool:
    """Whether a decision covers this component in this release.

    Scope release: only the same component in the same release. Scope component: the same
    component version in any release, so the decision carries forward until the component's
    identity or version changes (a new key).
    """
    if component_key != scope.component_key:
        return False
    return scope.kind is ScopeKind.COMPONENT or release == scope.release
