"""The demo's hospital: a small installed base on three network segments, its exposure after the
manufacturer's VEX decisions, two compensating controls and one update rollout with its
validation and a failed installation reported back. (The demo is one workspace, so the hospital
reads the manufacturer's decisions directly; a separate hospital workspace imports the CSAF
advisory instead, as `tests/assets/test_assets_exposure_data.py` shows.)"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import orjson
from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.assets import exposure, operations, planning, rollouts, vendor_mds2
from medsec.assets import service as inventory
from medsec.demo import data, icsma
from medsec.demo.lifecycle import AS_OF
from medsec.ingest.assets_table import COLUMNS, read_csv
from medsec.mds2 import service as mds2

BIOMED = "biomed"  # the hospital's clinical engineer (analyst)
MANUFACTURER_ACTOR = "demo:psirt"  # the manufacturer writes its MDS2 in its own medsec
SEGMENTS = (
    ("icu-clinical", "controlled", "ICU device VLAN behind the clinical firewall"),
    ("biomed-isolated", "isolated", "closed network for devices under service"),
    ("wards-legacy", "open", "flat ward network shared with workstations"),
)
OTHER_DEVICES = (
    ("Northwind Imaging", "NW Ultrasound 7", "4.2", "Radiology", "wards-legacy", "high"),
    ("Contoso Vitals", "VitalView M3", "1.8.1", "Ward 3", "wards-legacy", "medium"),
)


@dataclass
class HospitalReport:
    """What the demo's hospital side made, for printing."""

    assets: int = 0
    mapped: int = 0
    confirmed: int = 0
    exposed: dict[str, int] = field(default_factory=dict)
    controls: list[str] = field(default_factory=list)
    rollout: str | None = None
    rollout_counts: dict[str, int] = field(default_factory=dict)
    plan: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    icsma: icsma.IcsmaReport | None = None
    icsma_hint: str | None = None
    vendor_mds2: str | None = None


def inventory_csv() -> bytes:
    """The demo hospital's inventory export (CSV, as a CMMS would write it)."""
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(COLUMNS)
    n = 0
    for version, count, model, shown_version in (
        ("2.0.0", 8, data.PRODUCT, "2.0.0"),
        ("2.0.0", 4, "InfuGuard-500", "v2.0"),  # the CMMS spells it differently
        ("2.1.0", 6, data.PRODUCT, "2.1.0"),
    ):
        for i in range(count):
            n += 1
            dept, seg = (("ICU", "icu-clinical"), ("Ward 3", "wards-legacy"))[i % 2]
            crit = "critical" if dept == "ICU" else "high"
            ip, mac = (
                f"10.20.{n // 200}.{n % 200 + 10}",
                f"00:1b:63:84:{n // 256:02x}:{n % 256:02x}",
            )
            out.writerow(
                [
                    f"PUMP-{n:03d}", data.MANUFACTURER, model, shown_version,
                    f"IG5-{version}-{i:04d}", f"Building A, {dept}", dept, seg, ip, mac, crit,
                    "Clinical Engineering", "no", "no", "2023-04-01", "4800",
                ]
            )  # fmt: skip
    for j, (maker, model, version, dept, seg, crit) in enumerate(OTHER_DEVICES * 3, start=1):
        out.writerow(
            [
                f"DEV-{j:03d}", maker, model, version, f"SN{j:05d}", f"Building B, {dept}", dept,
                seg, "", "", crit, "Clinical Engineering", "no", "no", "2021-09-15",
            ]
        )  # fmt: skip
    return buf.getvalue().encode("utf-8-sig")


def build_hospital(
    session: Session, folder: Path, *, admin: str, shared_data: Path | None = None
) -> HospitalReport:
    """Run the hospital's side of the demo; ``admin`` adds the hospital's account;
    ``shared_data`` (when present) adds devices from a real CISA ICSMA advisory."""
    report = HospitalReport()
    accounts.add(session, name=BIOMED, roles=["analyst"], products=[], actor=admin)
    actor = f"demo:{BIOMED}"
    for name, level, description in SEGMENTS:
        operations.set_segment(
            session, name=name, exposure=level, description=description, actor=actor
        )
    path = folder / "hospital-inventory.csv"
    path.write_bytes(inventory_csv())
    report.files.append(path)
    result = inventory.import_assets(
        session, table=read_csv(path.read_bytes(), str(path)), skip_bad_rows=False, actor=actor
    )
    report.assets, report.mapped = result.created, result.mapped
    for group in inventory.unmapped(session, actor=actor):
        best = group.suggestions[0] if group.suggestions else None
        if best is not None and best.score >= 90:  # the clinical engineer confirms this one
            report.confirmed += inventory.confirm_mapping(
                session, tag=group.assets[0], target=best.target, actor=actor
            )
    if shared_data is not None:
        report.icsma = icsma.add_devices(session, shared_data, actor=actor)
    else:
        report.icsma_hint = icsma.HOW_TO
    operations.set_vendor(
        session,
        manufacturer=data.MANUFACTURER,
        contact="psirt@examplemedic.example",
        psirt_url="https://examplemedic.example/security",
        response_days=5,
        patch_days=90,
        actor=actor,
    )
    operations.set_agreement(
        session,
        manufacturer=data.MANUFACTURER,
        product_line="InfuGuard infusion pumps",
        duties={
            "patches": "manufacturer",
            "segments": "hospital",
            "monitors": "shared",
            "informs_patients": "hospital",
        },
        agreed_on=date(2025, 3, 1),
        reference="service contract SC-2025-014, annex C",
        actor=actor,
    )
    first = operations.add_control(
        session,
        kind="firewall_rule",
        description="ICU device VLAN: only the drug library server may reach the pumps' "
        "TLS port; everything else dropped and logged",
        owner="Network team",
        segment="icu-clinical",
        verified_on=date(2026, 11, 2),
        expires_on=date(2027, 5, 2),
        evidence="firewall change CHG-2211, rule review 2026-11-02",
        actor=actor,
    )
    second = operations.add_control(
        session,
        kind="disabled_service",
        description="service port disabled on the ward pumps pending the 2.1.0 update",
        owner="Clinical Engineering",
        asset="PUMP-002",
        actor=actor,
    )
    report.controls = [f"{first.scope}: {first.state}", f"{second.scope}: {second.state}"]
    report.vendor_mds2 = _vendor_mds2(session, folder, actor, report)
    if report.icsma is not None:
        icsma.fill_exposure(session, report.icsma, actor=actor)
    report.exposed = _exposed(session, actor)
    _rollout(session, folder, actor, report)
    report.plan = _plan(session, actor)
    operations.add_training(
        session,
        person="A. Suzuki",
        role="clinical engineer",
        topic="infusion pump update procedure",
        completed_on=date(2026, 10, 1),
        expires_on=date(2027, 10, 1),
        actor=actor,
    )
    return report


