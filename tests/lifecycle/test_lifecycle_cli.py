"""`medsec lifecycle` end to end on the real endoflife.date files and a real SBOM: import,
set, status/horizon/components/notices/plan/timeline in table and JSON, notices as HTML and
PDF in both languages, bad files refused per entry with exit 2 and nothing stored."""

from __future__ import annotations

import json

import pytest

KEYCLOAK = "sboms/cyclonedx-examples/SBOM/keycloak-10.0.2/bom.json"
P = ["--product", "Gateway"]


@pytest.fixture
def ready(cli, shared_data):
    assert cli("account", "add", "tester", "--role", "admin")[0] == 0
    code, out, err = cli("lifecycle", "import", str(shared_data / "lifecycle/endoflife-date"))
    assert code == 0, err
    assert "464 products (464 new, 0 replaced, 0 unchanged)" in out
    assert "488 entries kept with a warning" in out  # 479 eol: true, 9 out of order
    assert cli("product", "add", "Gateway", "--manufacturer", "Acme")[0] == 0
    assert cli("release", "add", "1.0", "-p", "Gateway", "--date", "2020-06-15")[0] == 0
    code, _, err = cli("sbom", "import", str(shared_data / KEYCLOAK), "-p", "Gateway", "-r", "1.0")
    assert code == 0, err
    code, out, err = cli(
        "lifecycle", "set", *P, "-r", "1.0", "--eol-planned", "2026-06-30",
        "--eos-announced", "2027-06-30", "--eos-announced-on", "2025-06-30",
        "--control", "Gateway behind the hospital proxy@2026-12-31",
    )  # fmt: skip
    assert code == 0, err
    assert "end of life 2026-06-30, end of support 2027-06-30" in out
    return cli


@pytest.mark.shared_data
def test_status_horizon_and_components(ready):
    cli = ready
    code, out, _ = cli("lifecycle", "status", *P, "--on", "2026-07-01", "--format", "json")
    (st,) = json.loads(out)
    assert set(st) >= {"product", "release", "on", "phase", "lifecycle", "horizon", "legacy"}
    assert st["phase"] == "limited_support" and st["horizon"] == "2013-03-07"
    assert st["horizon_set_by"] == ["org.apache.ant/ant 1.8.4"]
    assert st["legacy"]["status"] == "at_risk"
    assert st["legacy"]["protected_until"] == "2026-12-31"
    code, out, _ = cli("lifecycle", "status", *P, "--on", "2027-06-30")
    assert code == 0 and "legacy" in out and "end of support" in out
    code, out, _ = cli("lifecycle", "horizon", *P, "-r", "1.0", "--on", "2026-07-01")
    assert "horizon 2013-03-07 set by org.apache.ant/ant 1.8.4" in out
    assert "warning: org.apache.ant/ant 1.8.4: support had already ended (2013-03-07)" in out
    code, out, _ = cli("lifecycle", "components", *P, "-r", "1.0", "--format", "json")
    rows = json.loads(out)
    assert len(rows) == 903
    spring = [r for r in rows if r["lifecycle_product"] == "spring-framework"]
    assert spring and all(r["end_of_support"] for r in spring)
    code, out, _ = cli("release", "show", "1.0", "-p", "Gateway", "--format", "json")
    assert json.loads(out)["lifecycle"]["horizon"] == "2013-03-07"


