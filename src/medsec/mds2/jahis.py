"""The Japanese MDS/SDS (JAHIS/JIRA 「製造業者/サービス事業者による医療情報セキュリティ開示書」,
Ver. 5.0, JAHIS standard 24-005; STANDARDS.md §9.7 [J14]) where its items are known.

medsec's references name the standard but not its item list, so this sheet does not reproduce
or guess the form's items or numbering. It gives the facts §9.7 says a Japanese hospital keeps
per device and asks its vendors for (version, SBOM, MDS2 or MDS/SDS, EOL/EOS, remote
maintenance, contact; and the FY2024 checklist topics), sourced from medsec's records, and a
second sheet saying what is not covered and why. Labels come from the ``mds2`` catalog."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from medsec.core.updates import UPDATE_METHODS
from medsec.mds2.rules import Answer, Facts

BASIS_DEVICE = "MHLW hospital checklist: device ledger and MDS/SDS per vendor"
BASIS_CHECKLIST = "MHLW hospital checklist, FY2024 additions"
BASIS_CONTACT = "MHLW guideline 6.0: list of vendors and incident contacts"
TITLE = "JAHIS MDS/SDS items medsec can source: %(product)s %(release)s"
METHOD_TITLES = {m.value: info.title for m, info in UPDATE_METHODS.items()}  # seed Table 2


@dataclass(frozen=True, slots=True)
class Item:
    """One line: what it is, the value from the records (blank: to answer), source, basis."""

    key: str
    label: str
    value: str
    source: str
    basis: str


def _yes(answers: dict[str, Answer], qid: str) -> Answer | None:
    a = answers.get(qid)
    return a if a is not None and a.answer == "Yes" else None


def items(
    facts: Facts, answers: dict[str, Answer], mds2_file: str | None, _: Callable[[str], str]
) -> list[Item]:
    """The sheet's lines in order, each with its value from the records or blank."""
    out: list[Item] = []

    def add(key: str, label: str, value: str, source: str, basis: str) -> None:
        out.append(Item(key, label, value, source, _(basis)))

    add(
        "manufacturer",
        _("Manufacturer (marketing authorisation holder)"),
        facts.manufacturer,
        _("product record"),
        BASIS_DEVICE,
    )
    add("model", _("Product"), facts.product, _("product record"), BASIS_DEVICE)
    add("version", _("Software version"), facts.release, _("release record"), BASIS_DEVICE)
    sbom = facts.sbom
    add(
        "sbom",
        _("Software bill of materials (SBOM)"),
        _("available: %(format)s, %(count)s components")
        % {"format": sbom.format, "count": sbom.components}
        if sbom
        else "",
        _("SBOM of the release") if sbom else "",
        BASIS_DEVICE,
    )
    answered = len(answers)
    add(
        "mds2",
        "MDS2 (ANSI/NEMA HN 1-2019)",
        (
            _("%(file)s: %(count)s questions answered from the records")
            % {"file": mds2_file, "count": answered}
        )
        if mds2_file
        else "",
        _("written by medsec") if mds2_file else "",
        BASIS_DEVICE,
    )
    add(
        "eol",
        _("End of life (EOL)"),
        facts.eol.isoformat() if facts.eol else "",
        _("lifecycle record of the release") if facts.eol else "",
        BASIS_DEVICE,
    )
    add(
        "eos",
        _("End of support (EOS)"),
        facts.eos.isoformat() if facts.eos else "",
        _("lifecycle record of the release") if facts.eos else "",
        BASIS_DEVICE,
    )
    add("remote_maintenance", _("Remote maintenance"), "", "", BASIS_DEVICE)
    add("contact", _("Security contact of the manufacturer"), "", "", BASIS_CONTACT)
    add(
        "cvd",
        _("Coordinated vulnerability disclosure (CVD)"),
        _("yes: reports are acknowledged within the period of the CVD policy")
        if facts.cvd_note
        else "",
        _("CVD policy in force in medsec") if facts.cvd_note else "",
        BASIS_CONTACT,
    )
    add(
        "patching",
        _("Security updates (patching): how updates reach the device"),
        ", ".join(_(METHOD_TITLES.get(m, m)) for m in facts.update_methods),
        _("updates recorded in medsec") if facts.update_methods else "",
        BASIS_CHECKLIST,
    )
    off = [f"{i.element}: {i.name}" for i in facts.interfaces if not i.enabled]
    add(
        "disabled_services",
        _("Unneeded services and interfaces disabled"),
        "; ".join(off),
        _("system model of the release") if off else "",
        BASIS_CHECKLIST,
    )
    rbac = _yes(answers, "AUTH-2")
    add(
        "role_based_access",
        _("Role-based access control"),
        rbac.note.removeprefix("design control(s): ") if rbac else "",
        _("verified design control") if rbac else "",
        BASIS_CHECKLIST,
    )
    add("unused_accounts", _("Unused accounts removed"), "", "", BASIS_CHECKLIST)
    add("backup_restore", _("Backup with a restore procedure"), "", "", BASIS_CHECKLIST)
    diagram = _yes(answers, "DOC-10")
    add(
        "diagram",
        _("Network and system diagram"),
        _("available (drawn from the system model)") if diagram else "",
        _("system model of the release") if diagram else "",
        BASIS_CHECKLIST,
    )
    return out


def not_covered(_: Callable[[str], str]) -> list[tuple[str, str]]:
    """What this sheet does not cover, and why."""
    return [
        (
            _("The items and numbering of the JAHIS MDS/SDS form (Ver. 5.0)"),
            _(
                "medsec's references name the standard (JAHIS 24-005) but not its item list; "
                "medsec does not reproduce or guess it. Fill in the official form with this "
                "sheet and the MDS2 beside it."
            ),
        ),
        (
            _("Service provider (SDS) part"),
            _("medsec holds the manufacturer's records, not a service provider's operation."),
        ),
        (
            _("Blank lines above"),
            _("medsec holds no record of them: the manufacturer answers them."),
        ),
    ]


def write_xlsx(
    title: str, lines: list[Item], gaps: list[tuple[str, str]], _: Callable[[str], str]
) -> bytes:
    """The sheet "MDS-SDS" with the lines and "Not covered" with the gaps."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "MDS-SDS"
    ws.cell(row=1, column=1, value=title).font = Font(bold=True)
    heads = (_("Item"), _("From medsec's records"), _("Source"), _("Why this item"))
    for col, head in enumerate(heads, start=1):
        ws.cell(row=3, column=col, value=head).font = Font(bold=True)
    for row, it in enumerate(lines, start=4):
        for col, value in enumerate((it.label, it.value, it.source, it.basis), start=1):
            cell = ws.cell(row=row, column=col, value=value)
            if value.startswith("="):
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (40, 60, 30, 45), strict=True):
        ws.column_dimensions[letter].width = width
    gap = wb.create_sheet("Not covered")
    for col, head in enumerate((_("Not covered"), _("Why")), start=1):
        gap.cell(row=1, column=col, value=head).font = Font(bold=True)
    for row, (what, why) in enumerate(gaps, start=2):
        gap.cell(row=row, column=1, value=what)
        gap.cell(row=row, column=2, value=why).alignment = Alignment(wrap_text=True)
    gap.column_dimensions["A"].width = 45
    gap.column_dimensions["B"].width = 90
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
