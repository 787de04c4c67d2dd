"""`medsec plan` and `medsec docs`: build to a folder, list and show as JSON with stable keys,
diff, and clear errors with exit codes (2 bad input, 3 not found)."""

from __future__ import annotations

import json

import pytest
from docs_world import PRODUCT, RELEASE, make_world

pytestmark = pytest.mark.db


@pytest.fixture
def docs_cli(cli, session_factory, monkeypatch):
    make_world(session_factory)
    monkeypatch.setenv("MEDSEC_ACTOR", "ana")
    return cli


def test_plan_set_show_history(docs_cli):
    code, out, err = docs_cli(
        "plan",
        "set",
        "--product",
        PRODUCT,
        "--recovery-plan",
        "Reinstall the signed image.",
        "--update-methods",
        "remote,service_visit",
        "--note",
        "first",
    )
    assert code == 0, err
    assert "version 1" in out
    code, out, _ = docs_cli("plan", "show", "--product", PRODUCT, "--format", "json")
    plan = json.loads(out)
    assert plan["version"] == 1 and plan["content"]["update_methods"] == ["remote", "service_visit"]
    assert {"product", "version", "content", "monitoring", "cvd_deadlines"} <= set(plan)
    code, out, _ = docs_cli("plan", "history", "--product", PRODUCT, "--format", "json")
    assert json.loads(out)[0]["changed"] == ["recovery_plan", "update_methods"]
    code, _, err = docs_cli("plan", "set", "--product", PRODUCT, "--update-methods", "pigeon")
    assert code == 2 and "update_methods" in err


def test_docs_build_list_show_diff(docs_cli, tmp_path):
    out_dir = tmp_path / "out"
    code, out, err = docs_cli(
        "docs",
        "build",
        "--kind",
        "tplc",
        "--product",
        PRODUCT,
        "--release",
        RELEASE,
        "--lang",
        "ja",
        "--out",
        str(out_dir),
    )
    assert code == 0, err
    path = out_dir / "Vent-3.0-tplc-ja.html"
    assert path.is_file() and "復旧計画" in path.read_text()
    assert "to complete" in out
    code, out, _ = docs_cli("docs", "list", "--format", "json")
    (rev,) = json.loads(out)
    assert {
        "id",
        "kind",
        "product",
        "release",
        "lang",
        "format",
        "inputs_sha256",
        "output_sha256",
        "to_complete",
        "created_by",
        "created_at",
    } <= set(rev)
    code, out, _ = docs_cli("docs", "show", str(rev["id"]), "--format", "json")
    assert json.loads(out)["output_sha256"] == rev["output_sha256"]
    code, out, _ = docs_cli("docs", "diff", str(rev["id"]))
    assert code == 0 and "no change" in out
    docs_cli("plan", "set", "--product", PRODUCT, "--isao-memberships", "H-ISAC")
    code, out, _ = docs_cli("docs", "diff", str(rev["id"]), "--format", "json")
    changed = [s["section"] for s in json.loads(out)["sections"] if s["status"] != "same"]
    assert changed == ["tplc.sharing"]


def test_docs_errors_exit_codes(docs_cli, tmp_path):
    code, _, err = docs_cli(
        "docs",
        "build",
        "--kind",
        "brochure",
        "--product",
        PRODUCT,
        "--release",
        RELEASE,
        "--out",
        str(tmp_path),
    )
    assert code == 2 and "unknown document kind 'brochure'" in err
    code, _, err = docs_cli(
        "docs",
        "build",
        "--kind",
        "risk",
        "--product",
        "Nope",
        "--release",
        RELEASE,
        "--out",
        str(tmp_path),
    )
    assert code == 3 and "Nope" in err
    code, _, err = docs_cli(
        "docs",
        "build",
        "--kind",
        "risk",
        "--product",
        PRODUCT,
        "--release",
        "0.0",
        "--out",
        str(tmp_path),
    )
    assert code == 3 and "0.0" in err
    code, _, err = docs_cli("docs", "show", "42")
    assert code == 3 and "no document revision 42" in err
    assert list(tmp_path.glob("*.html")) == []
