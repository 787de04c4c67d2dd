"""An object the caller may not see is answered exactly like one that does not exist: the same
status and body (403 bodies used to name the owning product or the case's receipt id), and the
refusal still reaches the audit log."""

from __future__ import annotations

from _web import ADMIN, PRODUCT, bearer
from sqlalchemy import select

from medsec.models import AuditEvent


def _same(client, hidden_url: str, missing_url: str, headers, hidden_id: str, missing_id: str):
    hidden = client.get(hidden_url, headers=headers)
    missing = client.get(missing_url, headers=headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == {
        k: (v.replace(missing_id, hidden_id) if isinstance(v, str) else v)
        for k, v in missing.json().items()
    }
    assert PRODUCT not in hidden.text


def test_hidden_findings_advisories_and_cases_look_missing(client, web_world, session_factory):
    val = bearer(web_world, "val")  # viewer of the other product only
    fid = str(web_world.finding_ids["CVE-2021-3711"])
    _same(client, f"/api/v1/findings/{fid}", "/api/v1/findings/987654", val, fid, "987654")
    (adv,) = client.get("/api/v1/advisories", headers=bearer(web_world, ADMIN)).json()[:1]
    tid = adv["tracking_id"]
    _same(client, f"/api/v1/advisories/{tid}", "/api/v1/advisories/NOPE-1", val, tid, "NOPE-1")
    cases = client.get("/api/v1/cvd/cases", headers=bearer(web_world, ADMIN)).json()
    receipt = cases[0]["receipt_id"]
    _same(
        client, f"/api/v1/cvd/cases/{receipt}", "/api/v1/cvd/cases/VR-NOPE", val, receipt, "VR-NOPE"
    )
    with session_factory() as s:
        refused = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "refused.404")))
    assert len(refused) == 3 and {e.actor for e in refused} == {"api:val"}
    assert any("no access to product" in e.details["reason"] for e in refused)
