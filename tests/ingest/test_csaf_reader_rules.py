"""Reading and validating a small hand-written CSAF 2.0 advisory; the `medsec csaf` CLI."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from medsec.core.vex import Justification, VexStatus
from medsec.imported_csaf.cli import app
from medsec.ingest.csaf import read_csaf, validate_csaf


def _advisory() -> dict[str, Any]:
    """A small CSAF 2.0 security advisory for an infusion pump (hand-written)."""

    def fpn(pid: str, name: str, **helper: Any) -> dict[str, Any]:
        extra = {"product_identification_helper": helper} if helper else {}
        return {"name": name, "product_id": pid, **extra}

    return {
        "document": {
            "category": "csaf_security_advisory",
            "csaf_version": "2.0",
            "distribution": {"tlp": {"label": "WHITE", "url": "https://www.first.org/tlp/"}},
            "lang": "en",
            "notes": [{"category": "summary", "text": "Pump firmware flaw.", "title": "Summary"}],
            "publisher": {
                "category": "vendor",
                "name": "Acme Medical",
                "namespace": "https://acme.example",
            },
            "references": [
                {
                    "category": "external",
                    "summary": "Bulletin",
                    "url": "https://acme.example/psirt/1",
                }
            ],
            "title": "Acme pump firmware vulnerability",
            "tracking": {
                "current_release_date": "2024-03-02T10:00:00Z",
                "id": "ACME-2024-001",
                "initial_release_date": "2024-03-01T10:00:00Z",
                "revision_history": [
                    {"date": "2024-03-01T10:00:00Z", "number": "1", "summary": "Initial"},
                    {"date": "2024-03-02T10:00:00Z", "number": "2", "summary": "Fix released"},
                ],
                "status": "final",
                "version": "2",
            },
        },
        "product_tree": {
            "branches": [
                {
                    "category": "vendor",
                    "name": "Acme Medical",
                    "branches": [
                        {
                            "category": "product_name",
                            "name": "InfuPump",
                            "branches": [
                                {
                                    "category": "product_version",
                                    "name": "4.1",
                                    "product": fpn(
                                        "PUMP-41",
                                        "Acme InfuPump 4.1",
                                        purl="pkg:generic/acme/infupump@4.1",
                                        model_numbers=["IP-4"],
                                        hashes=[
                                            {
                                                "filename": "fw.bin",
                                                "file_hashes": [
                                                    {"algorithm": "sha256", "value": "a" * 64}
                                                ],
                                            }
                                        ],
                                    ),
                                },
                                {
                                    "category": "product_version",
                                    "name": "4.2",
                                    "product": fpn("PUMP-42", "Acme InfuPump 4.2"),
                                },
                                {
                                    "category": "product_version",
                                    "name": "5.0",
                                    "product": fpn("PUMP-50", "Acme InfuPump 5.0"),
                                },
                            ],
                        },
                    ],
                }
            ],
            "full_product_names": [
                fpn("GW-1", "Acme Gateway 1", cpe="cpe:2.3:h:acme:gateway:1:*:*:*:*:*:*:*")
            ],
            "product_groups": [
                {"group_id": "G-NEW", "product_ids": ["PUMP-50", "GW-1"], "summary": "new"}
            ],
            "relationships": [
                {
                    "category": "installed_on",
                    "product_reference": "PUMP-41",
                    "relates_to_product_reference": "GW-1",
                    "full_product_name": {
                        "name": "InfuPump 4.1 on Gateway 1",
                        "product_id": "PUMP-41-GW",
                    },
                }
            ],
        },
        "vulnerabilities": [
            {
                "cve": "CVE-2024-0001",
                "cwe": {"id": "CWE-787", "name": "Out-of-bounds Write"},
                "ids": [{"system_name": "Acme PSIRT", "text": "ACME-VU-7"}],
                "notes": [{"category": "description", "text": "A buffer overflow."}],
                "product_status": {
                    "first_affected": ["PUMP-41"],
                    "known_affected": ["PUMP-41-GW"],
                    "first_fixed": ["PUMP-42"],
                    "known_not_affected": ["PUMP-50", "GW-1"],
                    "recommended": ["PUMP-42"],
                },
                "flags": [{"label": "vulnerable_code_not_present", "group_ids": ["G-NEW"]}],
                "threats": [
                    {
                        "category": "impact",
                        "details": "Dose may change.",
                        "product_ids": ["PUMP-41"],
                    },
                    {
                        "category": "exploit_status",
                        "details": "No known exploitation.",
                        "product_ids": ["PUMP-41"],
                    },
                ],
                "remediations": [
                    {
                        "category": "vendor_fix",
                        "details": "Update to 4.2.",
                        "product_ids": ["PUMP-41", "PUMP-41-GW", "PUMP-42"],
                        "url": "https://acme.example/fw",
                    }
                ],
                "scores": [
                    {
                        "products": ["PUMP-41", "PUMP-41-GW"],
                        "cvss_v3": {
                            "version": "3.1",
                            "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                            "baseScore": 9.8,
                            "baseSeverity": "CRITICAL",
                        },
                    }
                ],
                "title": "Buffer overflow",
            }
        ],
    }


def test_fixture_is_valid_and_optional_findings_are_warnings() -> None:
    result = validate_csaf(_advisory(), source="acme.json")
    assert result.valid and result.failures == ()
    assert "schema" in result.tests_run and "6.1.33" in result.tests_run
    assert result.warnings and all(
        w.group in {"recommended", "informative"} for w in result.warnings
    )


@pytest.mark.parametrize(
    ("break_it", "test_id", "path"),
    [
        (
            lambda d: d["vulnerabilities"][0]["product_status"].update(fixed=["PUMP-41"]),
            "6.1.6",
            "/vulnerabilities/0/product_status",
        ),
        (
            lambda d: d["vulnerabilities"][0]["scores"][0]["cvss_v3"].update(baseScore=5.0),
            "6.1.9",
            "/vulnerabilities/0/scores/0/cvss_v3",
        ),
        (
            lambda d: d["vulnerabilities"][0]["remediations"][0]["product_ids"].append("NOPE"),
            "6.1.1",
            "/vulnerabilities/0/remediations/0/product_ids",
        ),
        (
            lambda d: d["document"]["tracking"].update(version="3"),
            "6.1.16",
            "/document/tracking/version",
        ),
        (
            lambda d: d["vulnerabilities"][0]["cwe"].update(name="Wrong name"),
            "6.1.11",
            "/vulnerabilities/0/cwe",
        ),
    ],
)
def test_broken_copies_fail_with_test_id_and_pointer(
    break_it: Any, test_id: str, path: str
) -> None:
    doc = copy.deepcopy(_advisory())
    break_it(doc)
    result = validate_csaf(doc, source="broken.json")
    assert not result.valid
    assert test_id in result.failed_tests
    assert any(f.test_id == test_id and f.path.startswith(path) for f in result.failures)


def test_schema_failure_still_runs_mandatory_tests() -> None:
    doc = _advisory()
    doc["document"]["tracking"]["status"] = "published"  # not draft|interim|final
    doc["product_tree"]["product_groups"][0]["product_ids"].append("MISSING")
    result = validate_csaf(doc, source="x.json")
    assert result.failed_tests[0] == "schema"
    assert "6.1.1" in result.failed_tests


def test_read_metadata() -> None:
    doc = read_csaf(json.dumps(_advisory()).encode(), source="acme.json")
    assert (doc.category, doc.csaf_version, doc.tracking_id) == (
        "csaf_security_advisory",
        "2.0",
        "ACME-2024-001",
    )
    assert (doc.status, doc.version, doc.lang, doc.tlp_label) == ("final", "2", "en", "WHITE")
    assert doc.initial_release_date is not None and doc.initial_release_date.day == 1
    assert doc.current_release_date is not None and doc.current_release_date.day == 2
    assert [r.number for r in doc.revision_history] == ["1", "2"]
    assert doc.publisher.name == "Acme Medical" and doc.publisher.category == "vendor"
    assert doc.notes[0].category == "summary" and doc.notes[0].title == "Summary"
    assert doc.source == "acme.json"


def test_read_products_relationships_and_groups() -> None:
    doc = read_csaf(_advisory(), source="acme.json")
    assert [p.product_id for p in doc.products] == ["GW-1", "PUMP-41", "PUMP-42", "PUMP-50"]
    gw, pump = doc.product("GW-1"), doc.product("PUMP-41")
    assert gw is not None and gw.branch_path == () and gw.cpe and gw.cpe.startswith("cpe:2.3:h")
    assert pump is not None
    assert (pump.vendor, pump.product_name, pump.version) == ("Acme Medical", "InfuPump", "4.1")
    assert pump.branch_path[-1] == ("product_version", "4.1")
    assert pump.purl == "pkg:generic/acme/infupump@4.1" and pump.model_numbers == ("IP-4",)
    assert pump.hashes[0].filename == "fw.bin" and pump.hashes[0].algorithm == "sha256"
    rel = doc.relationships[0]
    assert (rel.category, rel.product_reference, rel.relates_to_product_reference) == (
        "installed_on",
        "PUMP-41",
        "GW-1",
    )
    assert rel.product_id == "PUMP-41-GW" and doc.product("PUMP-41-GW") is None
    assert doc.expand(("PUMP-41",), ("G-NEW",)) == ("PUMP-41", "PUMP-50", "GW-1")


def test_read_vulnerability_statuses_map_to_canonical_vex() -> None:
    v = read_csaf(_advisory(), source="acme.json").vulnerabilities[0]
    assert v.cve == "CVE-2024-0001" and (v.cwe_id, v.cwe_name) == ("CWE-787", "Out-of-bounds Write")
    assert v.ids[0].system_name == "Acme PSIRT" and v.title == "Buffer overflow"
    by_product = {s.product_id: s for s in v.product_status}
    assert by_product["PUMP-41"].status is VexStatus.AFFECTED
    assert by_product["PUMP-41"].original == "first_affected"
    assert by_product["PUMP-41-GW"].status is VexStatus.AFFECTED
    assert by_product["PUMP-42"].status is VexStatus.FIXED
    assert by_product["PUMP-42"].original == "first_fixed"
    for pid in ("PUMP-50", "GW-1"):  # the flag names the group, not the products
        assert by_product[pid].status is VexStatus.NOT_AFFECTED
        assert by_product[pid].justification is Justification.VULNERABLE_CODE_NOT_PRESENT
    assert by_product["PUMP-41"].justification is None
    assert v.recommended == ("PUMP-42",) and len(v.product_status) == 5
    assert v.flags[0].group_ids == ("G-NEW",) and v.flags[0].product_ids == ()


def test_read_threats_remediations_scores() -> None:
    v = read_csaf(_advisory(), source="acme.json").vulnerabilities[0]
    assert [(t.category, t.product_ids) for t in v.threats] == [
        ("impact", ("PUMP-41",)),
        ("exploit_status", ("PUMP-41",)),
    ]
    rem = v.remediations[0]
    assert (rem.category, rem.url) == ("vendor_fix", "https://acme.example/fw")
    assert rem.product_ids == ("PUMP-41", "PUMP-41-GW", "PUMP-42") and rem.details
    score = v.scores[0]
    assert score.cvss_v3_vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    assert (score.cvss_v3_version, score.cvss_v3_base_score) == ("3.1", 9.8)
    assert score.cvss_v2_vector is None and score.product_ids == ("PUMP-41", "PUMP-41-GW")


def test_dtos_are_frozen() -> None:
    doc = read_csaf(_advisory(), source="acme.json")
    with pytest.raises(AttributeError):
        doc.title = "changed"  # type: ignore[misc]


# --- CLI ------------------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, doc: dict[str, Any], sidecar: str | None = None) -> Path:
    path = tmp_path / name
    data = json.dumps(doc, indent=2).encode()
    path.write_bytes(data)
    if sidecar == "good":
        (tmp_path / f"{name}.sha512").write_text(f"{hashlib.sha512(data).hexdigest()}  {name}\n")
    elif sidecar == "bad":
        (tmp_path / f"{name}.sha256").write_text(
            f"{hashlib.sha256(b'other').hexdigest()}  {name}\n"
        )
    return path


def test_cli_valid_file_with_matching_sidecar(tmp_path: Path) -> None:
    path = _write(tmp_path, "acme-2024-001.json", _advisory(), sidecar="good")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "VALID" in result.output and "INVALID" not in result.output
    assert "sha512 ok" in result.output


def test_cli_invalid_file_json_output(tmp_path: Path) -> None:
    doc = _advisory()
    doc["vulnerabilities"][0]["scores"][0]["cvss_v3"]["baseScore"] = 4.0
    good = _write(tmp_path, "good.json", _advisory())
    bad = _write(tmp_path, "bad.json", doc)
    result = CliRunner().invoke(app, ["validate", str(good), str(bad), "--format", "json"])
    assert result.exit_code == 2
    entries = json.loads(result.output)
    assert [e["valid"] for e in entries] == [True, False]
    assert entries[0]["hashes"] == {} and entries[0]["failures"] == []
    failure = next(f for f in entries[1]["failures"] if f["test"] == "6.1.9")
    assert failure["path"] == "/vulnerabilities/0/scores/0/cvss_v3/baseScore"


def test_cli_hash_mismatch_fails_a_valid_document(tmp_path: Path) -> None:
    path = _write(tmp_path, "acme.json", _advisory(), sidecar="bad")
    result = CliRunner().invoke(app, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 2
    entry = json.loads(result.output)[0]
    assert entry["valid"] is True and entry["hashes"] == {"sha256": "mismatch"}
    table = CliRunner().invoke(app, ["validate", str(path)])
    assert "sha256 mismatch" in table.output and table.exit_code == 2


def test_cli_table_names_failing_tests_and_absent_sidecar(tmp_path: Path) -> None:
    doc = _advisory()
    doc["vulnerabilities"][0]["product_status"]["fixed"] = ["PUMP-41"]
    path = _write(tmp_path, "acme.json", doc)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "INVALID" in result.output and "6.1.6" in result.output
    assert "/vulnerabilities/0/product_status" in result.output and "absent" in result.output


def test_cli_malformed_and_missing_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_bytes(b'{\n  "document": {\n    "category": oops\n')
    result = CliRunner().invoke(
        app, ["validate", str(broken), str(tmp_path / "nope.json"), "-f", "json"]
    )
    assert result.exit_code == 2
    first, second = json.loads(result.output)
    assert not first["valid"] and "line 3" in first["error"]
    assert not second["valid"] and "cannot read" in second["error"]
