"""The CLI as a user drives it: commands, output formats, exit codes and error lines."""

from __future__ import annotations

import json

import orjson
import pytest

JUICE = "sboms/cyclonedx-examples/SBOM/juice-shop/via_npm/bare/bom.1.4.json"
MEDICAL = "sboms/medical-device/sboms/case-study/extended.sbom.json"


def _count(components: list[dict]) -> int:
    """Components in a CycloneDX list, nested ones included."""
    return sum(1 + _count(c.get("components", [])) for c in components)


def test_product_and_release_commands(cli):
    assert cli("product", "add", "Pump", "--manufacturer", "Acme")[0] == 0
    code, _, err = cli("product", "add", "Pump", "--manufacturer", "Acme")
    assert code == 4 and "already exists" in err
    code, _, _ = cli(
        "release",
        "add",
        "1.0",
        "-p",
        "Pump",
        "--date",
        "2024-05-01",
        "--environment",
        "both",
        "--interface",
        "wifi:HTTPS:443:outbound:telemetry",
        "--interface",
        "usb",
    )
    assert code == 0
    code, out, _ = cli("release", "show", "1.0", "-p", "Pump", "--format", "json")
    data = json.loads(out)
    assert data["use_environment"] == "both"
    assert data["interfaces"][0] == {
        "name": "wifi",
        "protocol": "HTTPS",
        "port": 443,
        "direction": "outbound",
        "purpose": "telemetry",
    }
    assert data["interfaces"][1] == {"name": "usb"}
    code, out, _ = cli("product", "list", "--format", "json")
    assert json.loads(out) == [
        {
            "name": "Pump",
            "manufacturer": "Acme",
            "description": None,
            "releases": ["1.0"],
            "markets": [],
        }
    ]


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("release", "add", "1", "-p", "Nope"), 3, "no product named 'Nope'"),
        (("release", "add", "1", "-p", "P", "--date", "yesterday"), 2, "--date"),
        (
            ("release", "add", "1", "-p", "P", "--environment", "moon"),
            2,
            "hospital', 'home', 'both",
        ),
        (
            ("release", "add", "1", "-p", "P", "--interface", "eth:TCP:http"),
            2,
            "port must be a number",
        ),
        (("feeds", "import", "--source", "bogus", "x"), 2, "Invalid value"),
        (("sbom", "import"), 2, "Missing argument"),
        (("nosuch",), 2, "No such command"),
    ],
)
def test_bad_values_exit_nonzero_with_one_clear_line(cli, args, code, needle):
    cli("product", "add", "P", "-m", "M")
    got, out, err = cli(*args)
    assert got == code
    assert needle in err
    assert "Traceback" not in err + out


def test_sbom_import_show_and_revisions(cli, shared_data):
    path = shared_data / JUICE
    code, out, _ = cli(
        "sbom", "import", "--create", str(path), "-p", "Juice", "-r", "11.1.2", "-m", "OWASP"
    )
    assert code == 0
    assert "created product Juice" in out and "created release 11.1.2" in out
    assert "imported 1115 components" in out and "revision 1" in out
    code, out, _ = cli("sbom", "import", "--create", str(path), "-p", "Juice", "-r", "11.1.2")
    assert code == 0 and "revision 2" in out and "created" not in out
    code, out, _ = cli("sbom", "show", "-p", "Juice", "-r", "11.1.2", "--format", "json")
    rows = json.loads(out)
    assert len(rows) == _count(orjson.loads(path.read_bytes())["components"]) == 1115
    lodash = [r for r in rows if r["name"] == "lodash"]
    assert {r["version"] for r in lodash} >= {"4.17.21"}
    assert all(
        set(r) >= {"purl", "cpe", "hashes", "licenses", "supplier", "support_level"} for r in rows
    )
    code, out, _ = cli(
        "sbom", "show", "-p", "Juice", "-r", "11.1.2", "--revision", "1", "--format", "json"
    )
    assert len(json.loads(out)) == 1115


def test_sbom_import_refuses_bad_files_without_storing(cli, tmp_path):
    truncated = tmp_path / "truncated.json"
    truncated.write_bytes(
        b'{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"type"'
    )
    code, _, err = cli("sbom", "import", "--create", str(truncated), "-p", "P", "-r", "1")
    assert code == 2
    assert "truncated.json" in err
    code, out, _ = cli("product", "list", "--format", "json")
    assert json.loads(out) == []
    code, _, err = cli(
        "sbom", "import", "--create", str(tmp_path / "missing.json"), "-p", "P", "-r", "1"
    )
    assert code == 3 and "missing.json" in err


def test_size_limit_is_checked_before_reading(cli, tmp_path, monkeypatch):
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2048)
    monkeypatch.setenv("MEDSEC_MAX_DOCUMENT_BYTES", "1024")
    code, _, err = cli("sbom", "import", "--create", str(big), "-p", "P", "-r", "1")
    assert code == 2 and "limit is 1024" in err and "big.json" in err


