"""CVSS vectors parsed, validated and scored: v3.0, v3.1 and v4.0 (v2.0 read-only).

Scoring is the `cvss` library's; validation is ours, so a bad vector names the metric or value at
fault (`InvalidVector`, an `InvalidInput`). Scores, per version:

- v2/v3: ``temporal_score`` and ``environmental_score`` are the specification's formulas (v3
  always computed, v2 only when metrics of the group are set). The v3.1 environmental formula
  differs from the base one for S:C vectors, so a base-only S:C vector has an environmental
  score 0.1 below its base; ``overall_score`` therefore is the environmental score only when an
  environmental metric is set, else the temporal one when a temporal metric is set, else base.
- v4: ``base_score`` is CVSS-B (base metrics alone), ``temporal_score`` is CVSS-BT (only when E
  is set), ``environmental_score`` is CVSS-BE, or CVSS-BTE when E is set too (only when an
  environmental metric is set); ``overall_score`` is the score of the whole vector and
  ``nomenclature`` names it. Supplemental metrics never change a score.

"Set" means given with a value other than X. Metrics may come in any order; ``vector`` is
rebuilt in the canonical order without X values (the order FIRST's v4.0 schema requires).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cvss
from cvss import constants2, constants3, constants4
from cvss.exceptions import CVSSError

from medsec.errors import InvalidInput

V3_PREFIXES = ("CVSS:3.0/", "CVSS:3.1/")
V4_PREFIX = "CVSS:4.0/"
_V2_VALUES: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in constants2.METRICS_VALUES.items()}
_V3_VALUES: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in constants3.METRICS_VALUES.items()}
_V4_VALUES: dict[str, tuple[str, ...]] = {
    k: tuple(v) for k, v in constants4.METRICS_VALUE_NAMES.items()
}
_V4_THREAT = ("E",)
_V4_ENV: tuple[str, ...] = ("CR", "IR", "AR", "MAV", "MAC", "MAT", "MPR", "MUI")
_V4_ENV += ("MVC", "MVI", "MVA", "MSC", "MSI", "MSA")
_V4_SUPPLEMENTAL = ("S", "AU", "R", "V", "RE", "U")
_GROUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "2": {
        "base": tuple(constants2.METRICS_MANDATORY),
        "temporal": tuple(constants2.TEMPORAL_METRICS),
        "environmental": tuple(constants2.ENVIRONMENTAL_METRICS),
    },
    "3": {
        "base": tuple(constants3.METRICS_MANDATORY),
        "temporal": tuple(constants3.TEMPORAL_METRICS),
        "environmental": tuple(constants3.ENVIRONMENTAL_METRICS),
    },
    "4": {
        "base": tuple(constants4.METRICS_MANDATORY),
        "threat": _V4_THREAT,
        "environmental": _V4_ENV,
        "supplemental": _V4_SUPPLEMENTAL,
    },
}


class InvalidVector(InvalidInput):
    """A CVSS vector that is malformed or uses an unknown metric or value."""

    code = "invalid-cvss-vector"


@dataclass(frozen=True, slots=True)
class CvssResult:
    """A scored CVSS vector; severities are lower-case ("none" … "critical")."""

    version: str  # "2.0", "3.0", "3.1" or "4.0"
    vector: str  # canonical order, X values dropped
    base_score: float
    base_severity: str
    temporal_score: float | None  # v2/v3 temporal, v4 CVSS-BT
    temporal_severity: str | None
    environmental_score: float | None  # v2/v3 environmental, v4 CVSS-BE / CVSS-BTE
    environmental_severity: str | None
    overall_score: float
    overall_severity: str
    nomenclature: str  # v4: CVSS-B/-BT/-BE/-BTE; v2/v3: base, temporal or environmental
    groups: tuple[str, ...]  # metric groups with at least one metric set
    metrics: dict[str, str]  # the vector's metrics in canonical order


def severity_of(score: float) -> str:
    """The qualitative severity of a v3/v4 score (None 0.0, Low <4, Medium <7, High <9)."""
    for limit, label in ((0.0, "none"), (3.9, "low"), (6.9, "medium"), (8.9, "high")):
        if score <= limit:
            return label
    return "critical"


def _split(vector: str, version: str) -> dict[str, str]:
    """Metrics of the vector body, checked field by field against the version's tables."""
    major = version[0]
    table = {"2": _V2_VALUES, "3": _V3_VALUES, "4": _V4_VALUES}[major]
    body = vector.split("/", 1)[1] if major != "2" else vector
    if not body:
        raise InvalidVector(f"CVSS {version} vector {vector!r} has no metrics")
    metrics: dict[str, str] = {}
    for field in body.split("/"):
        if not field:
            raise InvalidVector(f"empty field (stray '/') in CVSS {version} vector {vector!r}")
        key, sep, value = field.partition(":")
        if not sep or not key or not value or ":" in value:
            raise InvalidVector(
                f"malformed field {field!r} in CVSS {version} vector; want METRIC:VALUE"
            )
        if key not in table:
            raise InvalidVector(
                f"unknown metric {key!r} in CVSS {version} vector; known: {', '.join(table)}"
            )
        if value not in table[key]:
            raise InvalidVector(
                f"invalid value {value!r} for metric {key} in CVSS {version} vector; "
                f"allowed: {', '.join(table[key])}"
            )
        if key in metrics:
            raise InvalidVector(f"metric {key} appears twice in CVSS {version} vector")
        metrics[key] = value
    missing = [m for m in _GROUPS[major]["base"] if m not in metrics]
    if missing:
        raise InvalidVector(
            f"CVSS {version} vector lacks mandatory base metric(s) {', '.join(missing)}"
        )
    return metrics


