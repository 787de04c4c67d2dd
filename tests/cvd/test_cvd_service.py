"""Case handling on both databases: transitions through the rules (nothing changed on refusal),
deadlines and overdue at an injected time, links, CVE ids, coordination, embargo, access, audit."""

from __future__ import annotations

import random
from datetime import date, timedelta

import orjson
import pytest
from cvd_world import (
    ADMIN,
    ANALYST,
    NOBODY,
    OTHER_ANALYST,
    RECEIVED,
    REPORT,
    REVIEWER,
    VIEWER,
)
from sqlalchemy import func, select

from medsec.audit import service as audit
from medsec.cvd import coordination, intake_service, links, rules
from medsec.cvd import service as cvd
from medsec.db.uow import unit_of_work
from medsec.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from medsec.models import AuditEvent, CvdCase, CvdEvent

DAY = timedelta(days=1)


def _case(factory) -> str:
    with unit_of_work(factory) as s:
        return intake_service.submit_report(s, fields=REPORT, now=RECEIVED).receipt_id


def _move(factory, case, action, days, actor=ANALYST, **kw):
    with unit_of_work(factory) as s:
        row = cvd.transition(
            s, case=case, action=action, actor=actor, now=RECEIVED + days * DAY, **kw
        )
        return row.state, row.outcome, row.remediated


def _snapshot(factory, case):
    with unit_of_work(factory) as s:
        row = cvd.resolve(s, case)
        events = s.execute(select(func.count()).select_from(CvdEvent)).scalar_one()
        audits = s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        return (row.state, row.outcome, row.remediated, row.acknowledged_at, events, audits)


def test_full_path_through_the_states(world):
    factory, _ = world
    case = _case(factory)
    assert _move(factory, case, "acknowledge", 1) == ("acknowledged", None, False)
    assert _move(factory, case, "triage", 3, outcome="valid") == ("triaged", "valid", False)
    assert _move(factory, case, "start-remediation", 4)[0] == "remediation_in_progress"
    assert _move(factory, case, "remediated", 20) == ("remediated", "valid", True)
    assert _move(factory, case, "disclose", 30)[0] == "disclosed"
    assert _move(factory, case, "close", 31)[0] == "closed"
    assert _move(factory, case, "reopen", 40, reason="regression in 2.4") == (
        "acknowledged",
        None,
        False,
    )
    with unit_of_work(factory) as s:
        detail = cvd.case_detail(s, case=case, actor=ANALYST, now=RECEIVED + 41 * DAY)
        moves = [(e.from_state, e.to_state) for e in detail.events if e.kind == "state"]
        row = detail.case
        assert row.triaged_at is None and row.closed_at is None  # reopened: triaged afresh
        assert row.acknowledged_at is not None and row.disclosed_at is not None
        actions = [e.action for e in audit.list_events(s, limit=20)]
        assert audit.verify_chain(s) is None
    assert moves == [
        (None, "received"),
        ("received", "acknowledged"),
        ("acknowledged", "triaged"),
        ("triaged", "remediation_in_progress"),
        ("remediation_in_progress", "remediated"),
        ("remediated", "disclosed"),
        ("disclosed", "closed"),
        ("closed", "acknowledged"),
    ]
    assert "cvd.case.reopen" in actions and "cvd.case.start-remediation" in actions


@pytest.mark.parametrize(
    ("setup", "action", "kwargs", "rule"),
    [
        ([], "triage", {"outcome": "valid"}, "cvd.transition.forbidden"),
        ([], "start-remediation", {}, "cvd.transition.forbidden"),
        ([], "close", {}, "cvd.transition.close-unacknowledged"),  # needs a reason
        ([], "reopen", {"reason": "x"}, "cvd.transition.reopen"),
        (["acknowledge"], "triage", {}, "cvd.transition.triage"),  # needs an outcome
        (["acknowledge"], "triage", {"outcome": "maybe"}, "cvd.transition.unknown_outcome"),
        (["acknowledge"], "disclose", {}, "cvd.transition.forbidden"),
        (["acknowledge", "triage:duplicate"], "start-remediation", {}, "start-remediation"),
        (["acknowledge", "triage:duplicate"], "close", {}, "close-not-valid"),
        (["acknowledge", "triage:valid", "start-remediation"], "disclose", {}, "disclose-before"),
    ],
)
def test_refused_transitions_change_nothing(world, setup, action, kwargs, rule):
    factory, _ = world
    case = _case(factory)
    for step in setup:
        name, _, outcome = step.partition(":")
        _move(factory, case, name, 1, **({"outcome": outcome} if outcome else {}))
    before = _snapshot(factory, case)
    with pytest.raises(InvalidInput) as err:
        _move(factory, case, action, 2, **kwargs)
    assert rule in str(err.value)
    assert _snapshot(factory, case) == before


