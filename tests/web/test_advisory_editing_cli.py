"""`medsec advisory edit|diff` on the demo world: the same edit rules as the web and API, and
the diff against the published revision (KEV listing added after publication, then a title)."""

from __future__ import annotations

import json

import pytest
from _web import ADMIN, KEV_CVE

from medsec.advisories import service as advisories
from medsec.db.uow import unit_of_work

pytestmark = pytest.mark.db


def test_edit_and_diff_from_the_cli(cli, web_world, session_factory, monkeypatch, tmp_path):
    with unit_of_work(session_factory) as s:
        tid = next(a.tracking_id for a in advisories.list_advisories(s) if a.version != "0")
    monkeypatch.setenv("MEDSEC_ACTOR", ADMIN)
    code, out, _ = cli("advisory", "diff", tid, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["against"] == "1"
    assert [c["path"] for c in data["changes"]] == [
        f"/vulnerabilities[{KEV_CVE}]/threats[exploit_status]"
    ]
    code, _, err = cli("advisory", "edit", tid, "--tlp", "PURPLE")
    assert code == 2 and "TLP" in err
    note = tmp_path / "note.txt"
    note.write_text("Keep the pumps on their own network.", encoding="utf-8")
    code, out, _ = cli("advisory", "edit", tid, "--title", "New title", "--note-file", str(note))
    assert code == 0 and "saved" in out
    code, out, _ = cli("advisory", "diff", tid)
    assert code == 0 and "/document/title" in out and "New title" in out
    monkeypatch.setenv("MEDSEC_ACTOR", "vic")
    assert cli("advisory", "edit", tid, "--title", "x")[0] == 5