def _version(vector: str) -> str:
    """The CVSS version a vector declares, or InvalidVector naming what is wrong."""
    if not vector:
        raise InvalidVector("empty CVSS vector")
    for prefix in (*V3_PREFIXES, V4_PREFIX):
        if vector.startswith(prefix):
            return prefix[5:8]
    if vector.startswith("CVSS:"):
        head = vector.split("/", 1)[0]
        raise InvalidVector(f"unsupported CVSS version {head!r}; expected CVSS:3.0, 3.1 or 4.0")
    keys = {f.partition(":")[0] for f in vector.split("/")}
    if "Au" in keys:
        return "2.0"
    if keys & {"AT", "VC", "SC"}:
        raise InvalidVector(f"CVSS v4 vector {vector!r} lacks the 'CVSS:4.0/' prefix")
    if keys & {"AV", "PR", "S"}:
        raise InvalidVector(f"CVSS v3 vector {vector!r} lacks the 'CVSS:3.1/' (or 3.0) prefix")
    raise InvalidVector(f"not a CVSS vector: {vector[:80]!r} (want e.g. 'CVSS:3.1/AV:N/...')")


def _is_set(metrics: dict[str, str], names: tuple[str, ...]) -> bool:
    return any(metrics.get(m, "X") not in ("X", "ND") for m in names)


def _v4_score(version_prefix: str, metrics: dict[str, str], keep: tuple[str, ...]) -> float:
    body = "/".join(f"{k}:{v}" for k, v in metrics.items() if k in keep)
    return float(cvss.CVSS4(version_prefix + body).base_score)


def parse(vector: str) -> CvssResult:
    """Parse, validate and score a CVSS v2.0/v3.0/v3.1/v4.0 vector."""
    vector = vector.strip()
    version = _version(vector)
    if version == "2.0" and vector.startswith("(") and vector.endswith(")"):
        vector = vector[1:-1]
    metrics = _split(vector, version)
    major = version[0]
    groups = tuple(
        g for g, names in _GROUPS[major].items() if g == "base" or _is_set(metrics, names)
    )
    try:
        if major == "4":
            return _parse_v4(vector, metrics, groups)
        lib = cvss.CVSS2(vector) if major == "2" else cvss.CVSS3(vector)
        scores = [None if s is None else float(s) for s in lib.scores()]
        clean = lib.clean_vector()
    except CVSSError as exc:  # our checks should have caught it; keep the library's words
        raise InvalidVector(f"invalid CVSS {version} vector {vector!r}: {exc}") from exc
    base, temporal, env = scores
    assert base is not None
    sev = [str(s).lower() for s in lib.severities()]
    pick = 0  # the pitfall: environmental only when set, see the module docstring
    if "environmental" in groups and env is not None:
        pick = 2
    elif "temporal" in groups and temporal is not None:
        pick = 1
    return CvssResult(
        version=version,
        vector=clean,
        base_score=base,
        base_severity=sev[0],
        temporal_score=temporal,
        temporal_severity=sev[1] if temporal is not None else None,
        environmental_score=env,
        environmental_severity=sev[2] if env is not None else None,
        overall_score=(base, temporal, env)[pick] or 0.0,
        overall_severity=sev[pick],
        nomenclature=("base", "temporal", "environmental")[pick],
        groups=groups,
        metrics=_canonical(metrics, major),
    )


def _canonical(metrics: dict[str, str], major: str) -> dict[str, str]:
    order = {"2": _V2_VALUES, "3": _V3_VALUES, "4": _V4_VALUES}[major]
    return {k: metrics[k] for k in order if k in metrics and metrics[k] not in ("X", "ND")}


def _parse_v4(vector: str, metrics: dict[str, str], groups: tuple[str, ...]) -> CvssResult:
    lib = cvss.CVSS4(vector)
    overall = float(lib.base_score)
    base_names = _GROUPS["4"]["base"]
    scored = {"threat", "environmental"} & set(groups)
    base = _v4_score(V4_PREFIX, metrics, base_names) if scored else overall
    threat = None
    if "threat" in groups:  # CVSS-BT: the whole vector's score unless env metrics are set too
        threat = (
            overall if scored == {"threat"} else _v4_score(V4_PREFIX, metrics, (*base_names, "E"))
        )
    env = overall if "environmental" in groups else None
    name = "CVSS-B" + ("T" if threat is not None else "") + ("E" if env is not None else "")
    return CvssResult(
        version="4.0",
        vector=lib.clean_vector(),
        base_score=base,
        base_severity=severity_of(base),
        temporal_score=threat,
        temporal_severity=None if threat is None else severity_of(threat),
        environmental_score=env,
        environmental_severity=None if env is None else severity_of(env),
        overall_score=overall,
        overall_severity=severity_of(overall),
        nomenclature=name,
        groups=groups,
        metrics=_canonical(metrics, "4"),
    )


