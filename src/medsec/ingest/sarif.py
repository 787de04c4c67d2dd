"""SARIF reader (2.1.0, 2.0.0 and drafts): every run's tool, rules and results with their rule
ids, levels, messages and locations. Missing optional parts give warnings; a broken required
part (no ``runs``, ``results`` that is not an array) refuses the file naming the JSON pointer."""

from __future__ import annotations

from typing import Any

from medsec.errors import DocumentError
from medsec.ingest._common import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, check_size, load_json
from medsec.ingest._common import strip_bom as _strip_bom
from medsec.ingest.evidence_model import EvidenceDocument, EvidenceResult, EvidenceRule

LEVELS = ("error", "warning", "note", "none")
_FAILING_LEVELS = frozenset({"error", "warning"})


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _arr(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("text", "markdown"):
            if isinstance(value.get(key), str):
                return str(value[key])
        return None
    return value if isinstance(value, str) else None


def _location(result: dict[str, Any]) -> str | None:
    locs = result.get("locations")
    if not isinstance(locs, list) or not locs or not isinstance(locs[0], dict):
        return None
    phys = locs[0].get("physicalLocation")
    if not isinstance(phys, dict):
        return None
    art = phys.get("artifactLocation") or phys.get("fileLocation")  # 2.0.0 used fileLocation
    uri = art.get("uri") if isinstance(art, dict) else None
    if not isinstance(uri, str):
        return None
    region = phys.get("region")
    line = region.get("startLine") if isinstance(region, dict) else None
    return f"{uri}:{line}" if isinstance(line, int) else uri


def _rules(run: dict[str, Any]) -> list[EvidenceRule]:
    driver = (run.get("tool") or {}).get("driver") if isinstance(run.get("tool"), dict) else None
    raw: Any = driver.get("rules") if isinstance(driver, dict) else None
    if raw is None and isinstance(run.get("resources"), dict):  # 2.0.0: resources.rules (a map)
        raw = run["resources"].get("rules")
    items: list[Any] = list(raw.values()) if isinstance(raw, dict) else (raw or [])
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        props = _obj(item.get("properties"))
        tags = _arr(props.get("tags"))
        out.append(
            EvidenceRule(
                id=item["id"],
                name=item.get("name") if isinstance(item.get("name"), str) else None,
                description=_text(item.get("shortDescription")),
                tags=tuple(str(t) for t in tags),
            )
        )
    return out


def _tool_name(run: dict[str, Any]) -> str:
    tool = run.get("tool")
    if isinstance(tool, dict):
        driver: dict[str, Any] = _obj(tool.get("driver")) or tool
        for key in ("name", "fullName"):
            if isinstance(driver.get(key), str):
                return str(driver[key])
    return "(unnamed tool)"


def _rule_id(result: dict[str, Any], rules: list[EvidenceRule]) -> str | None:
    for key in ("ruleId",):
        if isinstance(result.get(key), str):
            return str(result[key])
    rule = result.get("rule")
    if isinstance(rule, dict):
        if isinstance(rule.get("id"), str):
            return str(rule["id"])
        idx = rule.get("index")
        if isinstance(idx, int) and 0 <= idx < len(rules):
            return rules[idx].id
    idx = result.get("ruleIndex")
    if isinstance(idx, int) and 0 <= idx < len(rules):
        return rules[idx].id
    return None


def read_sarif(
    data: bytes,
    *,
    source: str = "<sarif>",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> EvidenceDocument:
    """Parse a SARIF log into evidence results (one per SARIF result, in run order)."""
    check_size(data, source=source, max_bytes=max_bytes)
    doc = load_json(_strip_bom(data), source=source, max_depth=max_depth)
    if not isinstance(doc, dict):
        raise DocumentError("a SARIF log is a JSON object", source=source, location="/")
    runs = doc.get("runs")
    if not isinstance(runs, list):
        raise DocumentError(
            "not a SARIF log: required property 'runs' (an array) is missing",
            source=source,
            location="/runs",
        )
    version = doc.get("version")
    warnings: list[str] = []
    if not isinstance(version, str):
        warnings.append("no 'version': read as SARIF 2.1.0")
        version = "2.1.0"
    results: list[EvidenceResult] = []
    all_rules: dict[str, EvidenceRule] = {}
    tools: list[str] = []
    for r_i, run in enumerate(runs):
        if not isinstance(run, dict):
            raise DocumentError("a run is a JSON object", source=source, location=f"/runs/{r_i}")
        tool = _tool_name(run)
        if tool == "(unnamed tool)":
            warnings.append(f"/runs/{r_i}/tool: no tool name")
        if tool not in tools:
            tools.append(tool)
        rules = _rules(run)
        for rule in rules:
            all_rules.setdefault(rule.id, rule)
        by_id = {rule.id: rule for rule in rules}
        raw = run.get("results")
        if raw is None:
            warnings.append(f"/runs/{r_i}/results: absent (the run reports nothing)")
            continue
        if not isinstance(raw, list):
            raise DocumentError(
                f"'results' must be an array, not {type(raw).__name__}",
                source=source,
                location=f"/runs/{r_i}/results",
            )
        missing_rule = 0
        for i, res in enumerate(raw):
            if not isinstance(res, dict):
                raise DocumentError(
                    "a result is a JSON object", source=source, location=f"/runs/{r_i}/results/{i}"
                )
            rule_id = _rule_id(res, rules)
            if rule_id is None:
                missing_rule += 1
            level = res.get("level") if res.get("level") in LEVELS else None
            kind = res.get("kind") if isinstance(res.get("kind"), str) else None
            if kind == "pass":
                outcome = "pass"
            elif kind in ("notApplicable", "informational", "review", "open"):
                outcome = "skipped" if kind == "notApplicable" else "fail"
            else:  # kind "fail" or absent: the level says how bad; absent level means warning
                outcome = "fail" if (level or "warning") in _FAILING_LEVELS else "skipped"
                if level == "note":
                    outcome = "fail"  # a note is still a reported problem to triage
            found = by_id.get(rule_id or "")
            results.append(
                EvidenceResult(
                    key=rule_id or "(no rule id)",
                    outcome=outcome,
                    name=(found.name if found else None) or rule_id or "(no rule id)",
                    level=level,
                    message=_text(res.get("message")),
                    location=_location(res),
                    tool=tool,
                    tags=found.tags if found else (),
                )
            )
        if missing_rule:
            warnings.append(f"/runs/{r_i}/results: {missing_rule} result(s) without a rule id")
    return EvidenceDocument(
        kind="sarif",
        format=f"sarif {version}",
        tools=tuple(tools),
        results=tuple(results),
        rules=tuple(all_rules.values()),
        runs=len(runs),
        warnings=tuple(warnings),
    )