def test_transition_before_receipt_and_unknown_action_are_refused(world):
    factory, _ = world
    case = _case(factory)
    for action, days in (("acknowledge", -1), ("hurry", 1)):
        with pytest.raises(InvalidInput):
            _move(factory, case, action, days)
    assert _snapshot(factory, case)[0] == "received"


def test_deadlines_and_overdue_list_at_an_injected_time(world):
    factory, _ = world
    late, prompt = _case(factory), _case(factory)
    _move(factory, prompt, "acknowledge", 1)
    with unit_of_work(factory) as s:
        # Monday + 5 business days = next Monday 09:00; at Tuesday 10 days later only `late`
        # has its acknowledge deadline overdue; both have triage due on day 14
        at = RECEIVED + 8 * DAY
        overdue = cvd.list_cases(s, actor=ANALYST, overdue=True, now=at)
        assert [(o.case.receipt_id, o.overdue) for o in overdue] == [(late, ("acknowledge",))]
        everything = cvd.list_cases(s, actor=ANALYST, now=at)
        assert {o.case.receipt_id for o in everything} == {late, prompt}
        detail = cvd.case_detail(s, case=prompt, actor=ANALYST, now=at)
        by_name = {d.name: d for d in detail.deadlines}
        assert by_name["acknowledge"].met_at == RECEIVED + DAY and not by_name["acknowledge"].late
        assert by_name["triage"].due == RECEIVED + 14 * DAY and not by_name["triage"].overdue
        assert by_name["remediate"].due == RECEIVED + 60 * DAY  # unassessed → uncontrolled
        assert by_name["disclose"].due == RECEIVED + 90 * DAY
        cvd.set_risk(s, case=prompt, risk="controlled", actor=ANALYST)
        coordination.set_embargo(s, case=prompt, until=date(2026, 4, 15), actor=ANALYST)
        detail = cvd.case_detail(s, case=prompt, actor=ANALYST, now=at)
        names = [d.name for d in detail.deadlines]
        assert "remediate" not in names and "communicate" not in names  # controlled risk
        assert detail.deadlines[-1].due.date() == date(2026, 4, 15)  # the embargo date
        later = cvd.list_cases(s, actor=ANALYST, overdue=True, now=RECEIVED + 16 * DAY)
        assert {o.case.receipt_id: o.overdue for o in later} == {
            late: ("acknowledge", "triage"),
            prompt: ("triage",),
        }
        assert cvd.list_cases(s, actor=ANALYST, state="acknowledged", now=at)[0].case.id
        with pytest.raises(InvalidInput):
            cvd.list_cases(s, actor=ANALYST, state="limbo")


def test_messages_and_who_the_finder_sees(world):
    factory, _ = world
    with unit_of_work(factory) as s:
        receipt = intake_service.submit_report(s, fields=REPORT, now=RECEIVED)
    case = receipt.receipt_id
    with unit_of_work(factory) as s:
        cvd.log_message(s, case=case, text="internal: looks real", actor=ANALYST)
        cvd.log_message(
            s, case=case, text="Thanks, we reproduced it.", actor=ANALYST, direction="outbound"
        )
        with pytest.raises(InvalidInput):
            cvd.log_message(s, case=case, text="x", actor=ANALYST, direction="sideways")
        with pytest.raises(InvalidInput):
            cvd.log_message(s, case=case, text=" \x00 ", actor=ANALYST)
        links.set_cve(s, case=case, cve_id="cve-2026-12345", actor=ANALYST)
        view = intake_service.finder_status(s, receipt_id=case, token=receipt.status_token)
    assert [(m.direction, m.text) for m in view.messages][1:] == [
        ("outbound", "Thanks, we reproduced it.")
    ]
    assert view.messages[0].text.startswith(f"Your report {case} was received")
    assert view.cve_id == "CVE-2026-12345"


