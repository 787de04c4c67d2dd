"""Anonymisation of what medsec shares: an incident with identifying values planted in every
field (reporter, hospital, assets, addresses, people in the timeline, evidence and custody,
notifications, review, indicators, the linked finder, the plan's team and contacts) exports a
bundle in which none of them appears; plus export refusals and sharing agreements."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
import stix2
from share_world import ADMIN, ANALYST, VIEWER

from medsec.accounts import service as accounts
from medsec.cvd import intake_service
from medsec.cvd import links as cvd_links
from medsec.db.uow import unit_of_work
from medsec.errors import InvalidInput, PermissionDenied
from medsec.findings import decisions
from medsec.incidents import evidence, notices, plans
from medsec.incidents import service as incidents
from medsec.models.base import utcnow
from medsec.risk import service as risk
from medsec.sharing import service as sharing
from medsec.sharing import stix_schema
from medsec.updates import service as updates

pytestmark = pytest.mark.shared_data

PLANTED = {
    "reporter": "Reporter Zqxperson",
    "reporter_org": "Zqx Memorial Hospital",
    "asset_name": "zqx-icu-gw-77",
    "asset_ip": "10.77.66.55",
    "asset_ipv6": "fd00:77:66::55",
    "asset_mac": "0a:77:66:55:44:33",
    "email": "nurse.zqx@hospital.example",
    "account": "zqxanalyst",
    "counterpart": "Zqx hospital IT desk",
    "evidence_source": "Zqx proxy appliance",
    "evidence_holder": "Zqx biomed locker",
    "custody_holder": "Courier Zqxsmith",
    "reference": "ZQX-REF-4411",
    "finder_name": "Finder Zqxresearcher",
    "finder_email": "zqx.finder@research.example",
    "team_person": "Teammate Zqxmember",
    "team_contact": "zqx.team@maker.example",
    "contact_name": "Officer Zqxpolice",
    "contact_channel": "+1 555 0177 Zqx desk",
}
ADVERSARY_IP = "198.51.100.77"
ISAO = "Health-ISAC"


def _agree(s, *, tlp: str, scope: str = "all products", partner: str = ISAO, **kw):
    return sharing.add_agreement(
        s,
        partner=partner,
        scope=scope,
        tlp=tlp,
        signed_on=kw.pop("signed_on", date(2020, 1, 1)),
        actor=ANALYST,
        **kw,
    )


def _plant(factory, finding_id: int, tmp_path) -> str:
    p = PLANTED
    actor = f"cli:{p['account']}"
    with unit_of_work(factory) as s:
        accounts.add(s, name=p["account"], roles=["analyst"], products=[], actor=ADMIN)
        plan = plans.create(s, name="plan", scope="all", policy="policy", actor=ADMIN).name
        plans.add_member(
            s,
            plan=plan,
            person=p["team_person"],
            group="response",
            raci="respond=R",
            actor=ADMIN,
            contact=p["team_contact"],
        )
        plans.add_contact(
            s,
            plan=plan,
            kind="law_enforcement",
            jurisdiction="US",
            name=p["contact_name"],
            channel=p["contact_channel"],
            actor=ADMIN,
        )
        receipt = intake_service.submit_report(
            s,
            fields={
                "product": "Pump",
                "version": "2.0",
                "description": f"{p['finder_name']} found unsigned firmware accepted.",
                "finder_name": p["finder_name"],
                "finder_email": p["finder_email"],
            },
            source="api",
        ).receipt_id
        cvd_links.link(s, case=receipt, actor=ADMIN, product="Pump")
        everything = " ".join(PLANTED.values())
        row = incidents.open_incident(
            s,
            title=f"Incident at {p['reporter_org']} on {p['asset_name']}",
            actor=actor,
            product="Pump",
            releases=["2.0"],
            jurisdictions=["US", "EU"],
            detected_at=utcnow() - timedelta(days=2),
            source="hospital",
            reporter=p["reporter"],
            reporter_org=p["reporter_org"],
            assets=[f"{p['asset_name']} {p['asset_ip']}", p["asset_ipv6"], p["asset_mac"]],
            description=f"Reported by {everything}",
            # the summary written for ISAOs carelessly repeats identifying values (rule R3)
            share_summary=(
                f"Seen at {p['reporter_org'].upper()} by {p['reporter'].lower()} "
                f"({p['email']}) on {p['asset_name']} / {p['asset_ip']} / {p['asset_ipv6']} / "
                f"{p['asset_mac']}; contact {p['team_contact']}. Block {ADVERSARY_IP}."
            ),
            tlp="amber+strict",
        )
        ref = row.ref
        incidents.transition(s, ref=ref, action="assess", actor=actor)
        incidents.assess(
            s, ref=ref, actor=actor, safety="serious", privacy="breach", flags=["criminal"]
        )
        incidents.log(
            s,
            ref=ref,
            actor=actor,
            message=f"called {everything}",
            kind="message",
            direction="outbound",
            counterpart=p["counterpart"],
            channel="phone",
        )
        incidents.log(s, ref=ref, actor=actor, message=everything, kind="decision", why=everything)
        item = evidence.add(
            s,
            ref=ref,
            name=f"{p['asset_name']}.pcap",
            data=everything.encode(),
            source=p["evidence_source"],
            actor=actor,
            holder=p["evidence_holder"],
            description=everything,
        )
        evidence.custody(
            s,
            ref=ref,
            evidence_id=item.id,
            action="transferred",
            holder=p["custody_holder"],
            actor=actor,
            note=everything,
        )
        notices.record(
            s,
            ref=ref,
            obligation="eu.mdr.serious-15",
            actor=actor,
            draft=everything,
            sent=True,
            reference=p["reference"],
        )
        decisions.decide(
            s,
            finding_id=finding_id,
            status="affected",
            reason="reachable",
            actor=ADMIN,
            action_statement=f"Block port 8443 at {p['reporter_org']} ({p['asset_ip']})",
        )
        risk.assess(
            s,
            finding_id=finding_id,
            hazardous_situation="altered firmware runs on the pump",
            harm="wrong dose",
            severity="serious",
            controls=[],
            actor=ADMIN,
        )
        upd = updates.create(
            s,
            product="Pump",
            name="Pump 2.1 firmware",
            method="service_visit",
            addressed=[(finding_id, "fixed")],
            actor=ADMIN,
            description=f"lib 3.0.0; installed by {p['team_person']}",
        )
        incidents.link(s, ref=ref, target=f"finding:{finding_id}", actor=actor)
        incidents.link(s, ref=ref, target=f"cvd:{receipt}", actor=actor)
        incidents.link(s, ref=ref, target=f"update:{upd.id}", actor=actor)
        for name, pattern, shareable in (
            (f"seen from {p['asset_name']}", f"[ipv4-addr:value = '{ADVERSARY_IP}']", True),
            ("asset address", f"[ipv4-addr:value = '{p['asset_ip']}']", True),  # R4: dropped
            ("asset name", f"[domain-name:value = '{p['asset_name']}.example']", True),
            ("internal only", f"[email-addr:value = '{p['email']}']", False),
        ):
            incidents.add_indicator(
                s, ref=ref, name=name, pattern=pattern, actor=actor, shareable=shareable
            )
        for step in ("confirm", "eradicate", "recover", "learn"):
            incidents.transition(s, ref=ref, action=step, actor=actor)
        incidents.close(
            s,
            ref=ref,
            review=everything,
            actor=actor,
            actions=[("improvement", everything), ("threat", everything)],
            owner=p["team_person"],
        )
    return ref


def test_planted_identifying_values_never_leave(share_world, schemas, tmp_path, monkeypatch):
    factory, finding_id = share_world
    monkeypatch.setenv("MEDSEC_STIX_SCHEMAS", str(schemas))
    ref = _plant(factory, finding_id, tmp_path)
    out = tmp_path / "bundle.json"
    with unit_of_work(factory) as s:
        _agree(s, tlp="red")
        made = sharing.export_stix(
            s, out=out, organisation="Acme Medical", partner=ISAO, actor=ANALYST, incident=ref
        )
    text = out.read_text()
    low = text.lower()
    leaked = {k: v for k, v in PLANTED.items() if v.lower() in low}
    assert leaked == {}
    assert "zqx" not in low  # no fragment of any planted value either
    # the only IP address left is the adversary's, inside a shareable indicator's pattern
    ips = set(re.findall(r"(?<!\d)(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)", text))
    assert ips == {ADVERSARY_IP}
    bundle = json.loads(text)
    assert stix_schema.errors(bundle, root=schemas) == []
    stix2.parse(bundle, allow_custom=False)
    identities = [o for o in bundle["objects"] if o["type"] == "identity"]
    assert [i["name"] for i in identities] == ["Acme Medical"]
    patterns = sorted(o["pattern"] for o in bundle["objects"] if o["type"] == "indicator")
    assert patterns == [f"[ipv4-addr:value = '{ADVERSARY_IP}']"]
    (incident,) = [o for o in bundle["objects"] if o["type"] == "incident"]
    assert incident["name"].startswith("Security incident affecting Pump 2.0 (detected ")
    assert "[redacted]" in incident["description"] and ADVERSARY_IP not in incident["description"]
    assert made.tlp == "amber+strict"
    # R7: the patch and the mitigation as courses of action, scrubbed, tied to the CVE
    coas = {o["name"]: o for o in bundle["objects"] if o["type"] == "course-of-action"}
    assert set(coas) == {"Install Pump 2.1 firmware", "Mitigation for CVE-2099-0077"}
    assert coas["Install Pump 2.1 firmware"]["description"] == "lib 3.0.0; installed by [redacted]"
    assert coas["Mitigation for CVE-2099-0077"]["description"] == (
        "Block port 8443 at [redacted] ([redacted])"
    )
    (vuln,) = [o for o in bundle["objects"] if o["type"] == "vulnerability"]
    verbs = {
        (o["source_ref"], o["relationship_type"])
        for o in bundle["objects"]
        if o["type"] == "relationship" and o["target_ref"] == vuln["id"]
    }
    assert {
        (coas[n]["id"], v)
        for n, v in (
            ("Install Pump 2.1 firmware", "remediates"),
            ("Mitigation for CVE-2099-0077", "mitigates"),
        )
    } <= verbs


def test_dismissed_incidents_are_never_shared_and_options_are_checked(share_world, tmp_path):
    factory, _ = share_world
    with unit_of_work(factory) as s:
        row = incidents.open_incident(s, title="false alarm", actor=ANALYST, product="Pump")
        incidents.transition(s, ref=row.ref, action="dismiss", actor=ANALYST, reason="test")
        ref = row.ref
    for kw, message in (
        ({"incident": ref}, "no incident to share"),
        ({}, "exactly one of --incident"),
        ({"incident": ref, "since": date(2026, 1, 1)}, "exactly one of --incident"),
    ):
        with unit_of_work(factory) as s, pytest.raises(InvalidInput, match=message):
            sharing.export_stix(
                s, out=tmp_path / "x.json", organisation="Acme", partner=ISAO, actor=ANALYST, **kw
            )
    assert not (tmp_path / "x.json").exists()
    with unit_of_work(factory) as s, pytest.raises(PermissionDenied):
        sharing.export_stix(
            s,
            out=tmp_path / "x.json",
            organisation="Acme",
            partner=ISAO,
            actor=VIEWER,
            incident=ref,
        )


def test_agreements_are_records(share_world):
    factory, _ = share_world
    with unit_of_work(factory) as s:
        made = sharing.add_agreement(
            s,
            partner="Health-ISAC",
            scope="indicators and incident summaries for medical devices",
            tlp="AMBER",
            signed_on=date(2026, 1, 10),
            expires_on=date(2027, 1, 10),
            actor=ANALYST,
        )
        with pytest.raises(InvalidInput, match="tlp 'white'"):
            sharing.add_agreement(
                s, partner="x", scope="y", tlp="white", signed_on=date(2026, 1, 1), actor=ANALYST
            )
        with pytest.raises(InvalidInput, match="before the agreement was signed"):
            sharing.add_agreement(
                s,
                partner="x",
                scope="y",
                tlp="red",
                signed_on=date(2026, 1, 2),
                expires_on=date(2026, 1, 1),
                actor=ANALYST,
            )
        listed = sharing.list_agreements(s, actor=ANALYST)
    assert [(a.partner, a.tlp, a.expires_on) for a in listed] == [
        ("Health-ISAC", "amber", date(2027, 1, 10))
    ]
    assert made.id == listed[0].id


def test_agreements_are_checked_at_export(share_world, tmp_path, monkeypatch):
    """An export goes to a partner only under an agreement in force whose TLP and scope allow
    the incident: one named incident is refused with the reason, a --since export withholds
    what no agreement allows; nothing is written when refused."""
    factory, _ = share_world
    with unit_of_work(factory) as s:
        refs = {}
        for product, tlp in (("Pump", "green"), ("Pump", "amber"), ("Other", "clear")):
            if product == "Other":
                from medsec.products import service as products
                from medsec.products.schemas import ProductCreate

                products.create_product(
                    s, data=ProductCreate(name="Other", manufacturer="Acme"), actor=ADMIN
                )
            row = incidents.open_incident(
                s,
                title="t",
                actor=ADMIN,
                product=product,
                tlp=tlp,
                share_summary="Block 203.0.113.9",
            )
            refs[(product, tlp)] = row.ref
    out = tmp_path / "b.json"

    def export(**kw):
        with unit_of_work(factory) as s:
            return sharing.export_stix(
                s, out=out, organisation="Acme", partner=kw.pop("partner", ISAO), actor=ADMIN, **kw
            )

    green = refs[("Pump", "green")]
    for setup, message in (
        ({}, "no sharing agreement with 'Health-ISAC'"),
        ({"tlp": "clear", "scope": "Pump"}, "allows up to TLP:CLEAR, the incident is TLP:GREEN"),
        ({"tlp": "green", "scope": "Infusion only"}, "does not cover Pump"),
        ({"tlp": "green", "scope": "Pump", "expires_on": date(2021, 1, 1)}, "expired on 2021"),
        ({"tlp": "green", "scope": "Pump", "signed_on": date(2099, 1, 1)}, "starts on 2099"),
    ):
        if setup:
            with unit_of_work(factory) as s:
                _agree(s, **setup)
        with pytest.raises(InvalidInput, match=message):
            export(incident=green)
        assert not out.exists()
    with unit_of_work(factory) as s:
        _agree(s, tlp="green", scope="Health-ISAC: incident summaries of PUMP")
    made = export(partner=" health-isac ", incident=green)
    assert made.incidents == [green] and made.withheld == []
    made = export(since=date(2000, 1, 1))
    assert made.incidents == [green]
    assert sorted(w.split(":")[0] for w in made.withheld) == sorted(
        [refs[("Pump", "amber")], refs[("Other", "clear")]]
    )
    with pytest.raises(InvalidInput, match="no sharing agreement with 'ISAO-2'"):
        export(partner="ISAO-2", since=date(2000, 1, 1))
