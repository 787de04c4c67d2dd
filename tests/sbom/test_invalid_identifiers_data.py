"""Real SBOMs with an invalid purl or CPE import by default, the value kept verbatim and
flagged invalid, never matched (issue 10, defect 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from medsec.db.uow import unit_of_work
from medsec.errors import DocumentError
from medsec.ingest.sbom import parse_sbom
from medsec.matching.engine import Candidate, match_components
from medsec.sbom import service

pytestmark = [pytest.mark.shared_data, pytest.mark.db]

SYFT = "sboms/sbomqs-samples/sbomqs.syft-cyclone.json"
BAD = "pkg-:golang/github.com/CycloneDX/cyclonedx-go@v0.7.0"


def test_syft_sbom_imports_with_the_bad_purl_kept_verbatim(shared_data: Path, session_factory):
    data = (shared_data / SYFT).read_bytes()
    with unit_of_work(session_factory) as s:
        res = service.import_sbom(
            s, data=data, source_name="syft.json", product="P", version="1", actor="t"
        )
        comps = service.components(s, res.sbom)
        first = next(c for c in comps if ("medsec:invalid-purl", BAD) in _props(c))
        assert first.purl is None  # never used for matching
    assert res.sbom.component_count == 30
    assert [w.location for w in res.warnings if BAD in w.message] == ["$.components[0].purl"]


def test_strict_refuses_with_the_place(shared_data: Path, session_factory):
    data = (shared_data / SYFT).read_bytes()
    with pytest.raises(DocumentError) as info, unit_of_work(session_factory) as s:
        service.import_sbom(
            s, data=data, source_name="syft.json", product="P", version="1", actor="t", strict=True
        )
    assert info.value.location == "$.components[0].purl"


def test_an_invalid_cpe_is_kept_flagged_and_never_matched() -> None:
    # syft writes Go module paths into CPEs unescaped: "x/net" is not a valid CPE 2.3 value
    cpe = "cpe:2.3:a:golang:x/net:v0.0.0-20210226172049-e18ecbb05110:*:*:*:*:*:*:*"
    doc = (
        '{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"library",'
        f'"name":"golang.org/x/net","version":"v0.0.0","cpe":"{cpe}"}}]}}'
    ).encode()
    with pytest.raises(DocumentError):
        parse_sbom(doc, source="x.json", strict=True)
    sbom = parse_sbom(doc, source="x.json", strict=False)
    comp = sbom.components[0]
    assert comp.cpe is None and ("medsec:invalid-cpe", cpe) in comp.properties
    assert sbom.warnings[0].location == "$.components[0].cpe"
    hits, _ = match_components([Candidate(1, comp.purl, comp.cpe, comp.version)], [])
    assert hits == []


def test_structure_errors_are_still_refused_by_default(session_factory):
    with pytest.raises(DocumentError), unit_of_work(session_factory) as s:
        service.import_sbom(
            s,
            data=b'{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":"a"}]}',
            source_name="bad.json",
            product="P",
            version="1",
            actor="t",
        )


def _props(c) -> list[tuple[str, str]]:
    return [tuple(p) for p in (c.properties or [])]