def test_cve_id_format_uniqueness_and_set_once(world):
    factory, _ = world
    a, b = _case(factory), _case(factory)
    with unit_of_work(factory) as s:
        for bad in ("CVE-26-1", "CVE-2026-123", "GHSA-xxxx", "CVE-2026-12a4"):
            with pytest.raises(InvalidInput):
                links.set_cve(s, case=a, cve_id=bad, actor=ANALYST)
        links.set_cve(s, case=a, cve_id="CVE-2026-1234", actor=ANALYST)
        links.set_cve(s, case=a, cve_id="CVE-2026-1234", actor=ANALYST)  # idempotent
    with unit_of_work(factory) as s, pytest.raises(Conflict, match=a):
        links.set_cve(s, case=b, cve_id="CVE-2026-1234", actor=ANALYST)
    with unit_of_work(factory) as s, pytest.raises(Conflict, match="set once"):
        links.set_cve(s, case=a, cve_id="CVE-2026-9999", actor=ANALYST)
    with unit_of_work(factory) as s:
        assert cvd.resolve(s, b).cve_id is None
        n = s.execute(select(func.count()).where(AuditEvent.action == "cvd.case.cve"))
        assert n.scalar_one() == 1


def test_links_resolve_names_and_ids(world):
    factory, finding_id = world
    case = _case(factory)
    with unit_of_work(factory) as s:
        made = links.link(s, case=case, actor=ADMIN, product="Pump", release="1.0")
        made += links.link(
            s, case=case, actor=ADMIN, release="1.0", component="WolfSSL@4.8.1"
        )  # the real medical-device SBOM
        made += links.link(s, case=case, actor=ADMIN, vuln="GHSA-cvd-test", finding=finding_id)
        again = links.link(s, case=case, actor=ADMIN, product="Pump")
        row = cvd.resolve(s, case)
        product = cvd.case_detail(s, case=case, actor=ADMIN).product
    assert [m.kind for m in made] == ["product", "release", "component", "vulnerability", "finding"]
    assert made[2].label == "Pump 1.0: WolfSSL 4.8.1"
    assert "CVE-2099-0042" in made[3].label and "GHSA-cvd-test" in made[3].label
    assert again == [] and row.product_id is not None and product == "Pump"
    for kwargs, error in (
        ({"product": "Nope"}, NotFound),
        ({"product": "Pump", "release": "9.9"}, NotFound),
        ({"release": "1.0", "component": "NoSuchLib"}, NotFound),
        ({"component": "WolfSSL"}, InvalidInput),
        ({"vuln": "CVE-1999-0001"}, NotFound),
        ({"finding": 999_999}, NotFound),
        ({}, InvalidInput),
    ):
        with unit_of_work(factory) as s, pytest.raises(error):
            links.link(s, case=case, actor=ADMIN, **kwargs)
    with unit_of_work(factory) as s:
        assert len(cvd.case_detail(s, case=case, actor=ADMIN).links) == 5


def test_coordination_with_annex_b_or_free_text(world):
    factory, _ = world
    case = _case(factory)
    day = date(2026, 3, 4)
    with unit_of_work(factory) as s:
        de = coordination.coordinate(s, case=case, contact="de", informed=day, actor=ANALYST)
        us = coordination.coordinate(
            s, case=case, contact="US", org="ics", informed=day, actor=ANALYST, reference="VU#1"
        )
        free = coordination.coordinate(
            s, case=case, org="Health ISAC", informed=day, actor=ANALYST, country="us"
        )
        assert (de.organisation, de.role, de.country, de.annex_b) == (
            "CERT Germany (CERT-Bund)",
            "cert",
            "DE",
            True,
        )
        assert us.organisation.startswith("Industrial Control Systems CERT")
        assert us.reference == "VU#1"
        assert (free.role, free.annex_b, free.country) == ("other", False, "US")
    for kwargs in (
        {"contact": "US"},  # two US entries: choose one
        {"contact": "ZZ"},
        {"org": "X", "role": "friend"},
        {},
        {"contact": "DE", "informed": date(2026, 3, 1)},  # before receipt
        {"contact": "DE", "informed": date(2999, 1, 1)},  # future
    ):
        args = {"informed": day, **kwargs}
        with unit_of_work(factory) as s, pytest.raises(InvalidInput):
            coordination.coordinate(s, case=case, actor=ANALYST, now=RECEIVED + 5 * DAY, **args)
    with unit_of_work(factory) as s:
        assert len(cvd.case_detail(s, case=case, actor=ANALYST).coordination) == 3
        with pytest.raises(InvalidInput):
            coordination.set_embargo(s, case=case, until=date(2026, 3, 2), actor=ANALYST)


