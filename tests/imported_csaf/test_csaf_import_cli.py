"""`medsec csaf import|list|show|statements` in-process: summaries, refusals and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import _csaf_docs as docs

_TESTCASE_6_1_11 = (
    "csaf/oasis/csaf_2.0/test/validator/data/mandatory/oasis_csaf_tc-csaf_2_0-2021-6-1-11-01.json"
)


def _analyst(cli) -> None:
    assert cli("account", "add", "tester", "--role", "analyst")[0] == 0


def test_importing_the_cisa_folder_reports_each_file_and_refuses_the_feed(cli, shared_data):
    _analyst(cli)
    root = shared_data / "csaf" / "cisa" / "csaf_files"
    every = sorted(root.rglob("*.json"))
    advisories = [p for p in every if p.parent.name.isdigit()]
    others = len(every) - len(advisories)
    assert others >= 1
    code, out, err = cli("csaf", "import", str(root))
    assert code == 2
    assert f"{len(every)} file(s): {len(advisories)} new, {others} refused" in out
    assert "not a CSAF document" in err
    sample = advisories[0]
    first = next(line for line in out.splitlines() if line.startswith(str(sample)))
    tracking = json.loads(sample.read_bytes())["document"]["tracking"]
    assert f"{tracking['id']} version {tracking['version']} new: products " in first
    code, out, _ = cli("csaf", "import", str(sample))
    assert code == 0 and "unchanged" in out and "1 file(s): 1 unchanged" in out
    code, out, _ = cli("csaf", "list", "--format", "json")
    listed = json.loads(out)
    assert code == 0 and len(listed) == len(advisories)
    assert all(d["sidecars"] == {"sha512": "ok"} for d in listed)


def test_a_checksum_mismatch_refuses_the_file(cli, shared_data, tmp_path):
    _analyst(cli)
    src = sorted((shared_data / "csaf" / "cisa" / "csaf_files").rglob("icsma-*.json"))[0]
    target = tmp_path / src.name
    shutil.copyfile(src, target)
    sidecar = src.with_name(src.name + ".sha512").read_text()
    Path(f"{target}.sha512").write_text(("0" if sidecar[0] != "0" else "1") + sidecar[1:])
    code, out, err = cli("csaf", "import", str(target), "--force")
    assert code == 2
    assert "sha512 checksum does not match" in err
    assert "1 file(s): 1 refused" in out
    assert json.loads(cli("csaf", "list", "--format", "json")[1]) == []


def test_invalid_csaf_is_refused_with_its_tests_and_forced_marked_invalid(cli, shared_data):
    _analyst(cli)
    path = shared_data / _TESTCASE_6_1_11
    code, _, err = cli("csaf", "import", str(path))
    assert code == 2
    assert "6.1.11 /vulnerabilities/0/cwe/name" in err
    assert json.loads(cli("csaf", "list", "--format", "json")[1]) == []
    code, out, _ = cli("csaf", "import", str(path), "--force")
    assert code == 0
    assert "marked INVALID (forced; failing tests 6.1.11)" in out
    tracking = json.loads(path.read_bytes())["document"]["tracking"]["id"]
    code, out, _ = cli("csaf", "show", tracking)
    assert code == 0 and "INVALID (imported with --force)" in out
    assert "6.1.11 /vulnerabilities/0/cwe/name" in out


def test_show_statements_conflict_and_missing_things(cli, tmp_path):
    _analyst(cli)
    sbom = tmp_path / "fw.cdx.json"
    sbom.write_bytes(docs.cdx_sbom("2.1", "4.17.20", with_rtos=True))
    code, _, err = cli(
        "sbom", "import", str(sbom), "--product", docs.DEVICE, "--release", "2.1",
        "--manufacturer", docs.MAKER, "--create",
    )  # fmt: skip
    assert code == 0, err
    adv = tmp_path / "acme.json"
    adv.write_bytes(docs.as_bytes(docs.advisory()))
    code, out, _ = cli("csaf", "import", str(adv))
    assert code == 0
    # only release 2.1 exists here: P-REL (2.2) and the relationship to it stay unmapped
    assert "ACME-2026-0001 version 1 new: products 14 (mapped 7, unmapped 7)" in out
    code, out, _ = cli("csaf", "show", "ACME-2026-0001", "--format", "json")
    shown = json.loads(out)
    rtos = next(p for p in shown["products"] if p["product_id"] == "P-RTOS")
    assert rtos["mapped_to"][0]["component"] == "FreeRTOS@10.4.3"
    code, out, _ = cli("csaf", "statements", "--product", docs.DEVICE, "--release", "2.1")
    assert code == 0
    assert "FreeRTOS@10.4.3" in out and "CVE-2021-23337" in out
    assert "7 statement(s)" in out
    code, out, _ = cli(
        "csaf", "statements", "--product", docs.DEVICE, "--release", "2.1", "--format", "json"
    )
    rows = {r["csaf_product"]: r for r in json.loads(out)}
    rtos_says = rows[docs.PRODUCTS["P-RTOS"]]
    assert (rtos_says["status"], rtos_says["justification"]) == (
        "not_affected",
        "vulnerable_code_not_in_execute_path",
    )
    fixes = rows[docs.PRODUCTS["P-RANGE"]]["remediations"]
    assert [m["details"] for m in fixes] == ["Update the firmware to 2.3."]
    code, out, _ = cli("csaf", "statements", "--product", docs.DEVICE, "--format", "json")
    assert {r["cve"] for r in json.loads(out)} == {docs.KNOWN_CVE}
    code, out, _ = cli("csaf", "remap")
    assert code == 0 and "1 document(s) re-mapped: 7 product(s) mapped" in out
    edited = tmp_path / "acme-edited.json"
    edited.write_bytes(docs.as_bytes(docs.advisory(title="Edited without a new version")))
    code, _, err = cli("csaf", "import", str(edited))
    assert code == 4 and "already stored with other content" in err
    assert cli("csaf", "show", "NOPE-1")[0] == 3
    assert cli("csaf", "statements", "--product", "No such pump")[0] == 3


def test_import_without_an_analyst_account_is_denied(cli, tmp_path):
    assert cli("account", "add", "someone-else", "--role", "analyst")[0] == 0
    adv = tmp_path / "acme.json"
    adv.write_bytes(docs.as_bytes(docs.advisory()))
    code, _, err = cli("csaf", "import", str(adv))
    assert code == 5 and "tester" in err
