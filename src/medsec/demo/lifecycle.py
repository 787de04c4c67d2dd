"""The demo's lifecycle part (seed 6.6): release EOL/EOS, component support from lifecycle
files, the horizon, legacy status, a due third-party notice drafted in English and Japanese.

The lifecycle files are written here, in endoflife.date's format, from the upstream projects'
published dates (OpenSSL release strategy, Python devguide, Django download page, Mbed TLS LTS
policy); they are not copied from endoflife.date. The demo is shown as of ``AS_OF`` so that it
tells the same story on any day: 2.0.0 about to reach its announced end of life, 2.1.0 shipped on
2024-06-03 with OpenSSL 1.1.1 whose support had ended on 2023-09-11 (its horizon), and Python
3.9's end of support (2025-10-31) due as a customer notice.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from medsec.errors import Unavailable
from medsec.export.notice_pdf import html_to_pdf
from medsec.lifecycle import service
from medsec.lifecycle.schemas import ControlIn, ReleaseLifecycleUpdate

AS_OF = date(2025, 11, 14)
PRODUCT_FILES: dict[str, str] = {
    "openssl": """---
title: OpenSSL
identifiers:
  - purl: pkg:generic/openssl
  - cpe: cpe:2.3:a:openssl:openssl
releases:
  - releaseCycle: "3.0"
    lts: true
    releaseDate: 2021-09-07
    eol: 2026-09-07
  - releaseCycle: "1.1.1"
    lts: true
    releaseDate: 2018-09-11
    eol: 2023-09-11
---
""",
    "python": """---
title: Python
identifiers:
  - purl: pkg:generic/python
  - purl: pkg:deb/debian/python3.9
  - cpe: cpe:2.3:a:python:python
releases:
  - releaseCycle: "3.10"
    releaseDate: 2021-10-04
    eoas: 2023-04-05
    eol: 2026-10-31
  - releaseCycle: "3.9"
    releaseDate: 2020-10-05
    eoas: 2022-05-17
    eol: 2025-10-31
---
""",
    "django": """---
title: Django
identifiers:
  - purl: pkg:pypi/django
releases:
  - releaseCycle: "4.2"
    lts: true
    releaseDate: 2023-04-03
    eoas: 2023-12-04
    eol: 2026-04-30
  - releaseCycle: "3.2"
    lts: true
    releaseDate: 2021-04-06
    eoas: 2021-12-07
    eol: 2024-04-01
---
""",
    "mbed-tls": """---
title: Mbed TLS
identifiers:
  - purl: pkg:github/mbed-tls/mbedtls
releases:
  - releaseCycle: "2.28"
    lts: true
    releaseDate: 2021-12-17
    eol: 2024-12-31
  - releaseCycle: "2.16"
    lts: true
    releaseDate: 2018-12-21
    eol: 2021-12-31
---
""",
}
RELEASES = {
    "2.0.0": ReleaseLifecycleUpdate(
        eol_planned=date(2025, 12, 31),
        eol_announced=date(2025, 12, 31),
        eol_announced_on=date(2024, 12, 2),
        eos_planned=date(2026, 12, 31),
        eos_announced=date(2026, 12, 31),
        eos_announced_on=date(2024, 12, 2),
    ),
    "2.1.0": ReleaseLifecycleUpdate(
        eol_planned=date(2028, 6, 30),
        eos_planned=date(2029, 6, 30),
        patchable=False,
        controls=[
            ControlIn(
                name="Bedside gateway reachable only from the infusion VLAN (hospital firewall)",
                until=date(2026, 6, 30),
            )
        ],
    ),
}


def build(
    session: Session, *, folder: Path, product: str, actor: str, notes: list[str]
) -> list[str]:
    """Import the lifecycle files, set the releases' dates, draft the due notice; the lines to
    print."""
    lifecycle_dir = folder / "lifecycle"
    lifecycle_dir.mkdir(exist_ok=True)
    files = []
    for slug, text in PRODUCT_FILES.items():
        path = lifecycle_dir / f"{slug}.md"
        path.write_text(text, encoding="utf-8")
        files.append((str(path), path.read_bytes()))
    service.import_files(session, files=files, actor=actor)
    for version, data in RELEASES.items():
        service.set_release_lifecycle(
            session, product=product, version=version, data=data, actor=actor
        )
    lines = [f"lifecycle as of {AS_OF} (medsec lifecycle status --product '{product}' --on ...):"]
    for s in service.status(session, product=product, on=AS_OF, actor=actor):
        by = f" set by {', '.join(s.horizon_set_by)}" if s.horizon_set_by else ""
        eol = s.lifecycle.eol
        soon = f", end of life in {(eol - AS_OF).days} days" if eol and eol > AS_OF else ""
        lines.append(
            f"  {s.release}: {s.phase_words}{soon} (end of life {eol}, end of support "
            f"{s.lifecycle.eos}); horizon {s.horizon}{by}; {s.legacy.status.replace('_', ' ')}"
        )
        lines.extend(f"    warning: {w}" for w in s.warnings[:3])
    due = service.notices(session, product=product, version="2.1.0", on=AS_OF, actor=actor)
    for n in due:
        lines.append(f"  notice due for 2.1.0: {n.subject} ends {n.milestone_date} ({n.key})")
        for lang in ("en", "ja"):
            html = service.draft_notice(
                session,
                product=product,
                version="2.1.0",
                key=n.key,
                on=AS_OF,
                lang=lang,
                actor=actor,
            )
            stem = "notice-2.1.0-" + "".join(c if c.isalnum() else "-" for c in n.key)
            page = lifecycle_dir / f"{stem}-{lang}.html"
            page.write_text(html, encoding="utf-8")
            lines.append(f"    notice file: {page}")
            try:
                pdf = lifecycle_dir / f"{stem}-{lang}.pdf"
                pdf.write_bytes(html_to_pdf(html))
                lines.append(f"    notice file: {pdf}")
            except Unavailable as missing:
                notes.append(f"lifecycle notice PDF skipped: {missing}")
    svg = lifecycle_dir / "timeline.svg"
    svg.write_text(service.timeline(session, product=product, on=AS_OF, actor=actor))
    lines.append(f"  timeline: {svg}")
    return lines