def with_environment(vector: str, metrics: dict[str, str]) -> str:
    """The vector with environmental metrics (CR/IR/AR, modified base; v4 MSI/MSA:S) applied.

    A value of X removes the metric. Returns the canonical, validated vector.
    """
    source = parse(vector)
    major = source.version[0]
    if major == "2":
        raise InvalidVector("CVSS v2 vectors are read-only; rescore in CVSS 3.1 or 4.0")
    allowed = _GROUPS[major]["environmental"]
    merged = dict(source.metrics)
    for raw_key, raw_value in metrics.items():
        key, value = raw_key.strip().upper(), raw_value.strip().upper()
        if key not in allowed:
            raise InvalidVector(
                f"{raw_key!r} is not an environmental metric of CVSS {source.version}; "
                f"allowed: {', '.join(allowed)}"
            )
        merged[key] = value
    prefix = source.vector.split("/", 1)[0]
    order = _V3_VALUES if major == "3" else _V4_VALUES
    body = "/".join(f"{k}:{merged[k]}" for k in order if k in merged)
    return parse(f"{prefix}/{body}").vector


CvssJson = dict[str, Any]
"""A score in FIRST's CVSS JSON schema (an external format: cvss-v2.0/v3.x/v4.0.json), as
parsed JSON; it stays a document because CSAF embeds it and `medsec cvss --format json` prints
it as FIRST defines it."""


def as_json(result: CvssResult) -> CvssJson:
    """The result in FIRST's CVSS JSON schema for its version (v2.0, v3.x, v4.0).

    Temporal/threat and environmental scores are included only when their metrics are set.
    """
    if result.version == "4.0":
        return _v4_json(result)
    lib = cvss.CVSS2(result.vector) if result.version == "2.0" else cvss.CVSS3(result.vector)
    data: dict[str, Any] = lib.as_json(minimal=True)
    data["vectorString"] = result.vector
    for group, score in (
        ("temporal", result.temporal_score),
        ("environmental", result.environmental_score),
    ):
        if group not in result.groups or score is None:
            data.pop(f"{group}Score", None)
            data.pop(f"{group}Severity", None)
    return data


_V4_JSON_NAMES = {
    "AV": "attackVector",
    "AC": "attackComplexity",
    "AT": "attackRequirements",
    "PR": "privilegesRequired",
    "UI": "userInteraction",
    "VC": "vulnConfidentialityImpact",
    "VI": "vulnIntegrityImpact",
    "VA": "vulnAvailabilityImpact",
    "SC": "subConfidentialityImpact",
    "SI": "subIntegrityImpact",
    "SA": "subAvailabilityImpact",
    "E": "exploitMaturity",
    "CR": "confidentialityRequirement",
    "IR": "integrityRequirement",
    "AR": "availabilityRequirement",
    "S": "Safety",
    "AU": "Automatable",
    "R": "Recovery",
    "V": "valueDensity",
    "RE": "vulnerabilityResponseEffort",
    "U": "providerUrgency",
}
_V4_JSON_VALUE_FIXES = {"POC": "PROOF_OF_CONCEPT", "INRECOVERABLE": "IRRECOVERABLE"}


def _v4_json_field(key: str, value: str) -> tuple[str, str]:
    """FIRST cvss-v4.0 schema property name and enum value of one metric."""
    if key.startswith("M"):  # MAV -> modifiedAttackVector, MSI -> modifiedSubIntegrityImpact
        base = _V4_JSON_NAMES[key[1:]]
        name = "modified" + base[0].upper() + base[1:]
    else:
        name = _V4_JSON_NAMES[key]
    label = constants4.METRICS_VALUE_NAMES[key][value].upper().replace(" ", "_")
    if label == "NEGLIGIBLE" and key != "S":  # the library says Negligible, the schema NONE
        label = "NONE"
    return name, _V4_JSON_VALUE_FIXES.get(label, label)


def _v4_json(result: CvssResult) -> dict[str, Any]:
    data: dict[str, Any] = {"version": "4.0", "vectorString": result.vector}
    data.update(_v4_json_field(k, v) for k, v in result.metrics.items())
    data["baseScore"] = result.base_score
    data["baseSeverity"] = result.base_severity.upper()
    if result.temporal_score is not None and result.temporal_severity is not None:
        data["threatScore"] = result.temporal_score
        data["threatSeverity"] = result.temporal_severity.upper()
    if result.environmental_score is not None and result.environmental_severity is not None:
        data["environmentalScore"] = result.environmental_score
        data["environmentalSeverity"] = result.environmental_severity.upper()
    return data
