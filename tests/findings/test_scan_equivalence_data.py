"""The one-shot scan gives exactly the findings and misses it gave before it matched distinct
components once, skipped entries by their span and walked ranges in one pass (issue 9 item 8):
on the real SBOMs and a portfolio drawn from the real advisories, against a reference written
here the way the scan worked before (each component on its own through ``AdvisoryIndex.match``,
every CPE through ``CpeIndex.match``), and the range walk against the old two-pass walk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from medsec.core.versions import InvalidVersion, version_key
from medsec.errors import DocumentError
from medsec.findings import display
from medsec.findings.scan import Intelligence, load_feeds, scan
from medsec.ingest.sbom import parse_sbom
from medsec.ingest.sbom_model import ParsedSbom
from medsec.matching import osv
from medsec.matching.cpe import CpeComponent
from medsec.matching.engine import Hit, Miss, distro_of_purl, upstream_only
from medsec.matching.index import ComponentRef
from medsec.vulns import display as vuln_display

pytestmark = pytest.mark.shared_data

REAL = (
    "sboms/cyclonedx-examples/SBOM/juice-shop/via_npm/bare/bom.1.4.json",
    "sboms/cyclonedx-examples/SBOM/keycloak-10.0.2/bom.json",
    "sboms/cyclonedx-examples/SBOM/dropwizard-1.3.15/bom.json",
    "sboms/sbomqs-samples/apache_airflow-sbom-2.8.0-python3.10.json",
    "sboms/sbomqs-samples/blogifier-dotnet-SBOM.json",
)
PURL_TYPE = {"PyPI": "pypi", "Go": "golang", "npm": "npm", "Maven": "maven"}


@pytest.fixture(scope="module")
def intel(shared_data: Path) -> Intelligence:
    """Every readable advisory folder of the shared data, loaded once."""
    out = Intelligence()
    for sub in sorted(p for p in (shared_data / "advisories").iterdir() if p.is_dir()):
        try:
            out.records += load_feeds([sub], max_bytes=1 << 30).records
        except DocumentError:
            continue  # a folder with no feed document (the bench skips it too)
    assert len(out.records) > 5000
    return out


def _reference(sbom: ParsedSbom, intel: Intelligence) -> tuple[list[dict[str, Any]], list[Miss]]:
    """The scan as it was: every component matched on its own, then grouped."""
    comps = sbom.components
    index = intel.index()
    cands = [(i, c) for i, c in enumerate(comps) if c.purl or c.cpe]
    result = index.matcher.advisories.match(
        ComponentRef(i, c.purl, c.version) for i, c in cands if c.purl
    )
    hits = [
        Hit(int(m.component_id), m.vuln_id, "purl", m.purl, m.explanation) for m in result.matches
    ]
    misses = [Miss(int(u.component_id), "purl", u.reason) for u in result.unmatched]
    platform = tuple(sorted({c.cpe for c in comps if c.cpe}))
    report = index.matcher.cpes.match(
        CpeComponent(str(i), c.cpe, platform) for i, c in cands if c.cpe
    )
    for h in report.hits:
        cid = int(h.component_id)
        reason = "; ".join(v.explanation for v in h.verdicts)
        purl, cpe = comps[cid].purl, comps[cid].cpe or ""
        distro = distro_of_purl(purl) if purl else None
        if distro is None:
            hits.append(Hit(cid, h.record_id, "cpe", cpe, reason))
        elif not index.matcher.advisories.has_family(distro):
            misses.append(
                Miss(cid, "cpe", upstream_only(distro, h.record_id, reason), h.record_id, cpe)
            )
    misses += [
        Miss(int(m.component_id), "cpe", m.reason)
        for m in report.unmatched
        if m.reason.startswith("invalid")
    ]
    grouped: dict[tuple[int, str], list[Hit]] = {}
    for h in hits:
        grouped.setdefault((h.component_id, index.groups[h.record_id][0]), []).append(h)
    findings = []
    for (cid, key), group in sorted(grouped.items()):
        ids = index.groups[group[0].record_id][1]
        recs = [index.by_id[i] for i in ids if i in index.by_id]
        findings.append(
            {
                "component": display.component_view(comps[cid]),
                "vulnerability": vuln_display.vulnerability_view(
                    key, ids, recs, intel.kev, intel.epss
                ),
                "matched_by": [
                    {
                        "record": h.record_id,
                        "source": index.by_id[h.record_id].source,
                        "identifier": h.identifier,
                        "value": h.value,
                        "reason": h.reason,
                    }
                    for h in group
                ],
            }
        )
    return findings, misses


def _component(purl: str | None, version: str, cpe: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "library", "name": "x", "version": version}
    if purl:
        out["purl"] = purl
    if cpe:
        out["cpe"] = cpe
    return out


def _portfolio(intel: Intelligence) -> bytes:
    """Components of the advisories' own packages at listed, event and later versions (twice,
    so identical components are matched once and reported for each), packages no advisory
    names, purls without an OSV ecosystem or version, unparsable versions, the NVD records'
    own CPEs (alone, on a Debian package, and broken)."""
    comps: list[dict[str, Any]] = []
    for n, rec in enumerate(intel.records):
        for aff in rec.affected[:1]:
            kind = PURL_TYPE.get(aff.ecosystem)
            if not kind or n % 12:
                continue
            values = [*aff.versions[:2], "99999.0.0", "not a version!"]
            values += [e.value for r in aff.ranges for e in r.events if e.value != "0"]
            for v in dict.fromkeys(values):
                version = f"v{v}" if kind == "golang" and v[:1].isdigit() else v
                name = aff.name.replace(":", "/") if kind == "maven" else aff.name
                comps.append(_component(f"pkg:{kind}/{name}@{version}", version))
    cpes = []
    for rec in intel.records:
        for m in (m for cfg in rec.configurations for node in cfg.nodes for m in node.matches):
            parts = m.criteria.split(":")
            bound = m.version_start_including or m.version_end_including
            if m.vulnerable and len(parts) == 13:
                parts[5] = bound if parts[5] == "*" and bound else parts[5]
                cpes.append(":".join(parts))
    for i, cpe in enumerate(cpes[::7][:80]):
        comps.append(_component(None, "1", cpe))
        distro = "deb/debian" if i % 2 else "rpm/suse"  # advisories of SUSE: none loaded
        comps.append(_component(f"pkg:{distro}/p{i}@1.0-1", "1.0-1", cpe))
    comps += [_component(f"pkg:npm/nadv-{i}@1.{i}.0", f"1.{i}.0") for i in range(300)]
    comps += [_component(f"pkg:generic/thing-{i}@{i}", str(i)) for i in range(100)]
    comps += [_component("pkg:pypi/requests", ""), _component(None, "1", "cpe:2.3:a:broken")]
    comps += [dict(c) for c in comps[: len(comps) // 3]]
    for i, c in enumerate(comps):
        c["bom-ref"] = f"c{i}"
    return orjson.dumps({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": comps})


def _sboms(shared: Path, intel: Intelligence) -> list[tuple[str, ParsedSbom]]:
    out = [(rel, parse_sbom((shared / rel).read_bytes(), source=rel, strict=False)) for rel in REAL]
    data = _portfolio(intel)
    return [*out, ("portfolio", parse_sbom(data, source="portfolio", strict=False))]


def test_scan_equals_the_per_component_reference(shared_data, intel):
    total = 0
    for name, sbom in _sboms(shared_data, intel):
        result = scan(sbom, intel)
        findings, misses = _reference(sbom, intel)
        assert result.findings == findings, name
        assert result.misses == misses, name
        total += len(findings)
        if name == "portfolio":
            kinds = {m["identifier"] for f in findings for m in f["matched_by"]}
            assert len(findings) > 300 and kinds == {"purl", "cpe"}
            assert any(m.upstream_only for m in misses)
            assert {m.reason.split(":")[0] for m in misses} >= {
                "cannot parse version",
                "no version",
            }
    assert total > 1000


def _old_walk(rng: osv.PreparedRange, vkey: Any) -> tuple[Any, ...] | None:
    """The range walk as it was (the state in one pass, the upper bound in a second)."""
    point = (osv.MIDDLE, vkey)
    if rng.limits and not any(point < lim for lim, _ in rng.limits):
        return None
    vulnerable, lower = False, None
    for key, kind, value in rng.events:
        if kind == "introduced":
            if point >= key:
                vulnerable, lower = True, (kind, value)
        elif kind == "fixed":
            if point >= key:
                vulnerable = False
        elif kind == "last_affected" and point > key:
            vulnerable = False
    if not vulnerable:
        return None
    upper = next(
        (
            (kind, value)
            for key, kind, value in rng.events
            if (kind == "fixed" and point < key) or (kind == "last_affected" and point <= key)
        ),
        None,
    )
    fixed = upper[1] if upper and upper[0] == "fixed" else None
    last = upper[1] if upper and upper[0] == "last_affected" else None
    limit = next((v for k, v in rng.limits if point < k), None)
    return (lower[1] if lower else "?"), fixed, last, limit


def test_range_walk_and_span_skip_agree_with_the_full_evaluation(intel):
    checked = affected = 0
    for entries in intel.index().matcher.advisories._by_key.values():
        for entry in entries[:3]:
            prep = entry.prep
            values = {e for r in prep.ranges for _k, _kind, e in r.events}
            values |= {*prep.versions[:3], "0.0.1", "99999"}
            for version in values:
                try:
                    key = version_key(prep.scheme, version)
                except InvalidVersion:
                    continue
                for rng in prep.ranges:
                    if not rng.error and rng.scheme == prep.scheme:
                        assert osv._bounds(rng, (osv.MIDDLE, key)) == _old_walk(rng, key)
                verdict = osv.evaluate_prepared(prep, version, key)
                expected = verdict.reason if verdict.affected else None
                assert osv.affected_reason(prep, version, key) == expected
                checked += 1
                affected += verdict.affected
    assert checked > 20000 and affected > 5000