def test_access_rules(world):
    factory, _ = world
    case = _case(factory)
    with unit_of_work(factory) as s:
        # unlinked: every security role sees it, a viewer and a stranger do not
        for actor in (ADMIN, ANALYST, REVIEWER, OTHER_ANALYST):
            assert cvd.get_case(s, case=case, actor=actor).receipt_id == case
        with pytest.raises(PermissionDenied, match="no account"):
            cvd.get_case(s, case=case, actor=NOBODY)
        with pytest.raises(NotFound, match="no CVD case"):  # hidden, as if missing
            cvd.get_case(s, case=case, actor=VIEWER)
        assert cvd.list_cases(s, actor=VIEWER) == []
        with pytest.raises(PermissionDenied):
            cvd.list_cases(s, actor=NOBODY)
        with pytest.raises(NotFound):
            cvd.transition(s, case=case, action="acknowledge", actor=VIEWER)
        # an analyst of another product cannot claim it for Pump
        with pytest.raises(NotFound, match="Pump"):
            links.link(s, case=case, actor=OTHER_ANALYST, product="Pump")
        links.link(s, case=case, actor=ANALYST, product="Pump")
    with unit_of_work(factory) as s:
        assert cvd.get_case(s, case=case, actor=ANALYST).receipt_id == case
        with pytest.raises(NotFound, match="no CVD case"):  # nothing names the product
            cvd.get_case(s, case=case, actor=OTHER_ANALYST)
        with pytest.raises(NotFound):
            cvd.log_message(s, case=case, text="hi", actor=OTHER_ANALYST)
        assert [c.case.receipt_id for c in cvd.list_cases(s, actor=OTHER_ANALYST)] == []
        assert [c.case.receipt_id for c in cvd.list_cases(s, actor=REVIEWER)] == [case]
    for action, days in (("acknowledge", 1), ("triage", 2), ("start-remediation", 3)):
        _move(factory, case, action, days, **({"outcome": "valid"} if action == "triage" else {}))
    _move(factory, case, "remediated", 10)
    _move(factory, case, "disclose", 11)  # disclosure is refused while an embargo holds...
    with unit_of_work(factory) as s:  # ...so the date is agreed after it
        coordination.set_embargo(s, case=case, until=date(2026, 6, 1), actor=ANALYST)
    with unit_of_work(factory) as s:
        # disclosed, but the embargo date lies ahead: viewers still see nothing
        with pytest.raises(NotFound):
            cvd.get_case(s, case=case, actor=VIEWER, now=RECEIVED + 20 * DAY)
        after = RECEIVED + 100 * DAY
        detail = cvd.case_detail(s, case=case, actor=VIEWER, now=after)
        assert detail.finder_visible is False and detail.attachments == ()
        assert {e.kind for e in detail.events} == {"state"}  # no messages (personal data)
        with pytest.raises(PermissionDenied):
            cvd.attachment_data(s, case=case, attachment_id=1, actor=VIEWER)
        assert cvd.case_detail(s, case=case, actor=ANALYST, now=after).finder_visible is True
        assert [c.details_visible for c in cvd.list_cases(s, actor=VIEWER, now=after)] == [False]


def test_unknown_case_is_not_found(world):
    factory, _ = world
    case = _case(factory)  # its own transaction, before this one (SQLite: one writer)
    with unit_of_work(factory) as s:
        for ref in ("VR-NOPE", "12345"):
            with pytest.raises(NotFound):
                cvd.get_case(s, case=ref, actor=ADMIN)
        assert cvd.get_case(s, case=case.lower(), actor=ADMIN).receipt_id == case


def test_staff_recorded_report_needs_a_security_role_and_is_audited(world):
    factory, _ = world
    with unit_of_work(factory) as s, pytest.raises(PermissionDenied):
        intake_service.record_report(s, fields=REPORT, actor=VIEWER)
    with unit_of_work(factory) as s:
        row, receipt = intake_service.record_report(s, fields=REPORT, actor=ANALYST)
        assert row.source == "email" and receipt.receipt_id == row.receipt_id
        event = s.execute(
            select(AuditEvent).where(AuditEvent.action == "cvd.report.received")
        ).scalar_one()
        assert event.actor == ANALYST
        assert s.execute(select(func.count()).select_from(CvdCase)).scalar_one() == 1