def _plan(session: Session, actor: str) -> list[str]:
    rep = planning.plan(session, actor=actor, on=AS_OF)
    lines = [
        f"{q.quarter}: {len(q.end_of_support)} device(s) reach end of support, replacement "
        f"budget {q.budget:,.0f}"
        + (f" ({q.missing_costs} without a cost)" if q.missing_costs else "")
        for q in rep.quarters
        if q.end_of_support
    ]
    statuses = [x.status for x in rep.legacy]
    lines.append(
        f"as of {AS_OF}: {statuses.count('legacy')} legacy device(s), "
        f"{statuses.count('at_risk')} at risk (components past support, protected only while "
        "a compensating control is in force)"
    )
    return lines


def _exposed(session: Session, actor: str) -> dict[str, int]:
    rep = exposure.report(session, actor=actor)
    counts: dict[str, int] = {}
    for e in rep.assets:
        key = e.worst or "nothing exposed"
        counts[key] = counts.get(key, 0) + 1
    counts["not mapped"] = len(rep.unmapped)
    return counts


def _rollout(session: Session, folder: Path, actor: str, report: HospitalReport) -> None:
    name = "InfuGuard 2.1.0 ICU"
    plan = rollouts.plan(
        session,
        name=name,
        update_name=f"{data.PRODUCT} 2.1.0",
        method="service_visit",
        target_version="2.1.0",
        department="ICU",
        model=data.PRODUCT,
        actor=actor,
    )
    tags = [i.asset_tag for i in plan.items]
    rollouts.validate(
        session,
        name=name,
        result="passed",
        summary="infusion programs, drug library sync and alarms re-tested on the bench pump",
        performed_on=date(2026, 11, 20),
        tags=tags[:1],
        actor=actor,
    )
    for tag in tags[:1]:
        rollouts.move(session, name=name, tag=tag, status="installed", actor=actor)
    for tag in tags[1:2]:
        rollouts.move(session, name=name, tag=tag, status="validated", actor=actor)
        rollouts.move(
            session,
            name=name,
            tag=tag,
            status="failed",
            note="update stopped at 60 %; pump restored 2.0.0 by itself",
            actor=actor,
        )
    message = rollouts.feedback(session, name=name, actor=actor)
    path = folder / "rollout-feedback.json"
    path.write_bytes(orjson.dumps(message, option=orjson.OPT_INDENT_2))
    report.files.append(path)
    report.rollout = name
    report.rollout_counts = rollouts.show(session, name=name, actor=actor).counts


def _vendor_mds2(session: Session, folder: Path, actor: str, report: HospitalReport) -> str:
    """The manufacturer's MDS2 for 2.1.0 (written by its medsec), filed by the hospital; and
    the Japanese MDS/SDS sheet beside it."""
    path = folder / "infuguard-500-2.1.0-mds2.xlsx"
    mds2.export_file(
        session, product=data.PRODUCT, release="2.1.0", out=path, actor=MANUFACTURER_ACTOR
    )
    report.files.append(path)
    sheet = folder / "infuguard-500-2.1.0-mds-sds-ja.xlsx"  # Japan's counterpart, where known
    mds2.jahis_export(
        session, product=data.PRODUCT, release="2.1.0", out=sheet, actor=MANUFACTURER_ACTOR,
        lang="ja", mds2_file=path.name,
    )  # fmt: skip
    report.files.append(sheet)
    filed = vendor_mds2.file_statement(
        session,
        data=path.read_bytes(),
        source=path.name,
        product=data.PRODUCT,
        release="2.1.0",
        actor=actor,
    )
    return (
        f"{path.name} filed against {filed.product} {filed.release}: "
        f"{len(filed.answers)} answer(s) from the manufacturer's records"
    )