@pytest.mark.shared_data
def test_notices_drafted_in_both_languages_and_the_plan(ready, tmp_path):
    cli = ready
    schedule = tmp_path / "schedule.json"
    schedule.write_text('{"notices": [{"milestone": "eos", "months_before": 6}]}')
    code, out, _ = cli(
        "lifecycle", "notices", *P, "--on", "2026-12-31", "--schedule", str(schedule),
        "--format", "json",
    )  # fmt: skip
    (n,) = json.loads(out)
    assert (n["key"], n["due_on"], n["milestone_date"]) == (
        "eos-6m-1.0",
        "2026-12-30",
        "2027-06-30",
    )
    for lang in ("en", "ja"):
        out_file = tmp_path / f"n.{lang}.pdf"
        code, _, err = cli(
            "lifecycle", "notice", "eos-6m-1.0", *P, "-r", "1.0", "--on", "2026-12-31",
            "--schedule", str(schedule), "--lang", lang, "--format", "pdf", "-o", str(out_file),
        )  # fmt: skip
        assert code == 0, err
        assert out_file.read_bytes().startswith(b"%PDF")
    code, html, _ = cli(
        "lifecycle", "notice", "eos-6m-1.0", *P, "-r", "1.0", "--on", "2026-12-31",
        "--schedule", str(schedule), "--lang", "ja",
    )  # fmt: skip
    assert "2027年6月30日に終了します" in html and "2025年6月30日に公表" in html
    code, out, _ = cli("lifecycle", "plan", *P, "--on", "2026-01-01", "--format", "json")
    plan = json.loads(out)
    q = {x["quarter"]: x for x in plan["quarters"]}
    assert q["2026-Q2"]["end_of_life"] == ["1.0 (2026-06-30)"]
    assert q["2027-Q2"]["end_of_support"] == ["1.0 (2027-06-30)"]
    code, out, _ = cli("lifecycle", "timeline", *P, "--on", "2026-01-01")
    assert out.startswith("<svg") and 'data-release="1.0"' in out


@pytest.mark.shared_data
def test_bad_schedule_and_values_exit_2(ready, tmp_path):
    cli = ready
    bad = tmp_path / "s.json"
    bad.write_text('{"notices": [{"milestone": "never"}]}')
    code, _, err = cli("lifecycle", "notices", *P, "--schedule", str(bad))
    assert code == 2 and f"{bad}: /notices/0/milestone" in err
    code, _, err = cli("lifecycle", "status", *P, "--on", "2026-02-30")
    assert code == 2 and "--on '2026-02-30'" in err
    code, _, err = cli("lifecycle", "set", *P, "-r", "1.0", "--eol-planned", "2028-01-01")
    assert code == 2 and "before the end of life" in err
    code, _, err = cli(
        "lifecycle",
        "map",
        "--purl-type",
        "maven",
        "--name",
        "org.springframework/spring-core",
        "--product",
        "django",
    )
    assert code == 2 and "would fit two products" in err


def test_a_bad_file_is_reported_per_entry_and_nothing_is_stored(cli, tmp_path):
    assert cli("account", "add", "tester", "--role", "admin")[0] == 0
    good = tmp_path / "good.md"
    good.write_text(
        '---\ntitle: Good\nreleases:\n  - releaseCycle: "1"\n    eol: 2030-01-01\n---\n'
    )
    bad = tmp_path / "bad.md"
    bad.write_text(
        "---\ntitle: Bad\nreleases:\n"
        '  - releaseCycle: "2"\n    releaseDate: 2020-01-01\n    eol: not-a-date\n'
        '  - releaseCycle: "1"\n    releaseDate: 2019-01-01\n    eol: 2018-01-01\n---\n'
    )
    unknown = tmp_path / "readme.md"
    unknown.write_text("# not a product\n")
    code, _, err = cli("lifecycle", "import", str(good), str(bad), str(unknown))
    assert code == 2
    lines = err.strip().splitlines()
    assert f"{bad}: /releases/0/eol: 'not-a-date' is not a date" in lines[0]
    assert any(f"{bad}: /releases/1/eol: 2018-01-01 is before the release date" in x for x in lines)
    assert any(f"{unknown}: line 1: unknown product" in x for x in lines)
    code, out, _ = cli("lifecycle", "products", "--format", "json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = cli("lifecycle", "import", str(good), str(bad), "--skip-bad", "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["products"] == 2
    assert {p["location"] for p in result["problems"]} == {"/releases/0/eol", "/releases/1/eol"}
