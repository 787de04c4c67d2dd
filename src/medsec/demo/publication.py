"""The demo's advisory: the pump's decided vulnerabilities, published final, with its CSAF,
CycloneDX VEX, OpenVEX, customer notice (HTML and PDF, English and Japanese) and the provider
directory.

Publishing refuses the placeholder namespace (``psirt.example.com``) and an advisory without a
note on patient care written by a person, so the demo sets both explicitly: its PSIRT address
``https://psirt.example-medical.test`` is made up for the demo (``.test`` is a reserved top-level
domain, RFC 6761: it resolves nowhere and belongs to no one), and its note is the one below.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from medsec.advisories import distribution, publish, service
from medsec.demo import data
from medsec.errors import Unavailable
from medsec.export.notice_pdf import html_to_pdf

REVIEWER = "demo:reviewer"
BASE_URL = "https://psirt.example-medical.test"  # made up for the demo (see the docstring)
CLINICIAN_NOTE = (
    "The InfuGuard 500 keeps infusing as programmed: the affected part is the network gateway "
    "that sends alarms to the central station. Until field service installs release 2.1.0, keep "
    "the pumps on the clinical network only and watch the local pump alarm, which works without "
    "the network."
)


def build_advisory(
    session: Session,
    *,
    home: Path,
    actor: str,
    reviewer: str = REVIEWER,
    notes: list[str] | None = None,
) -> list[Path]:
    """Create and publish the demo advisory and write its documents under home/advisories.

    Where this machine cannot make a PDF (WeasyPrint's system libraries are missing), the PDF
    notice is left out and the reason appended to ``notes``.
    """
    adv = service.create(
        session,
        product=data.PRODUCT,
        title=f"{data.PRODUCT}: OpenSSL, Mbed TLS and web portal vulnerabilities",
        actor=actor,
        vulnerabilities=service.decided_vulnerabilities(session, product=data.PRODUCT),
        clinician_note=CLINICIAN_NOTE,
        namespace=BASE_URL,
    )
    publish.publish(
        session, tracking_id=adv.tracking_id, summary="Initial public release.", actor=reviewer
    )
    folder = home / "advisories"
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in publish.FORMATS:
        name, content = publish.document(session, tracking_id=adv.tracking_id, fmt=fmt)
        (folder / name).write_bytes(content)
        written.append(folder / name)
    stem = written[0].name.removesuffix(".json")
    for lang, suffix in (("en", ""), ("ja", "-ja")):
        html = distribution.notice_html(session, tracking_id=adv.tracking_id, lang=lang)
        (folder / f"{stem}-notice{suffix}.html").write_text(html, encoding="utf-8")
        written.append(folder / f"{stem}-notice{suffix}.html")
        try:
            (folder / f"{stem}-notice{suffix}.pdf").write_bytes(html_to_pdf(html))
            written.append(folder / f"{stem}-notice{suffix}.pdf")
        except Unavailable as missing:  # the demo still shows everything else
            if notes is not None:
                notes.append(f"notice PDF skipped: {missing}")
    files = distribution.directory(session, base_url=BASE_URL)
    for rel, content in sorted(files.items()):
        path = folder / "provider" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    written.append(folder / "provider" / ".well-known" / "csaf" / "provider-metadata.json")
    return written
