"""The demo's incident: a hospital sees the pump's gateway try to fetch firmware from a
look-alike update server; the PSIRT takes it through every ISO/IEC 27035 phase with its
notifications, evidence and chain of custody, closes it with lessons learned, and exports a
redacted STIX 2.1 bundle for an ISAO. Everything named here is fictional."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from medsec.core.clock import utcnow
from medsec.demo import data
from medsec.incidents import evidence, notices, plans, views
from medsec.incidents import service as incidents
from medsec.sharing import service as sharing

HOSPITAL = "Example General Hospital (fictional)"
ISAO = "Health-ISAC"
SUMMARY = (
    "A hospital saw an infusion pump gateway try to download firmware from a look-alike "
    "update server. The firmware signature check refused the file; no pump ran altered "
    "firmware. Block the indicators in this bundle at the network edge and keep signature "
    "checking on."
)
PROXY_LOG = (
    b"2026-01-05T02:14:07Z 10.20.30.41 GET http://updates.infuguard-firmware.example/"
    b"fw/ig500-2.0.9.bin 200 (198.51.100.23)\n"
    b"2026-01-05T02:14:09Z 10.20.30.41 signature check FAILED; update refused\n"
)


def build(session: Session, *, folder: Path, actor: str, tracking_id: str | None) -> list[str]:
    """Create the plan and the incident, take it through every phase, export STIX; returns
    the lines the demo prints."""
    start = utcnow().replace(microsecond=0) - timedelta(days=20)
    plan = plans.create(
        session,
        name="Example Medical Devices PSIRT incident response plan",
        scope=f"{data.PRODUCT} product line",
        policy="Incidents affecting marketed devices are handled by the PSIRT under ISO/IEC 27035.",
        actor=actor,
        product=data.PRODUCT,
        approved_by="Head of Quality (fictional)",
    ).name
    for person, group, raci in (
        ("Morgan Lee (fictional)", "manager", "plan=A,detect=I,assess=A,respond=A,learn=A"),
        ("Sam Ito (fictional)", "monitoring", "plan=C,detect=R,assess=C,respond=C,learn=C"),
        ("Alex Chen (fictional)", "response", "plan=C,detect=C,assess=R,respond=R,learn=R"),
        ("Dana Roy (fictional)", "analysis", "plan=R,detect=C,assess=R,respond=C,learn=R"),
    ):
        plans.add_member(session, plan=plan, person=person, group=group, raci=raci, actor=actor)
    plans.add_contact(
        session,
        plan=plan,
        kind="regulator",
        jurisdiction="US",
        name="FDA CDRH",
        channel="eMDR",
        actor=actor,
    )
    plans.add_contact(
        session,
        plan=plan,
        kind="isao",
        jurisdiction="*",
        name="Health-ISAO (example)",
        channel="STIX over e-mail",
        actor=actor,
    )
    plans.add_exercise(
        session,
        plan=plan,
        kind="tabletop",
        held_on=date(2025, 11, 12),
        scenario="Spoofed firmware update server",
        participants=["manager", "monitoring", "response", "analysis"],
        actor=actor,
        findings="No checklist for telling hospitals which network indicators to block.",
    )
    row = incidents.open_incident(
        session,
        title="Pump gateway fetched firmware from a look-alike update server",
        actor=actor,
        product=data.PRODUCT,
        releases=["2.0.0"],
        jurisdictions=["US", "EU", "JP"],
        detected_at=start,
        source="hospital",
        reporter="Biomedical engineering on-call (fictional)",
        reporter_org=HOSPITAL,
        assets=["ICU gateway GW-07 10.20.30.41"],
        description="The hospital's proxy logged a firmware download to an ICU gateway.",
        share_summary=SUMMARY,
        tlp="green",
        now=start,
    )
    ref = row.ref

    def at(hours: float) -> datetime:
        return start + timedelta(hours=hours)

    def move(action: str, hours: float, reason: str = "") -> None:
        incidents.transition(
            session, ref=ref, action=action, actor=actor, reason=reason, now=at(hours)
        )

    move("assess", 1)
    item = evidence.add(
        session,
        ref=ref,
        name="proxy-2026-01-05.log",
        data=PROXY_LOG,
        source=f"proxy log exported by {HOSPITAL}",
        actor=actor,
        holder="hospital IT (fictional)",
        now=at(2),
    )
    evidence.custody(
        session,
        ref=ref,
        evidence_id=item.id,
        action="transferred",
        holder="PSIRT evidence store",
        actor=actor,
        note="received by SFTP",
        now=at(3),
    )
    incidents.assess(
        session,
        ref=ref,
        actor=actor,
        safety="potential",
        privacy="none",
        flags=["criminal"],
        reason="altered firmware could change infusion rates if a pump accepted it",
        now=at(4),
    )
    move("confirm", 5)
    incidents.log(
        session,
        ref=ref,
        actor=actor,
        message="Block updates.infuguard-firmware.example and 198.51.100.23 at the firewall.",
        kind="message",
        direction="outbound",
        counterpart=HOSPITAL,
        channel="phone",
        now=at(6),
    )
    incidents.log(
        session,
        ref=ref,
        actor=actor,
        message="Pumps stay in clinical use",
        kind="decision",
        why="the signature check refused the file; no pump ran altered firmware",
        now=at(6),
    )
    for name, pattern in (
        ("look-alike update server", "[domain-name:value = 'updates.infuguard-firmware.example']"),
        ("look-alike update server address", "[ipv4-addr:value = '198.51.100.23']"),
    ):
        incidents.add_indicator(
            session, ref=ref, name=name, pattern=pattern, actor=actor, shareable=True
        )
    if tracking_id:
        incidents.link(session, ref=ref, target=f"advisory:{tracking_id}", actor=actor, now=at(7))
    move("eradicate", 24)
    move("recover", 48)
    for key, hours in (
        ("all.customers", 30),
        ("all.law-enforcement", 50),
        ("us.fda.mdr-30", 72),
        ("jp.pmda.malfunction-30", 96),
    ):
        notices.record(
            session,
            ref=ref,
            obligation=key,
            actor=actor,
            draft=SUMMARY,
            sent=True,
            reference=f"demo-{key}",
            now=at(hours),
        )
    move("learn", 120)
    incidents.close(
        session,
        ref=ref,
        review="The signature check held. Hospitals had no list of network indicators to block.",
        actor=actor,
        actions=[
            ("improvement", "Send network indicators to hospitals within 24 hours"),
            ("threat", "Spoofed update server on the pump's update path"),
        ],
        owner="Alex Chen (fictional)",
        now=at(140),
    )
    sharing.add_agreement(
        session,
        partner=ISAO,
        scope=f"Indicators, incident summaries, patches and mitigations for {data.PRODUCT}",
        tlp="green",
        signed_on=start.date() - timedelta(days=300),
        actor=actor,
    )
    out = folder / "incident-stix-bundle.json"
    made = sharing.export_stix(
        session,
        out=out,
        organisation=data.MANUFACTURER,
        partner=ISAO,
        actor=actor,
        incident=ref,
        now=at(141),
    )
    detail = views.detail(session, ref=ref, actor=actor, now=at(141))
    sent = sum(
        1 for n in detail.notifications if n.sent_at and (n.due_at is None or n.sent_at <= n.due_at)
    )
    return [
        f"incident {ref}: {detail.title}; reported by a hospital, assessed, contained, "
        f"eradicated, recovered, lessons learned, closed (medsec incident show {ref})",
        f"  notifications sent on time: {sent} of {len(detail.notifications)}; evidence "
        f"items: {len(detail.evidence)} with chain of custody; review actions: "
        f"{len(detail.actions)}",
        f"  STIX 2.1 bundle for {ISAO} under its sharing agreement (TLP:{made.tlp.upper()}, "
        f"redacted): {made.path}",
    ]