def test_check_export_and_diff(cli, shared_data, tmp_path):
    med = shared_data / MEDICAL
    code, out, _ = cli("sbom", "check", str(med), "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert 0 <= report["score"] <= 100
    cli("sbom", "import", "--create", str(med), "-p", "Device", "-r", "1")
    code, out, _ = cli("sbom", "check", "-p", "Device", "-r", "1", "--format", "json")
    assert json.loads(out)["score"] == report["score"]
    code, _, err = cli("sbom", "export", "-p", "Device", "-r", "1")
    assert code == 5 and "exporting an SBOM" in err  # reads need an account, as writes do
    assert cli("account", "add", "tester")[0] == 0
    for fmt, name in (("cyclonedx-json", "out.cdx.json"), ("spdx-json", "out.spdx.json")):
        target = tmp_path / name
        code, _, _ = cli(
            "sbom", "export", "-p", "Device", "-r", "1", "--format", fmt, "-o", str(target)
        )
        assert code == 0
        code, out, _ = cli(
            "sbom", "import", "--create", str(target), "-p", "Device", "-r", f"from-{fmt}"
        )
        assert code == 0, out
    code, out, _ = cli(
        "sbom",
        "diff",
        "-p",
        "Device",
        "--from",
        "1",
        "--to",
        "from-cyclonedx-json",
        "--format",
        "json",
    )
    diff = json.loads(out)
    assert diff["added"] == [] and diff["removed"] == [] and diff["changed"] == []


def test_support_command_sets_and_shows(cli, shared_data):
    cli("sbom", "import", "--create", str(shared_data / JUICE), "-p", "Juice", "-r", "1")
    code, out, _ = cli(
        "sbom",
        "support",
        "lodash@4.17.21",
        "-p",
        "Juice",
        "-r",
        "1",
        "--level",
        "actively_maintained",
        "--end-of-support",
        "2030-01-01",
        "--note",
        "vendor",
    )
    assert code == 0 and "1 component" in out
    code, out, _ = cli("sbom", "show", "-p", "Juice", "-r", "1", "--format", "json")
    (row,) = [r for r in json.loads(out) if r["name"] == "lodash" and r["version"] == "4.17.21"]
    assert row["end_of_support"] == "2030-01-01" and row["support_source"] == "manual"
    code, _, err = cli(
        "sbom", "support", "lodash", "-p", "Juice", "-r", "1", "--end-of-support", "soon"
    )
    assert code == 2 and "YYYY-MM-DD" in err
    code, out, _ = cli("db", "verify-audit")
    assert code == 0 and "verified" in out


def test_invalid_purl_kept_flagged_by_default_and_refused_with_strict(cli, shared_data):
    # issue 10, defect 9: one bad identifier no longer refuses a real SBOM (syft's "pkg-:golang")
    path = shared_data / "sboms/sbomqs-samples/sbomqs.syft-cyclone.json"
    code, _, err = cli("sbom", "import", "--create", str(path), "-p", "Syft", "-r", "1", "--strict")
    assert code == 2
    assert "sbomqs.syft-cyclone.json" in err and "$.components[0].purl" in err
    code, out, err = cli("sbom", "import", "--create", str(path), "-p", "Syft", "-r", "1")
    assert code == 0 and "imported 30 components" in out
    assert "warning:" in err and "$.components[0].purl" in err and "pkg-:golang" in err
    code, out, err = cli("scan", str(path), "--strict")
    assert code == 2 and "$.components[0].purl" in err
    code, out, err = cli("scan", str(path), "--format", "json")
    assert code == 0 and "$.components[0].purl" in err


def test_support_information_survives_export_and_reimport(cli, tmp_path, monkeypatch):
    cli("demo", "--home", str(tmp_path / "demo"))
    monkeypatch.setenv("MEDSEC_HOME", str(tmp_path / "demo"))
    monkeypatch.setenv("MEDSEC_DATABASE_URL", f"sqlite:///{tmp_path / 'demo' / 'medsec.db'}")
    monkeypatch.setenv("MEDSEC_ACTOR", "psirt")  # a demo account
    code, out, _ = cli("sbom", "show", "-p", "InfuGuard 500", "-r", "2.0.0", "--format", "json")
    assert code == 0
    before = {(r["name"], r["support_level"], r["end_of_support"]) for r in json.loads(out)}
    assert ("mbedtls", "no_longer_maintained", "2021-12-31") in before
    for fmt in ("cyclonedx-json", "spdx-json"):
        target = tmp_path / f"{fmt}.json"
        assert (
            cli(
                "sbom", "export", "-p", "InfuGuard 500", "-r", "2.0.0", "-f", fmt, "-o", str(target)
            )[0]
            == 0
        )
        assert cli("sbom", "import", "--create", str(target), "-p", "Copy", "-r", fmt)[0] == 0
        code, out, _ = cli("sbom", "show", "-p", "Copy", "-r", fmt, "--format", "json")
        assert code == 0
        after = {(r["name"], r["support_level"], r["end_of_support"]) for r in json.loads(out)}
        assert after == before, fmt
