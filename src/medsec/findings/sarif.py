"""SARIF 2.1.0 output of scan findings, for code-scanning dashboards and CI gates."""

from __future__ import annotations

from typing import Any

from medsec import __version__
from medsec.findings.schemas import SarifLog

_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "none": "note"}


def to_sarif(findings: list[dict[str, Any]], *, artifact: str) -> SarifLog:
    """A SARIF log with one rule per vulnerability and one result per affected component."""
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for f in findings:
        v, c = f["vulnerability"], f["component"]
        if v["id"] not in rules:
            rules[v["id"]] = {
                "id": v["id"],
                "shortDescription": {"text": v["summary"] or v["id"]},
                "helpUri": f"https://osv.dev/vulnerability/{v['id']}",
                "properties": {
                    "aliases": v["aliases"],
                    **(
                        {"security-severity": str(v["cvss_score"])}
                        if v["cvss_score"] is not None
                        else {}
                    ),
                },
            }
        name = f"{c['group']}/{c['name']}" if c.get("group") else c["name"]
        why = "; ".join(m["reason"] for m in f["matched_by"])
        results.append(
            {
                "ruleId": v["id"],
                "level": _LEVEL.get(v["severity"] or "", "warning"),
                "message": {
                    "text": f"{name} {c.get('version') or ''} is affected by {v['id']}: {why}"
                },
                "locations": [
                    {
                        "physicalLocation": {"artifactLocation": {"uri": artifact}},
                        "logicalLocations": [
                            {"name": c.get("purl") or c.get("cpe") or name, "kind": "package"}
                        ],
                    }
                ],
            }
        )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "medsec",
                        "version": __version__,
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
            }
        ],
    }