def test_no_finder_personal_data_in_any_cvd_audit_event(world):
    factory, finding_id = world
    case = _case(factory)
    _move(factory, case, "acknowledge", 1)
    with unit_of_work(factory) as s:
        cvd.log_message(s, case=case, text="Dear Grace Finder", actor=ANALYST, direction="outbound")
        links.link(s, case=case, actor=ANALYST, finding=finding_id)
        coordination.coordinate(s, case=case, contact="JP", informed=date(2026, 3, 3), actor=ADMIN)
        events = s.execute(select(AuditEvent).where(AuditEvent.action.like("cvd.%"))).scalars()
        dumped = orjson.dumps([e.details for e in events]).decode()
    assert case in dumped and "JPCERT" in dumped
    for pii in (REPORT["finder_name"], REPORT["finder_email"], "Grace", REPORT["description"]):
        assert pii not in dumped


def test_finder_sees_plain_wording_of_the_state(world):
    factory, _ = world
    with unit_of_work(factory) as s:
        receipt = intake_service.submit_report(s, fields=REPORT, now=RECEIVED)
        dup = intake_service.submit_report(s, fields=REPORT, now=RECEIVED)

    def seen(r) -> str:
        with unit_of_work(factory) as s:
            view = intake_service.finder_status(s, receipt_id=r.receipt_id, token=r.status_token)
            return view.state

    case = receipt.receipt_id
    wording = [seen(receipt)]
    for action, kw in (
        ("acknowledge", {}),
        ("triage", {"outcome": "valid"}),
        ("start-remediation", {}),
        ("remediated", {}),
        ("disclose", {}),
    ):
        _move(factory, case, action, 2, **kw)
        wording.append(seen(receipt))
    assert wording == [
        "received",
        "acknowledged",
        "confirmed",
        "being fixed",
        "fixed",
        "disclosed",
    ]
    _move(factory, dup.receipt_id, "acknowledge", 1)
    _move(factory, dup.receipt_id, "triage", 1, outcome="duplicate")
    assert seen(dup) == "duplicate of a known issue"
    with unit_of_work(factory) as s:
        view = intake_service.finder_status(s, receipt_id=case, token=receipt.status_token)
    assert view.acknowledged_at == RECEIVED + 2 * DAY
    assert view.disclosure_date == (RECEIVED + 2 * DAY).date()


def test_attachment_bytes_come_back_unchanged_for_security_roles(world):
    factory, _ = world
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    with unit_of_work(factory) as s:
        receipt = intake_service.submit_report(
            s, fields=REPORT, attachments=[("poc.png", png, "image/png")], now=RECEIVED
        )
    with unit_of_work(factory) as s:
        (item,) = cvd.case_detail(s, case=receipt.receipt_id, actor=ANALYST).attachments
        meta, data = cvd.attachment_data(
            s, case=receipt.receipt_id, attachment_id=item.id, actor=ANALYST
        )
        assert (meta.name, data) == ("poc.png", png)
        with pytest.raises(NotFound):
            cvd.attachment_data(s, case=receipt.receipt_id, attachment_id=item.id + 1, actor=ADMIN)
        view = intake_service.finder_status(
            s, receipt_id=f" {receipt.receipt_id.lower()} ", token=receipt.status_token
        )
        assert view.receipt_id == receipt.receipt_id


def test_random_walk_agrees_with_the_pure_rules(world):
    """200 random moves: the case follows rules.transition exactly; refusals change nothing."""
    factory, _ = world
    case = _case(factory)
    rng = random.Random(20261201)
    model = rules.CaseStatus()
    outcomes = [o.value for o in rules.TriageOutcome]
    accepted = refused = 0
    for step in range(200):
        action = rng.choice(list(cvd.ACTIONS))
        kw: dict[str, str] = {"reason": rng.choice(["", "new information"])}
        if action == "triage":
            kw["outcome"] = rng.choice(outcomes)
        try:
            expected = rules.transition(model, cvd.ACTIONS[action], **kw)
            if action == "reopen" and model.state is not rules.CaseState.CLOSED:
                raise InvalidInput("reopen")
            if action == "acknowledge" and model.state is rules.CaseState.CLOSED:
                raise InvalidInput("acknowledge")
        except InvalidInput:
            expected = None
        before = _snapshot(factory, case)
        try:
            got = _move(factory, case, action, 1 + step // 10, **kw)
        except InvalidInput:
            assert expected is None, (step, action, model)
            assert _snapshot(factory, case) == before
            refused += 1
            continue
        assert expected is not None, (step, action, model)
        outcome = expected.outcome.value if expected.outcome else None
        assert got == (expected.state.value, outcome, expected.remediated)
        model = expected
        accepted += 1
    assert accepted > 20 and refused > 20
