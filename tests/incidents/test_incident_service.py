"""Incident use cases on SQLite and PostgreSQL: opening (by hand, from an exploited finding,
from a CVD case), a seeded random walk of the service against the pure phase rules, severity
and notifications with overdue flags, evidence with its chain of custody, links, closing
review, access (confidential by default) and the audit log."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from incident_world import (
    ADMIN,
    ANALYST,
    CVE,
    DETECTED,
    NOBODY,
    OTHER_ANALYST,
    REVIEWER,
    VIEWER,
)
from sqlalchemy import func, select

from medsec.audit import service as audit
from medsec.cvd import intake_service
from medsec.cvd import links as cvd_links
from medsec.db.uow import unit_of_work
from medsec.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from medsec.incidents import evidence, notices, rules, tasks, views
from medsec.incidents import service as incidents
from medsec.models import AuditEvent, IncidentCustody, IncidentEvent

NOW = DETECTED + timedelta(hours=1)


def _open(factory, *, actor=ANALYST, product="Pump", **kw) -> str:
    with unit_of_work(factory) as s:
        row = incidents.open_incident(
            s,
            title=kw.pop("title", "Suspicious firmware download"),
            actor=actor,
            product=product,
            releases=kw.pop("releases", ["2.0"]),
            jurisdictions=kw.pop("jurisdictions", ["US", "EU", "JP", "CA"]),
            detected_at=DETECTED,
            now=NOW,
            **kw,
        )
        return row.ref


def _snapshot(factory, ref: str) -> tuple:
    with unit_of_work(factory) as s:
        row = incidents.resolve(s, ref)
        events = s.execute(
            select(func.count())
            .select_from(IncidentEvent)
            .where(IncidentEvent.incident_id == row.id)
        ).scalar_one()
        return (row.phase, row.dismissed, row.reviewed, row.closed_at is not None, events)


def test_open_gives_sequential_references_and_a_first_timeline_entry(world):
    factory, _ = world
    first, second = _open(factory), _open(factory, source="hospital", reporter_org="St. X")
    assert (first, second) == ("INC-2026-0001", "INC-2026-0002")
    with unit_of_work(factory) as s:
        d = views.detail(s, ref=second.lower(), actor=ANALYST, now=NOW)
    assert (d.phase, d.source, d.reporter_org, d.product, d.releases) == (
        "reported",
        "hospital",
        "St. X",
        "Pump",
        ["2.0"],
    )
    assert [e.to_phase for e in d.events] == ["reported"]
    assert d.allowed_actions == ["assess", "dismiss"]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"releases": ["9.9"]}, "9.9"),
        ({"jurisdictions": ["UK"]}, "'UK'"),
        ({"source": "rumour"}, "source 'rumour'"),
        ({"tlp": "purple"}, "tlp 'purple'"),
        ({"title": "  "}, "title: is required"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(world, kw, message):
    factory, _ = world
    with pytest.raises((InvalidInput, NotFound), match=message):
        _open(factory, **kw)
    with unit_of_work(factory) as s:
        assert views.list_incidents(s, actor=ADMIN, now=NOW) == []


def test_detection_in_the_future_or_without_zone_is_refused(world):
    factory, _ = world
    with unit_of_work(factory) as s, pytest.raises(InvalidInput, match="in the future"):
        incidents.open_incident(
            s, title="t", actor=ANALYST, detected_at=NOW + timedelta(days=1), now=NOW
        )


def test_seeded_random_walk_of_the_service_follows_the_pure_rules(world):
    """300 random actions: the stored incident follows rules.transition exactly; refusals
    change nothing (not even the timeline)."""
    factory, _ = world
    ref = _open(factory)
    rng = random.Random(20261207)
    model = rules.IncidentStatus()
    accepted = refused = 0
    for step in range(300):
        at = NOW + timedelta(minutes=step + 1)
        if rng.random() < 0.08:
            safety = rng.choice(["potential", "none", "unassessed"])
            with unit_of_work(factory) as s:
                incidents.assess(s, ref=ref, actor=ANALYST, safety=safety, privacy="none", now=at)
            model = rules.IncidentStatus(
                model.phase, safety != "unassessed", model.dismissed, model.reviewed
            )
        action = rng.choice(rules.ACTIONS)
        reason = rng.choice(["", "new information"])
        try:
            expected = (
                rules.with_review(model) if action == "close" else model
            )  # close records the review first
            expected = rules.transition(expected, action, reason=reason)
        except InvalidInput:
            expected = None
        before = _snapshot(factory, ref)
        try:
            with unit_of_work(factory) as s:
                if action == "close":
                    incidents.close(
                        s,
                        ref=ref,
                        review="lessons",
                        actor=ANALYST,
                        actions=[("improvement", "monitor downloads")],
                        now=at,
                    )
                else:
                    incidents.transition(
                        s, ref=ref, action=action, actor=ANALYST, reason=reason, now=at
                    )
        except InvalidInput:
            assert expected is None, (step, action, model)
            assert _snapshot(factory, ref) == before
            refused += 1
            continue
        assert expected is not None, (step, action, model)
        got = _snapshot(factory, ref)
        assert got[:3] == (expected.phase.value, expected.dismissed, expected.reviewed)
        assert got[3] == (expected.phase is rules.Phase.CLOSED)
        model = expected
        accepted += 1
    assert accepted > 25 and refused > 100


def _assessed(factory, ref: str, **kw) -> None:
    with unit_of_work(factory) as s:
        incidents.transition(s, ref=ref, action="assess", actor=ANALYST, now=NOW)
        incidents.assess(
            s,
            ref=ref,
            actor=ANALYST,
            safety=kw.get("safety", "serious"),
            privacy=kw.get("privacy", "breach"),
            flags=kw.get("flags", ["criminal"]),
            reason="pumps could accept altered firmware",
            now=NOW,
        )


def test_notifications_deadlines_overdue_and_records(world):
    factory, _ = world
    ref = _assessed_ref = _open(factory)
    _assessed(factory, _assessed_ref)
    day16 = DETECTED + timedelta(days=16)
    with unit_of_work(factory) as s:
        found = {
            n.obligation: n
            for n in views.detail(s, ref=ref, actor=ANALYST, now=day16).notifications
        }
    assert found["eu.gdpr.breach-72h"].due_at == DETECTED + timedelta(hours=72)
    assert found["ca.hc.preliminary-10"].overdue and found["eu.mdr.serious-15"].overdue
    assert not found["us.fda.mdr-30"].overdue and not found["all.customers"].overdue
    assert not found["jp.pmda.malfunction-15"].verified
    with unit_of_work(factory) as s:
        notices.record(
            s,
            ref=ref,
            obligation="ca.hc.preliminary-10",
            actor=ANALYST,
            draft="Our report",
            now=day16,
        )
        sent = notices.record(
            s,
            ref=ref,
            obligation="ca.hc.preliminary-10",
            actor=ANALYST,
            sent=True,
            reference="HC-1",
            now=day16,
        )
        assert (sent.draft, sent.reference, sent.overdue) == ("Our report", "HC-1", False)
        with pytest.raises(InvalidInput, match="already recorded as sent"):
            notices.record(s, ref=ref, obligation="ca.hc.preliminary-10", actor=ANALYST, sent=True)
        with pytest.raises(InvalidInput, match="does not apply"):
            notices.record(s, ref=ref, obligation="us.fda.mdr-5", actor=ANALYST, sent=True)
        with pytest.raises(InvalidInput, match="unknown obligation"):
            notices.record(s, ref=ref, obligation="xx", actor=ANALYST, sent=True)
        with pytest.raises(InvalidInput, match="before its acknowledgement"):
            notices.record(
                s, ref=ref, obligation="eu.mdr.serious-15", actor=ANALYST, acknowledged=True
            )
    with unit_of_work(factory) as s:
        rows = views.list_incidents(s, actor=ANALYST, overdue=True, now=day16)
        overdue = tasks.overdue_notifications(s, now=day16)
    assert [r.ref for r in rows] == [ref]
    assert "ca.hc.preliminary-10" not in rows[0].overdue
    assert {"eu.gdpr.breach-72h", "eu.mdr.serious-15", "jp.pmda.malfunction-15"} <= set(
        rows[0].overdue
    )
    assert [o.obligation for o in overdue] == [
        "eu.gdpr.breach-72h",
        "eu.mdr.serious-15",
        "jp.pmda.malfunction-15",
    ]
    assert all(o.ref == ref and o.product == "Pump" for o in overdue)


def test_lowering_the_severity_keeps_the_record_as_no_longer_required(world):
    factory, _ = world
    ref = _open(factory)
    _assessed(factory, ref)
    with unit_of_work(factory) as s:
        notices.record(
            s, ref=ref, obligation="eu.mdr.serious-15", actor=ANALYST, draft="d", now=NOW
        )
        incidents.assess(s, ref=ref, actor=ANALYST, safety="none", privacy="none", now=NOW)
        found = {
            n.obligation: n for n in views.detail(s, ref=ref, actor=ANALYST, now=NOW).notifications
        }
    assert list(found) == ["eu.mdr.serious-15"]
    assert found["eu.mdr.serious-15"].applies is False
    assert found["eu.mdr.serious-15"].overdue is False


def test_dismissed_incident_has_no_obligations(world):
    factory, _ = world
    ref = _open(factory)
    _assessed(factory, ref)
    with unit_of_work(factory) as s:
        incidents.transition(
            s, ref=ref, action="dismiss", actor=ANALYST, reason="test alarm", now=NOW
        )
        d = views.detail(s, ref=ref, actor=ANALYST, now=NOW + timedelta(days=90))
        assert tasks.overdue_notifications(s, now=NOW + timedelta(days=90)) == []
    assert (d.phase, d.dismissed, d.notifications) == ("closed", True, [])


def test_evidence_is_hashed_and_its_custody_chain_is_append_only_and_verified(world):
    factory, _ = world
    ref = _open(factory)
    data = b"GET /fw.bin from 203.0.113.9\n"
    with unit_of_work(factory) as s:
        item = evidence.add(
            s,
            ref=ref,
            name="../proxy.log",
            data=data,
            source="hospital proxy",
            actor=ANALYST,
            now=NOW,
        )
        evidence.custody(
            s,
            ref=ref,
            evidence_id=item.id,
            action="transferred",
            holder="PSIRT vault",
            actor=ANALYST,
            now=NOW,
        )
        with pytest.raises(InvalidInput, match="custody action 'lost'"):
            evidence.custody(
                s, ref=ref, evidence_id=item.id, action="lost", holder="x", actor=ANALYST
            )
        with pytest.raises(NotFound):
            evidence.custody(
                s, ref=ref, evidence_id=item.id + 1, action="stored", holder="x", actor=ANALYST
            )
    assert item.name == ".._proxy.log"
    import hashlib

    assert item.sha256 == hashlib.sha256(data).hexdigest() and item.size == len(data)
    with unit_of_work(factory) as s:
        (read,) = views.detail(s, ref=ref, actor=ANALYST, now=NOW).evidence
        _, raw = evidence.data(s, ref=ref, evidence_id=item.id, actor=ANALYST)
    assert raw == data
    assert [c.action for c in read.custody] == ["collected", "transferred"]
    assert [c.holder for c in read.custody] == ["cli:pam", "PSIRT vault"]
    assert read.custody_intact
    with unit_of_work(factory) as s:  # someone edits the chain behind medsec's back
        entry = s.execute(select(IncidentCustody).where(IncidentCustody.seq == 1)).scalar_one()
        entry.holder = "someone else"
    with unit_of_work(factory) as s:
        (read,) = views.detail(s, ref=ref, actor=ANALYST, now=NOW).evidence
    assert read.custody_intact is False


def test_links_and_refusals(world):
    factory, finding_id = world
    ref = _open(factory)
    with unit_of_work(factory) as s:
        made = incidents.link(s, ref=ref, target=f"finding:{finding_id}", actor=ANALYST, now=NOW)
        assert made.target == f"finding:{finding_id}" and "Pump 2.0" in made.label
        with pytest.raises(Conflict, match="already linked"):
            incidents.link(s, ref=ref, target=f"finding:{finding_id}", actor=ANALYST)
    for target, error, message in (
        ("finding:abc", InvalidInput, "by its number"),
        ("ticket:1", InvalidInput, "kind is one of"),
        ("nonsense", InvalidInput, "KIND:KEY"),
        ("advisory:NOPE-1", NotFound, "NOPE-1"),
        ("update:none", NotFound, "no update"),
    ):
        with unit_of_work(factory) as s, pytest.raises(error, match=message):
            incidents.link(s, ref=ref, target=target, actor=ANALYST)


def test_open_from_a_kev_finding_and_from_a_cvd_case(world):
    factory, finding_id = world
    with unit_of_work(factory) as s:
        row = incidents.open_from_finding(
            s, finding_id=finding_id, actor=ANALYST, jurisdictions=["US"]
        )
        ref = row.ref
        d = views.detail(s, ref=ref, actor=ANALYST)
    assert d.source == "finding" and CVE in d.title and "CISA KEV" in d.description
    assert [link.target for link in d.links] == [f"finding:{finding_id}"]
    fields = {
        "product": "Pump",
        "version": "2.0",
        "description": "The pump accepts unsigned firmware over HTTP.",
        "finder_name": "Finn Finder",
        "finder_email": "finn@finder.example",
    }
    with unit_of_work(factory) as s:
        receipt = intake_service.submit_report(s, fields=fields, source="api").receipt_id
        cvd_links.link(s, case=receipt, actor=ADMIN, product="Pump")
    with unit_of_work(factory) as s:
        row = incidents.open_from_cvd(s, case=receipt, actor=ANALYST)
        d = views.detail(s, ref=row.ref, actor=ANALYST)
    assert (d.source, d.source_ref, d.product) == ("cvd", receipt, "Pump")
    assert [link.target for link in d.links] == [f"cvd:{receipt}"]


def test_finding_without_exploitation_evidence_is_refused(world, tmp_path):
    factory, finding_id = world
    from medsec.models import KevEntryRow

    with unit_of_work(factory) as s:
        s.query(KevEntryRow).delete()
    with unit_of_work(factory) as s, pytest.raises(InvalidInput, match="no exploitation evidence"):
        incidents.open_from_finding(s, finding_id=finding_id, actor=ANALYST)


def test_decisions_need_a_why_and_messages_a_direction(world):
    factory, _ = world
    ref = _open(factory)
    with unit_of_work(factory) as s:
        with pytest.raises(InvalidInput, match="why"):
            incidents.log(s, ref=ref, actor=ANALYST, message="keep pumps", kind="decision")
        with pytest.raises(InvalidInput, match="direction"):
            incidents.log(s, ref=ref, actor=ANALYST, message="called", kind="message")
        incidents.log(
            s, ref=ref, actor=ANALYST, message="keep pumps", kind="decision", why="blocked", now=NOW
        )
        incidents.log(
            s,
            ref=ref,
            actor=ANALYST,
            message="<script>alert(1)</script>",
            kind="message",
            direction="inbound",
            counterpart="hospital IT",
            channel="phone",
            now=NOW,
        )
        events = views.detail(s, ref=ref, actor=ANALYST).events
    assert [(e.kind, e.actor) for e in events[1:]] == [
        ("decision", ANALYST),
        ("message", ANALYST),
    ]
    assert events[1].reason == "blocked" and events[2].text == "<script>alert(1)</script>"


def test_closing_review_produces_actions(world):
    factory, _ = world
    ref = _open(factory)
    _assessed(factory, ref)
    with unit_of_work(factory) as s:
        for action in ("confirm", "eradicate", "recover"):
            incidents.transition(s, ref=ref, action=action, actor=ANALYST, now=NOW)
        with pytest.raises(InvalidInput, match=r"incident\.review\.phase"):
            incidents.close(s, ref=ref, review="x", actor=ANALYST, actions=[("threat", "t")])
        incidents.transition(s, ref=ref, action="learn", actor=ANALYST, now=NOW)
        with pytest.raises(InvalidInput, match="at least one action"):
            incidents.close(s, ref=ref, review="x", actor=ANALYST, actions=[])
        with pytest.raises(InvalidInput, match="action kind 'wish'"):
            incidents.close(s, ref=ref, review="x", actor=ANALYST, actions=[("wish", "t")])
    with unit_of_work(factory) as s:
        incidents.close(
            s,
            ref=ref,
            review="Signature check held; monitoring was missing.",
            actor=REVIEWER,
            actions=[("improvement", "monitor downloads"), ("threat", "spoofed update server")],
            now=NOW,
        )
        d = views.detail(s, ref=ref, actor=ANALYST)
    assert (d.phase, d.reviewed, d.review) == (
        "closed",
        True,
        "Signature check held; monitoring was missing.",
    )
    assert [(a.kind, a.text) for a in d.actions] == [
        ("improvement", "monitor downloads"),
        ("threat", "spoofed update server"),
    ]
    with unit_of_work(factory) as s:
        incidents.transition(s, ref=ref, action="reopen", actor=ADMIN, reason="recurrence", now=NOW)
        d = views.detail(s, ref=ref, actor=ANALYST)
    assert (d.phase, d.reviewed, d.review, d.closed_at) == ("assessing", False, None, None)


def test_confidential_by_default(world):
    factory, _ = world
    ref = _open(factory)
    other = _open(factory, actor=OTHER_ANALYST, product="Other", releases=["1"])
    unlinked = _open(factory, actor=ADMIN, product=None, releases=[])
    with unit_of_work(factory) as s:
        assert [r.ref for r in views.list_incidents(s, actor=ANALYST)] == [ref, unlinked]
        assert [r.ref for r in views.list_incidents(s, actor=OTHER_ANALYST)] == [other, unlinked]
        assert len(views.list_incidents(s, actor=REVIEWER)) == 3
        assert views.list_incidents(s, actor=VIEWER) == []
    for actor, target, message in (
        (VIEWER, ref, "needs the analyst, reviewer or admin role"),
        (OTHER_ANALYST, ref, "no access to product 'Pump'"),
        (NOBODY, ref, "has no account"),
    ):
        with unit_of_work(factory) as s, pytest.raises(PermissionDenied, match=message):
            views.detail(s, ref=target, actor=actor)
        with unit_of_work(factory) as s, pytest.raises(PermissionDenied):
            incidents.transition(s, ref=target, action="assess", actor=actor)
        with unit_of_work(factory) as s, pytest.raises(PermissionDenied):
            evidence.data(s, ref=target, evidence_id=1, actor=actor)
    with unit_of_work(factory) as s, pytest.raises(PermissionDenied):
        _open(factory, actor=OTHER_ANALYST, product="Pump")


def test_every_change_is_audited_and_the_chain_verifies(world):
    factory, _ = world
    ref = _open(factory)
    _assessed(factory, ref)
    with unit_of_work(factory) as s:
        evidence.add(s, ref=ref, name="a.bin", data=b"x", source="s", actor=ANALYST)
        actions = [
            a
            for (a,) in s.execute(
                select(AuditEvent.action).where(AuditEvent.object_type == "incident")
            )
        ]
        assert audit.verify_chain(s) is None
    assert actions == [
        "incident.open",
        "incident.phase.assess",
        "incident.severity",
        "incident.evidence",
    ]


def _csaf(details: str, tracking_id: str) -> bytes:
    """A csaf_vex document saying lib 1.0.0 is affected by CVE with this exploit status."""
    import orjson

    pid = "LIB-100"
    doc = {
        "document": {
            "category": "csaf_vex",
            "csaf_version": "2.0",
            "distribution": {"tlp": {"label": "WHITE"}},
            "publisher": {
                "category": "vendor",
                "name": "Lib Maintainers",
                "namespace": "https://lib.example/",
            },
            "title": "lib advisory",
            "tracking": {
                "current_release_date": "2026-01-10T00:00:00.000Z",
                "id": tracking_id,
                "initial_release_date": "2026-01-10T00:00:00.000Z",
                "revision_history": [
                    {"date": "2026-01-10T00:00:00.000Z", "number": "1", "summary": "Initial."}
                ],
                "status": "final",
                "version": "1",
            },
        },
        "product_tree": {
            "full_product_names": [
                {
                    "name": "lib 1.0.0",
                    "product_id": pid,
                    "product_identification_helper": {"purl": "pkg:npm/lib@1.0.0"},
                }
            ]
        },
        "vulnerabilities": [
            {
                "cve": CVE,
                "notes": [{"category": "description", "text": "lib flaw"}],
                "product_status": {"known_affected": [pid]},
                "remediations": [
                    {"category": "vendor_fix", "details": "Upgrade to 3.0.0", "product_ids": [pid]}
                ],
                "threats": [
                    {"category": "exploit_status", "details": details, "product_ids": [pid]}
                ],
            }
        ],
    }
    return orjson.dumps(doc)


def test_imported_csaf_exploit_status_is_exploitation_evidence(world):
    """Without KEV or SSVC, an imported CSAF advisory whose exploit status reports exploitation
    of the finding's vulnerability on its component lets the incident open; one that denies
    it does not."""
    from medsec.imported_csaf import service as csaf_import
    from medsec.models import KevEntryRow

    factory, finding_id = world
    with unit_of_work(factory) as s:
        s.query(KevEntryRow).delete()
        csaf_import.import_csaf(
            s,
            data=_csaf("No known exploitation.", "LIB-2026-001"),
            source="a.json",
            force=False,
            actor=ADMIN,
        )
    with unit_of_work(factory) as s, pytest.raises(InvalidInput, match="no exploitation evidence"):
        incidents.open_from_finding(s, finding_id=finding_id, actor=ANALYST)
    with unit_of_work(factory) as s:
        csaf_import.import_csaf(
            s,
            data=_csaf("Exploitation observed against pump gateways.", "LIB-2026-002"),
            source="b.json",
            force=False,
            actor=ADMIN,
        )
    with unit_of_work(factory) as s:
        ref = incidents.open_from_finding(s, finding_id=finding_id, actor=ANALYST).ref
        d = views.detail(s, ref=ref, actor=ANALYST)
    assert "CISA KEV" not in d.description
    assert d.description == (
        "Exploitation evidence: CSAF LIB-2026-002 (Lib Maintainers) exploit status: "
        "Exploitation observed against pump gateways."
    )


@pytest.mark.parametrize(
    ("details", "claims"),
    [
        ("Exploitation observed in the wild", True),
        ("Proof-of-concept exploit published", True),
        ("", False),
        ("None", False),
        ("No known exploitation", False),
        ("The vendor is not aware of exploitation", False),
        ("Not exploited as of 2026-01-10", False),
        ("has not been exploited", False),
        ("Exploitation unlikely", False),
    ],
)
def test_csaf_exploit_status_rule(details, claims):
    assert rules.claims_exploitation(details) is claims


def test_affected_assets_are_workspace_assets_or_text(world):
    """A tag of the hospital workspace links the asset (shown with its model and place); text
    for an asset outside the workspace is kept as text; an unknown asset:TAG is refused."""
    from medsec.assets import service as inventory
    from medsec.ingest.assets_table import read_csv

    factory, _ = world
    table = (
        "asset_tag,manufacturer,model,software_version,location,ip_address,serial\n"
        "PUMP-7,Acme,Pump,2.0,ICU bed 4,10.9.8.7,SN-123\n"
    )
    with unit_of_work(factory) as s:
        inventory.import_assets(
            s, table=read_csv(table.encode(), "inv.csv"), skip_bad_rows=False, actor=ADMIN
        )
    ref = _open(factory, assets=["PUMP-7", "home router of a patient"])
    with unit_of_work(factory) as s:
        d = views.detail(s, ref=ref, actor=ANALYST, now=NOW)
        assert d.assets == ["home router of a patient"]
        (a,) = d.workspace_assets
        assert (a.tag, a.found, a.model, a.location) == ("PUMP-7", True, "Pump", "ICU bed 4")
        assert {"10.9.8.7", "SN-123"} <= set(a.identifying)
        with pytest.raises(NotFound, match="no workspace asset tagged 'GONE-1'"):
            incidents.add_assets(s, ref=ref, assets=["asset:GONE-1"], actor=ANALYST)
    with unit_of_work(factory) as s:
        incidents.add_assets(s, ref=ref, assets=["asset:PUMP-7", "gateway"], actor=ANALYST)
        d = views.detail(s, ref=ref, actor=ANALYST, now=NOW)
    assert [a.tag for a in d.workspace_assets] == ["PUMP-7"] and d.assets[-1] == "gateway"


def test_lessons_learned_become_threats_and_risk_records(world):
    """The closing review's threat action becomes a threat of the release's threat model and
    its risk action a risk record on it, each linked back to the incident and audited; the
    STRIDE letter and the clinical statements come from the person."""
    from medsec.incidents import lessons
    from medsec.sysmodel import service as sysmodel
    from medsec.threats import service as threats

    factory, _ = world
    model = (
        b"medsec-system-model: 1\nname: Pump\nelements:\n"
        b"  - {id: pump, type: device, name: Pump}\n"
        b"  - {id: updates, type: update-server, name: Update server}\n"
        b"flows:\n"
        b"  - {id: fw, from: updates, to: pump, name: Firmware, protocol: HTTPS, port: 443}\n"
    )
    with unit_of_work(factory) as s:
        sysmodel.import_model(
            s, product="Pump", release="2.0", data=model, source="m.yaml", actor=ANALYST
        )
    ref = _open(factory)
    _assessed(factory, ref)
    with unit_of_work(factory) as s:
        for step in ("confirm", "eradicate", "recover", "learn"):
            incidents.transition(s, ref=ref, action=step, actor=ANALYST, now=NOW)
        incidents.close(
            s,
            ref=ref,
            review="Signature checks held.",
            actor=ANALYST,
            actions=[
                ("improvement", "Send indicators sooner"),
                ("threat", "Look-alike update server on the firmware path"),
                ("risk", "Review the risk of altered firmware"),
            ],
            now=NOW,
        )
        acts = {a.kind: a.id for a in views.detail(s, ref=ref, actor=ANALYST, now=NOW).actions}
    with unit_of_work(factory) as s, pytest.raises(InvalidInput, match="is a improvement action"):
        lessons.to_threat(s, ref=ref, action_id=acts["improvement"], category="S", actor=ANALYST)
    with unit_of_work(factory) as s, pytest.raises(PermissionDenied):
        lessons.to_threat(s, ref=ref, action_id=acts["threat"], category="S", actor=VIEWER)
    with unit_of_work(factory) as s:
        made = lessons.to_threat(
            s, ref=ref, action_id=acts["threat"], category="s", target="fw", actor=ANALYST
        )
    key = lessons.threat_key(ref, acts["threat"])
    assert (made.key, made.category, made.target_kind, made.origin) == (key, "S", "flow", "manual")
    assert made.title == "Look-alike update server on the firmware path"
    with unit_of_work(factory) as s, pytest.raises(Conflict, match="already has a threat"):
        lessons.to_threat(s, ref=ref, action_id=acts["threat"], category="S", actor=ANALYST)
    with unit_of_work(factory) as s:
        rec = lessons.to_risk(
            s,
            ref=ref,
            action_id=acts["risk"],
            threat=key,
            hazardous_situation="altered firmware runs on the pump",
            harm="wrong dose",
            severity="critical",
            exploitability="low",
            actor=ANALYST,
        )
        assert rec.risk is not None and rec.risk.version == 1
        assert threats.get_threat(s, product="Pump", release="2.0", key=key, actor=ANALYST).risk
        d = views.detail(s, ref=ref, actor=ANALYST, now=NOW)
        lesson_events = [
            e for e in audit.list_events(s, limit=200) if e.action == "incident.lesson"
        ]
    assert [link.target for link in d.links] == [
        f"threat:Pump/2.0/{key}",
        f"risk:Pump/2.0/{key}/v1",
    ]
    assert len(lesson_events) == 2
