"""Build the demo workspace: the infusion pump, two releases and their SBOMs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from medsec.advisories import feedback as advisory_feedback
from medsec.advisories import service as advisory_service
from medsec.demo import advisories, data, documents, publication
from medsec.demo import assessment as demo_assessment
from medsec.demo import cvd as demo_cvd
from medsec.demo import design as demo_design
from medsec.demo import hospital as demo_hospital
from medsec.demo import incidents as demo_incidents
from medsec.demo import jobs as demo_jobs
from medsec.demo import lifecycle as demo_lifecycle
from medsec.demo import submission as demo_submission
from medsec.findings import listing
from medsec.findings import service as findings
from medsec.products import service as products
from medsec.products.schemas import NetworkInterface, ProductCreate, ReleaseCreate
from medsec.sbom import rules
from medsec.sbom import service as sboms
from medsec.vulns import service as vulns

ACTOR = "demo"


FindingLine = tuple[str | None, str | None, str, str | None, str]


@dataclass
class DemoReport:
    """What the demo made, for printing."""

    product: str
    releases: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    components: dict[str, int] = field(default_factory=dict)
    quality: dict[str, float] = field(default_factory=dict)
    diff: dict[str, int] = field(default_factory=dict)
    support_set: dict[str, int] = field(default_factory=dict)
    feeds: list[Path] = field(default_factory=list)
    findings: dict[str, list[tuple[str | None, str | None, str, str | None, str]]] = field(
        default_factory=dict
    )
    assessment: demo_assessment.AssessmentReport | None = None
    cvd_case: str | None = None
    advisory_files: list[Path] = field(default_factory=list)
    advisory: str | None = None
    design: demo_design.DesignReport | None = None
    notes: list[str] = field(default_factory=list)
    lifecycle: list[str] = field(default_factory=list)
    hospital: demo_hospital.HospitalReport | None = None
    documents: list[Path] = field(default_factory=list)


def build(session: Session, folder: Path, *, shared_data: Path | None = None) -> DemoReport:
    """Create the demo product, releases and SBOMs; write the SBOM files to folder;
    ``shared_data`` adds hospital devices from a real CISA ICSMA advisory."""
    report = DemoReport(product=data.PRODUCT)
    products.create_product(
        session,
        data=ProductCreate(
            name=data.PRODUCT, manufacturer=data.MANUFACTURER, description=data.DESCRIPTION
        ),
        actor=ACTOR,
    )
    writers = {"2.0.0": ("cdx.json", documents.cyclonedx), "2.1.0": ("spdx.json", documents.spdx)}
    for version, spec in data.RELEASES.items():
        products.create_release(
            session,
            product=data.PRODUCT,
            data=ReleaseCreate(
                version=version,
                release_date=date.fromisoformat(spec["date"]),
                use_environment="hospital",
                clinical_function=data.CLINICAL_FUNCTION,
                essential_performance=data.ESSENTIAL_PERFORMANCE,
                interfaces=[NetworkInterface(**i) for i in data.INTERFACES],
            ),
            actor=ACTOR,
        )
        suffix, write = writers[version]
        path = folder / f"infuguard-500-{version}.{suffix}"
        path.write_bytes(write(version))
        report.files.append(path)
        result = sboms.import_sbom(
            session,
            data=path.read_bytes(),
            source_name=str(path),
            product=data.PRODUCT,
            version=version,
            actor=ACTOR,
        )
        report.support_set[version] = _fill_support(session, version)
        report.releases.append(version)
        report.components[version] = result.sbom.component_count
        report.quality[version] = rules.check_quality(sboms.load_parsed(session, result.sbom)).score
    old, new = (
        sboms.load_parsed(session, sboms.get_sbom(session, product=data.PRODUCT, version=v))
        for v in report.releases
    )
    diff = rules.diff_components(old.components, new.components).to_dict()
    report.diff = {k: len(diff[k]) for k in ("added", "removed", "changed")}
    for path in advisories.write(folder):
        report.feeds.append(path)
        vulns.import_feed(session, path=path, actor=ACTOR)
    findings.match(session, actor=ACTOR)
    for version in report.releases:
        rows = listing.list_findings(session, product=data.PRODUCT, version=version)
        report.findings[version] = [
            (
                f.component.name,
                f.component.version,
                f.vulnerability.id,
                f.vulnerability.severity,
                f.matched_by[0]["identifier"],
            )
            for f in rows
        ]
    report.assessment = demo_assessment.assess(session)
    report.lifecycle = demo_lifecycle.build(
        session,
        folder=folder,
        product=data.PRODUCT,
        actor=demo_assessment.PSIRT,
        notes=report.notes,
    )
    report.cvd_case = case = demo_cvd.build_cvd_case(session, actor=demo_assessment.PSIRT)
    report.advisory_files = publication.build_advisory(
        session, home=folder, actor=demo_assessment.PSIRT, notes=report.notes
    )
    (published,) = advisory_service.list_advisories(session, product=data.PRODUCT)
    demo_cvd.disclose_case(
        session, case=case, tracking_id=published.tracking_id, actor=demo_assessment.PSIRT
    )
    report.advisory = published.tracking_id
    report.design = demo_design.build(session, folder)
    report.notes += demo_jobs.notifications_queued(session)
    report.notes += demo_incidents.build(
        session, folder=folder, actor=demo_assessment.PSIRT, tracking_id=report.advisory
    )
    report.hospital = demo_hospital.build_hospital(
        session, folder, admin=demo_assessment.PSIRT, shared_data=shared_data
    )
    message = folder / "rollout-feedback.json"
    got = advisory_feedback.import_feedback(
        session,
        tracking_id=published.tracking_id,
        data=message.read_bytes(),
        source=message.name,
        actor=demo_assessment.PSIRT,
    )
    report.notes.append(
        f"the hospital's rollout feedback ({len(got.failures)} failed installation(s) of "
        f"{got.update}) imported onto advisory {report.advisory}"
    )
    report.documents = demo_submission.build(session, folder)
    return report


def _fill_support(session: Session, version: str) -> int:
    """Set, by hand, the level of support an SBOM format could not carry (SPDX 2.3 has no field)."""
    count = 0
    stored = sboms.components(
        session, sboms.get_sbom(session, product=data.PRODUCT, version=version)
    )
    levels = {row[1]: row[7] for row in data.RELEASES[version]["rows"]}
    for comp in stored:
        if comp.support_level is None and comp.name in levels:
            level = LEVELS[levels[comp.name]]
            sboms.set_support(
                session,
                product=data.PRODUCT,
                version=version,
                component=comp.ref,
                level=level,
                end_of_support=None,
                note="from the supplier's published maintenance policy",
                actor=ACTOR,
            )
            count += 1
    return count


LEVELS = {
    "Actively maintained": "actively_maintained",
    "No longer maintained": "no_longer_maintained",
}
