"""The demo hospital's devices from a real CISA ICSMA advisory, when the shared data is present
(``MEDSEC_SHARED_DATA`` or ``../shared/data``): the advisory is imported, the hospital adds the
vendor's devices, and each is mapped after the clinical engineer confirms the suggestion, as the
asset flow does. Without the data the demo says how to do it by hand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from medsec.assets import exposure
from medsec.assets import service as inventory
from medsec.config import get_settings
from medsec.imported_csaf import service as csaf_import
from medsec.ingest.assets_table import read_csv

ADVISORY = "csaf/cisa/csaf_files/OT/white/2019/icsma-19-190-01.json"
# the hospital's CMMS names these devices its own way; the vendor's advisory names them otherwise
DEVICES = (
    ("AN-001", "GE Healthcare", "Aespire", "7900", "Operating rooms", "icu-clinical"),
    ("AN-002", "GE Healthcare", "Aespire", "7900", "Operating rooms", "icu-clinical"),
    ("AN-003", "GE Healthcare", "Carestation", "650c", "Operating rooms", "biomed-isolated"),
)
HOW_TO = (
    "no shared data found (set MEDSEC_SHARED_DATA): to add devices from a real CISA ICSMA "
    "advisory, `medsec csaf import icsma-19-190-01.json`, list the devices in a CSV for "
    "`medsec assets import`, then confirm each suggested mapping with `medsec assets map`"
)


@dataclass
class IcsmaReport:
    """What the demo did with the real advisory."""

    tracking_id: str = ""
    title: str = ""
    source: str = ""
    devices: int = 0
    mapped: list[tuple[str, str]] = field(default_factory=list)  # asset tag, what it runs
    exposed: dict[str, list[str]] = field(default_factory=dict)  # tag -> 'CVE (state)'


def find_shared_data(
    environ: Mapping[str, str] | None = None, start: Path | None = None
) -> Path | None:
    """The shared data folder: $MEDSEC_SHARED_DATA, else ../shared/data from the working
    directory or from this source tree; None when absent (fresh machines)."""
    given = get_settings().shared_data if environ is None else environ.get("MEDSEC_SHARED_DATA")
    candidates = [Path(given)] if given else []
    if start is None:
        candidates += [Path.cwd().parent / "shared" / "data"]
        candidates += [Path(__file__).resolve().parents[3].parent / "shared" / "data"]
    else:
        candidates.append(start.parent / "shared" / "data")
    return next((c for c in candidates if (c / ADVISORY).is_file()), None)


def add_devices(session: Session, shared: Path, *, actor: str) -> IcsmaReport:
    """Import the real advisory, add the vendor's devices, confirm each suggested mapping."""
    path = shared / ADVISORY
    done = csaf_import.import_csaf(
        session, data=path.read_bytes(), source=path.name, force=False, actor=actor
    )
    doc = done.document
    report = IcsmaReport(tracking_id=doc.tracking_id, title=doc.title, source=str(path))
    header = "asset_tag,manufacturer,model,software_version,department,network_segment,"
    rows = [header + "clinical_criticality"]
    rows += [",".join([*d, "critical"]) for d in DEVICES]
    result = inventory.import_assets(
        session,
        table=read_csv(("\n".join(rows) + "\n").encode(), "icsma-devices.csv"),
        skip_bad_rows=False,
        actor=actor,
    )
    report.devices = result.created
    models = {d[2] for d in DEVICES}
    for group in inventory.unmapped(session, actor=actor):
        if group.model not in models or not group.suggestions:
            continue
        best = group.suggestions[0]
        if group.model.lower() in best.label.lower():  # the clinical engineer confirms it
            inventory.confirm_mapping(session, tag=group.assets[0], target=best.target, actor=actor)
            report.mapped += [(tag, best.label) for tag in group.assets]
    return report


def fill_exposure(session: Session, report: IcsmaReport, *, actor: str) -> None:
    """Each device's vulnerabilities after the hospital's controls: open or mitigated."""
    words = {"exposed": "open", "mitigated": "mitigated by a control"}
    tags = [d[0] for d in DEVICES]
    for item in exposure.report(session, actor=actor, tags=tags).assets:
        report.exposed[item.asset_tag] = sorted(
            f"{i.vulnerability} ({words[i.state]})" for i in item.items if i.state in words
        )
