"""STIX 2.1 on the real OASIS data: every example of ../shared/data/stix imports (schema and
stix2 parser), refusals name the file and the JSON pointer, and every bundle medsec writes
validates against the OASIS STIX 2.1 schemas and parses with stix2."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import stix2
from share_world import ADMIN, ANALYST, CVE, VIEWER

from medsec.db.uow import unit_of_work
from medsec.errors import Conflict, DocumentError, PermissionDenied
from medsec.incidents import service as incidents
from medsec.sharing import service as sharing
from medsec.sharing import stix_export, stix_import, stix_schema
from medsec.sharing.schemas import IncidentOut, IndicatorOut

pytestmark = pytest.mark.shared_data
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def _examples(stix_dir) -> list[dict]:
    return json.loads((stix_dir / "index.json").read_text())["examples"]


def test_every_example_imports_with_its_objects(share_world, stix_dir, schemas):
    factory, _ = share_world
    examples = _examples(stix_dir)
    assert len(examples) == 17
    for ex in examples:
        path = stix_dir / ex["file"]
        with unit_of_work(factory) as s:
            made = sharing.import_stix(
                s, data=path.read_bytes(), source_name=ex["file"], actor=ANALYST, schemas=schemas
            )
        assert made.object_count == ex["objects"], ex["file"]
        want = {t: n for t, n in ex["objects_by_type"].items() if t in stix_import.KEPT_TYPES}
        got: dict[str, int] = {}
        for o in made.objects:
            got[o.stix_type] = got.get(o.stix_type, 0) + 1
        assert got == want, ex["file"]
    with unit_of_work(factory) as s:
        assert len(sharing.list_imports(s, actor=ANALYST)) == 17


def test_importing_the_same_bytes_twice_is_a_conflict(share_world, stix_dir, schemas):
    factory, _ = share_world
    path = stix_dir / _examples(stix_dir)[0]["file"]
    with unit_of_work(factory) as s:
        sharing.import_stix(
            s, data=path.read_bytes(), source_name="a", actor=ANALYST, schemas=schemas
        )
    with unit_of_work(factory) as s, pytest.raises(Conflict, match="already imported"):
        sharing.import_stix(
            s, data=path.read_bytes(), source_name="a", actor=ANALYST, schemas=schemas
        )


def test_viewers_cannot_import(share_world, stix_dir, schemas):
    factory, _ = share_world
    path = stix_dir / _examples(stix_dir)[0]["file"]
    with unit_of_work(factory) as s, pytest.raises(PermissionDenied):
        sharing.import_stix(
            s, data=path.read_bytes(), source_name="a", actor=VIEWER, schemas=schemas
        )


def _bad(stix_dir, mutate) -> bytes:
    doc = json.loads(
        (stix_dir / "cti-stix2-json-schemas/examples/indicator-for-c2-ip-address.json").read_text()
    )
    mutate(doc)
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda d: d["objects"][0].pop("pattern"), "/objects/0"),
        (lambda d: d["objects"][0].update(id="indicator--not-a-uuid"), "/objects/0/id"),
        (lambda d: d.update(id="bundle--1"), "/id"),
        (lambda d: d["objects"][0].update(created="yesterday"), "/objects/0/created"),
    ],
)
def test_schema_refusals_name_the_file_and_json_pointer(stix_dir, schemas, mutate, where):
    with pytest.raises(DocumentError) as caught:
        stix_import.read(_bad(stix_dir, mutate), source="isao.json", schemas=schemas)
    assert caught.value.source == "isao.json"
    assert caught.value.location == where
    assert str(caught.value).startswith(f"isao.json: {where}: not valid STIX 2.1")


def test_stix2_parser_refusal_after_a_valid_schema(stix_dir, schemas):
    # schema-valid (the schema does not read patterns), refused by stix2's pattern check
    data = _bad(stix_dir, lambda d: d["objects"][0].update(pattern="[ipv4-addr:value = ]"))
    assert stix_schema.errors(json.loads(data), root=schemas) == []
    with pytest.raises(DocumentError, match=r"isao\.json: the stix2 parser refused it"):
        stix_import.read(data, source="isao.json", schemas=schemas)


def test_not_json_and_hostile_text_stays_text(stix_dir, schemas):
    with pytest.raises(DocumentError, match=r"isao\.json: not JSON"):
        stix_import.read(b"{", source="isao.json", schemas=schemas)
    hostile = _bad(stix_dir, lambda d: d["objects"][0].update(name="<script>alert(1)</script>"))
    doc = stix_import.read(hostile, source="isao.json", schemas=schemas)
    assert doc.kept[0].name == "<script>alert(1)</script>"


def test_vulnerability_naming_a_cve_and_a_product_links_the_finding(share_world, schemas):
    factory, finding_id = share_world
    bundle = {
        "type": "bundle",
        "id": "bundle--6d4c1a8e-1b6a-4d6c-9a0e-0f8b1d2c3e4f",
        "objects": [
            {
                "type": "vulnerability",
                "spec_version": "2.1",
                "id": "vulnerability--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
                "created": "2026-01-01T00:00:00.000Z",
                "modified": "2026-01-01T00:00:00.000Z",
                "name": CVE,
                "description": "Seen exploited against Pump gateways.",
                "external_references": [{"source_name": "cve", "external_id": CVE}],
            },
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                "created": "2026-01-01T00:00:00.000Z",
                "modified": "2026-01-01T00:00:00.000Z",
                "name": "firmware server spoofing a vendor",
                "pattern": "[domain-name:value = 'updates.example.net']",
                "pattern_type": "stix",
                "valid_from": "2026-01-01T00:00:00Z",
            },
        ],
    }
    with unit_of_work(factory) as s:
        made = sharing.import_stix(
            s,
            data=json.dumps(bundle).encode(),
            source_name="isao.json",
            actor=ANALYST,
            schemas=schemas,
        )
    vuln, ind = made.objects
    assert (vuln.cves, vuln.products, vuln.findings) == ([CVE], ["Pump"], [finding_id])
    assert (ind.cves, ind.products, ind.findings) == ([], [], [])


def _outgoing(**kw) -> IncidentOut:
    base = {
        "ref": "INC-2026-0001",
        "product": "Pump",
        "releases": ("2.0",),
        "detected_at": datetime(2026, 3, 2, 9, tzinfo=UTC),
        "share_summary": "Block the indicators.",
        "tlp": "amber",
        "cves": (CVE,),
        "indicators": (
            IndicatorOut("spoofed server", "[domain-name:value = 'evil.example']", True),
        ),
    }
    return IncidentOut(**{**base, **kw})


@pytest.mark.parametrize("tlp", list(stix_export.TLP_IDS))
def test_written_bundles_validate_and_parse(schemas, tlp):
    bundle = stix_export.build_bundle(
        [_outgoing(tlp=tlp), _outgoing(ref="INC-2026-0002", tlp="clear", cves=())],
        organisation="Acme Medical",
        now=NOW,
    )
    assert stix_schema.errors(bundle, root=schemas) == []
    parsed = stix2.parse(bundle, allow_custom=False)
    assert parsed.type == "bundle"
    kinds = [o["type"] for o in bundle["objects"]]
    assert kinds.count("identity") == 1 and kinds.count("incident") == 2
    assert kinds.count("vulnerability") == 1 and kinds.count("indicator") == 2
    markings = {o["id"]: o for o in bundle["objects"] if o["type"] == "marking-definition"}
    assert set(markings) == {stix_export.TLP_IDS[tlp], stix_export.TLP_IDS["clear"]}
    assert markings[stix_export.TLP_IDS[tlp]]["extensions"][stix_export.TLP_EXTENSION] == {
        "extension_type": "property-extension",
        "tlp_2_0": tlp,
    }
    (identity,) = [o for o in bundle["objects"] if o["type"] == "identity"]
    for o in bundle["objects"]:
        if o["type"] not in ("identity", "marking-definition"):
            assert o["created_by_ref"] == identity["id"]
            assert len(o["object_marking_refs"]) == 1


def test_our_incident_objects_fail_the_official_bundle_schema_alone(schemas):
    """Why stix_schema validates gap types on their own: the raw bundle.json refuses any
    bundle with an incident in it."""
    import jsonschema_rs

    bundle = stix_export.build_bundle([_outgoing()], organisation="Acme", now=NOW)
    resources = []
    for p in schemas.rglob("*.json"):
        doc = json.loads(p.read_text())
        resources.append((doc["$id"], doc))
    raw = jsonschema_rs.validator_for(
        json.loads((schemas / "common/bundle.json").read_text()),
        registry=jsonschema_rs.Registry(resources),
    )
    bad = [list(e.instance_path) for e in raw.iter_errors(bundle)]
    incident_at = next(i for i, o in enumerate(bundle["objects"]) if o["type"] == "incident")
    assert bad and all(p[:2] == ["objects", incident_at] for p in bad)
    broken = json.loads(json.dumps(bundle))
    broken["objects"][incident_at].pop("created")
    assert stix_schema.errors(broken, root=schemas)[0].startswith(f"/objects/{incident_at}")


def test_export_through_the_service_writes_a_valid_bundle(
    share_world, schemas, tmp_path, monkeypatch
):
    factory, finding_id = share_world
    monkeypatch.setenv("MEDSEC_STIX_SCHEMAS", str(schemas))
    with unit_of_work(factory) as s:
        row = incidents.open_incident(
            s, title="t", actor=ANALYST, product="Pump", releases=["2.0"], tlp="green"
        )
        incidents.link(s, ref=row.ref, target=f"finding:{finding_id}", actor=ANALYST)
        sharing.add_agreement(
            s,
            partner="ISAO",
            scope="Pump",
            tlp="green",
            signed_on=row.detected_at.date(),
            actor=ANALYST,
        )
        made = sharing.export_stix(
            s,
            out=tmp_path / "b.json",
            organisation="Acme Medical",
            partner="ISAO",
            actor=ANALYST,
            incident=row.ref,
        )
    data = json.loads((tmp_path / "b.json").read_text())
    assert stix_schema.errors(data, root=schemas) == []
    stix2.parse(data, allow_custom=False)
    assert made.counts == {
        "identity": 1,
        "incident": 1,
        "marking-definition": 1,
        "relationship": 1,
        "vulnerability": 1,
    }
    (vuln,) = [o for o in data["objects"] if o["type"] == "vulnerability"]
    assert vuln["name"] == CVE and made.tlp == "green"
    with unit_of_work(factory) as s:
        again = sharing.import_stix(
            s,
            data=(tmp_path / "b.json").read_bytes(),
            source_name="b.json",
            actor=ADMIN,
            schemas=schemas,
        )
    assert again.objects[0].findings == [finding_id]
