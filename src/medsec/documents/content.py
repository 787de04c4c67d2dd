"""Facts -> the sections of each document kind, in one language. Every heading and sentence goes
through the ``documents`` gettext catalog; values from the records are never translated. A fact
the records do not hold and a person must write becomes a "to complete" block, never a guess."""

from __future__ import annotations

import hashlib
import re
import shlex
from collections.abc import Callable, Iterable
from datetime import date, datetime

from medsec.core.clock import utcnow
from medsec.core.i18n import gettext_for
from medsec.core.updates import UPDATE_METHODS, UpdateMethod
from medsec.documents.schemas import Block, DocumentContent, Facts, SectionContent
from medsec.documents.sections import SECTIONS, SUBMISSION_KINDS, Section

Builder = Callable[["Ctx"], list[Block]]


def N_(text: str) -> str:
    """Mark a message for the catalog; it is translated where it is shown."""
    return text


KIND_TITLES = {
    "design": "Cybersecurity design documentation",
    "risk": "Cybersecurity risk management report",
    "test": "Cybersecurity test report",
    "tplc": "TPLC cybersecurity management plan",
    "labeling": "Cybersecurity labeling",
    "customer": "Customer security documentation",
    "submission": "Cybersecurity documentation for regulatory submission",
}
SBOM_EXPORT = "medsec sbom export --product {p} --release {v} --format cyclonedx-json"


class Ctx:
    """The facts and the language of one document being built."""

    def __init__(self, facts: Facts, lang: str) -> None:
        self.f = facts
        self.lang = lang
        self._ = gettext_for(lang, "documents")
        self.to_complete: list[str] = []
        self.section = ""
        self.section_id = ""

    def missing(self, what: str) -> Block:
        """A fact a person must write: said plainly in place and listed at the top."""
        text = self._("Missing from the records, to be written by a person: %(what)s") % {
            "what": what
        }
        self.to_complete.append(f"{self.section}: {what}")
        return Block(kind="missing", text=text)

    def yes_no(self, value: bool) -> str:
        """Yes or no in the document's language."""
        return self._("yes") if value else self._("no")

    def day(self, value: date | datetime | None) -> str:
        """A date (or moment) as the language writes it; "not set" when absent."""
        if value is None:
            return self._("not set")
        d = value.date() if isinstance(value, datetime) else value
        return f"{d.year}年{d.month}月{d.day}日" if self.lang == "ja" else d.isoformat()


WORDS = {
    "very_low": N_("very low"),
    "low": N_("low"),
    "medium": N_("medium"),
    "high": N_("high"),
    "very_high": N_("very high"),
    "negligible": N_("negligible"),
    "minor": N_("minor"),
    "serious": N_("serious"),
    "critical": N_("critical"),
    "catastrophic": N_("catastrophic"),
    "open": N_("open"),
    "mitigated": N_("mitigated"),
    "accepted": N_("accepted"),
    "transferred": N_("transferred"),
    "verified": N_("verified"),
    "unverified": N_("not verified yet"),
    "failing": N_("failing"),
    "threat-without-control": N_("no control"),
    "control-without-evidence": N_("control not tested"),
    "failing-evidence": N_("control failed its test"),
    "risk-not-accepted": N_("risk not accepted"),
    "component-vulnerability-search": N_("Component vulnerability search"),
    "static-analysis": N_("Static code analysis"),
    "robustness-fuzz": N_("Robustness and fuzz testing"),
    "penetration-test": N_("Penetration testing"),
    "variation-analysis": N_("Variation analysis"),
    "security-test": N_("Security tests"),
    "hospital": N_("hospital"),
    "home": N_("home"),
    "remote": N_("Remote update"),
    "user_managed": N_("User-managed"),
    "service_visit": N_("Service visit"),
    "network-port": N_("network port"),
    "wireless": N_("wireless"),
    "bluetooth": N_("Bluetooth"),
    "usb": N_("USB"),
    "serial": N_("serial"),
    "service-port": N_("service port"),
    "other": N_("other"),
    "inbound": N_("inbound"),
    "outbound": N_("outbound"),
    "both": N_("both ways"),
}


def word(c: Ctx, code: str | None) -> str:
    """A record's code (risk level, status, test kind...) as words of the document's language."""
    if not code:
        return ""
    known = WORDS.get(code)
    return c._(known) if known else code.replace("_", " ")


def _t(text: str) -> Block:
    return Block(kind="text", text=text)


def _table(headers: list[str], rows: Iterable[Iterable[object]]) -> Block:
    return Block(
        kind="table", headers=headers, rows=[["" if c is None else str(c) for c in r] for r in rows]
    )


def _written(c: Ctx, value: str | None, what: str) -> list[Block]:
    return [_t(value)] if value else [c.missing(what)]


# --- design (5.6.1) ---------------------------------------------------------------------------


def design_device(c: Ctx) -> list[Block]:
    r = c.f.release
    _ = c._
    rows = [
        (_("Manufacturer"), c.f.manufacturer),
        (_("Product"), c.f.product),
        (_("Release"), r.version),
        (_("Release date"), c.day(r.release_date)),
        (_("Intended use environment"), word(c, r.use_environment)),
    ]
    out = [_table([_("Item"), _("Value")], rows)]
    out += _written(c, r.clinical_function, _("the clinical function of the release"))
    if r.essential_performance:
        out.append(_t(_("Essential performance: %(text)s") % {"text": r.essential_performance}))
    else:
        out.append(c.missing(_("the essential performance of the release")))
    return out


def _diagram(c: Ctx) -> list[Block]:
    if c.f.diagram:
        digest = hashlib.sha256(c.f.diagram.encode()).hexdigest()[:16]
        # the same diagram may appear twice in a submission: ids made unique per section
        prefix = re.sub(r"[^A-Za-z0-9_-]", "-", c.section_id)
        svg = re.sub(r'\bid="', f'id="{prefix}-', c.f.diagram)
        return [Block(kind="svg", svg=svg, text=digest)]
    if c.f.model is None:
        return [c.missing(c._("the system model and its diagram (medsec model import)"))]
    return [c.missing(c._("the system diagram (Graphviz was not available)"))]


def design_system_model(c: Ctx) -> list[Block]:
    _ = c._
    m = c.f.model
    if m is None:
        return _diagram(c)
    out = _diagram(c)
    out.append(
        _table(
            [_("Element"), _("Type"), _("Name"), _("Trust boundary")],
            ((e.id, e.type, e.name, e.boundary or "") for e in m.elements),
        )
    )
    out.append(
        _table(
            [_("Data flow"), _("From"), _("To"), _("Protocol and port"), _("Data classification")],
            (
                (fl.name, fl.source, fl.target, _proto(fl.protocol, fl.port), fl.classification)
                for fl in m.flows
            ),
        )
    )
    return out


def _proto(protocol: str | None, port: int | None) -> str:
    return " ".join(x for x in (protocol or "", str(port) if port is not None else "") if x)


def _interfaces(c: Ctx, *, customer: bool) -> list[Block]:
    _ = c._
    rows = []
    m = c.f.model
    for e in m.elements if m else ():
        for i in e.interfaces:
            reason = i.reason or ""
            if not i.enabled and not i.reason:
                reason = ""
                c.to_complete.append(
                    f"{c.section}: "
                    + _("why the interface %(name)s is disabled") % {"name": i.name}
                )
            rows.append(
                (
                    e.name,
                    i.name,
                    word(c, i.kind),
                    _proto(i.protocol, i.port),
                    c.yes_no(i.enabled),
                    reason,
                )
            )
    heads = [_("Element"), _("Interface"), _("Kind"), _("Protocol and port"), _("Enabled")]
    heads.append(_("Why disabled") if not customer else _("Note"))
    out: list[Block] = []
    if rows:
        out.append(_table(heads, rows))
    net = c.f.release.interfaces or []
    if net:
        out.append(
            _table(
                [_("Network interface"), _("Protocol"), _("Port"), _("Direction"), _("Purpose")],
                (
                    (
                        i.get("name"),
                        i.get("protocol"),
                        i.get("port"),
                        word(c, i.get("direction")),
                        i.get("purpose"),
                    )
                    for i in net
                ),
            )
        )
    if customer and out:
        out.append(
            _t(
                _(
                    "Disable every port and interface your use of the device does not need; "
                    "the interfaces shown as disabled are disabled when the device is shipped."
                )
            )
        )
    if not out:
        out.append(c.missing(_("the device's ports and interfaces")))
    return out


def design_interfaces(c: Ctx) -> list[Block]:
    return _interfaces(c, customer=False)


def design_controls(c: Ctx) -> list[Block]:
    _ = c._
    if not c.f.controls:
        return [c.missing(_("the security controls of the product"))]
    rows = []
    for k in c.f.controls:
        if not k.rationale:
            c.to_complete.append(
                f"{c.section}: " + _("the rationale of control %(key)s") % {"key": k.key}
            )
        rows.append(
            (k.key, k.name, ", ".join(k.principles), k.rationale or "—", word(c, k.verification))
        )
    return [_table([_("Control"), _("Name"), _("Principles"), _("Rationale"), _("Verified")], rows)]


# --- risk (5.6.2) -----------------------------------------------------------------------------


def risk_threat_model(c: Ctx) -> list[Block]:
    _ = c._
    mx = c.f.matrix
    if mx is None or not mx.rows:
        return [c.missing(_("the threat model (medsec threats generate)"))]
    return [
        _t(mx.what_are_we_building),
        _table(
            [_("Threat"), _("Title"), _("Category"), _("Target"), _("Status")],
            (
                (r.threat, r.title, r.category_name, r.target_id or "", word(c, r.status))
                for r in mx.rows
            ),
        ),
    ]


def risk_risks(c: Ctx) -> list[Block]:
    _ = c._
    mx = c.f.matrix
    rows = [r for r in (mx.rows if mx else []) if r.risk is not None]
    if not rows:
        return [c.missing(_("the risk estimation of each threat (medsec threats risk)"))]
    out = [
        _table(
            [
                _("Threat"),
                _("Hazardous situation"),
                _("Harm"),
                _("Before controls"),
                _("After controls"),
                _("Acceptable"),
            ],
            (
                (
                    r.threat,
                    r.risk.hazardous_situation,
                    r.risk.harm,
                    word(c, r.risk.risk_before),
                    word(c, r.risk.residual),
                    c.yes_no(r.risk.acceptable),
                )
                for r in rows
                if r.risk is not None
            ),
        )
    ]
    for title, attr in (
        (_("Threats by risk before controls"), "risk_before"),
        (_("Threats by residual risk"), "residual"),
    ):
        counts: dict[str, int] = {}
        for r in rows:
            level = getattr(r.risk, attr)
            counts[word(c, level)] = counts.get(word(c, level), 0) + 1
        out.append(Block(kind="chart", text=title, rows=[[k, str(n)] for k, n in counts.items()]))
    unassessed = [r.threat for r in (mx.rows if mx else []) if r.risk is None]
    if unassessed:
        out.append(c.missing(_("the risk of threats %(keys)s") % {"keys": ", ".join(unassessed)}))
    return out


def risk_safety_effects(c: Ctx) -> list[Block]:
    _ = c._
    if not c.f.controls:
        return [c.missing(_("the effects of the security controls on safety"))]
    rows = []
    for k in c.f.controls:
        if not k.side_effects:
            c.to_complete.append(
                f"{c.section}: "
                + _("the effect of control %(key)s on safety and essential performance")
                % {"key": k.key}
            )
        rows.append((k.key, k.name, k.side_effects or "—"))
    return [_table([_("Control"), _("Name"), _("Effect on safety and performance")], rows)]


def risk_acceptance(c: Ctx) -> list[Block]:
    _ = c._
    mx = c.f.matrix
    rows = [r for r in (mx.rows if mx else []) if r.risk is not None]
    if not rows:
        return [c.missing(_("the residual risk acceptance"))]
    table = []
    for r in rows:
        assert r.risk is not None
        if r.risk.accepted_by:
            table.append(
                (
                    r.threat,
                    word(c, r.risk.residual),
                    r.risk.accepted_by,
                    c.day(r.risk.accepted_at),
                    r.risk.rationale or "",
                )
            )
        else:
            table.append((r.threat, word(c, r.risk.residual), _("not accepted yet"), "", ""))
            c.to_complete.append(
                f"{c.section}: "
                + _("the acceptance of the residual risk of %(key)s") % {"key": r.threat}
            )
    return [
        _table([_("Threat"), _("Residual risk"), _("Accepted by"), _("On"), _("Rationale")], table)
    ]


# --- test (5.6.3) -----------------------------------------------------------------------------


def test_evidence(c: Ctx) -> list[Block]:
    _ = c._
    out: list[Block] = []
    if c.f.imports:
        out.append(
            _table(
                [_("Test kind"), _("Source"), _("Tools"), _("Results"), _("Imported by"), _("On")],
                (
                    (
                        word(c, i.test_kind),
                        i.source_name,
                        ", ".join(i.tools),
                        ", ".join(f"{k}: {v}" for k, v in sorted(i.counts.items())),
                        i.imported_by,
                        c.day(i.imported_at),
                    )
                    for i in sorted(c.f.imports, key=lambda i: (i.test_kind, i.id))
                ),
            )
        )
    kinds = c.f.coverage.kinds
    out.append(
        _table(
            [_("Test kind"), _("Evidence")],
            ((word(c, k), c.yes_no(v)) for k, v in sorted(kinds.items())),
        )
    )
    absent = [k for k, v in sorted(kinds.items()) if not v]
    if absent:
        out.append(
            c.missing(
                _("test evidence of: %(kinds)s") % {"kinds": ", ".join(word(c, k) for k in absent)}
            )
        )
    return out


def test_traceability(c: Ctx) -> list[Block]:
    _ = c._
    mx = c.f.matrix
    if mx is None or not mx.rows:
        return [c.missing(_("the traceability matrix (threats, controls and their tests)"))]
    rows = []
    for r in mx.rows:
        ctl = "; ".join(f"{k.key} ({word(c, k.verification)})" for k in r.controls) or "—"
        res = "; ".join(f"{x.name}: {x.outcome}" for k in r.controls for x in k.results) or "—"
        rows.append(
            (
                r.threat,
                word(c, r.risk.residual) if r.risk else "—",
                ctl,
                res,
                ", ".join(word(c, g) for g in r.gaps),
            )
        )
    return [
        _table([_("Threat"), _("Residual risk"), _("Controls"), _("Test results"), _("Gaps")], rows)
    ]


def test_vuln_xref(c: Ctx) -> list[Block]:
    _ = c._
    if not c.f.components:
        return [c.missing(_("the SBOM of the release (medsec sbom import)"))]
    feeds = c.f.feeds
    if not feeds:
        out = [c.missing(_("a vulnerability database import (medsec vuln import or feed-sync)"))]
    else:
        out = [
            _table(
                [_("Database"), _("Source"), _("Records"), _("Imported on")],
                (
                    (k.upper(), f.source_name, f.records, c.day(f.imported_at))
                    for k, f in sorted(feeds.items())
                ),
            )
        ]
    out.append(_t(_("Components last matched on %(day)s.") % {"day": c.day(c.f.matched_at)}))
    rows = []
    for comp in c.f.components:
        dbs = []
        if comp["purl"]:
            dbs.append("OSV")
        if comp["cpe"]:
            dbs.append("NVD")
        if dbs and "kev" in feeds:
            dbs.append("KEV")
        rows.append(
            (
                comp["name"],
                comp["version"],
                comp["purl"] or comp["cpe"] or "—",
                ", ".join(dbs) or _("no identifier to match"),
                ", ".join(comp["findings"]) or "—",
            )
        )
    out.append(
        _table(
            [
                _("Component"),
                _("Version"),
                _("Identifier"),
                _("Databases"),
                _("Open vulnerabilities"),
            ],
            rows,
        )
    )
    return out


def test_references(c: Ctx) -> list[Block]:
    return [c.missing(c._("the standards and internal procedures the tests followed"))]


# --- tplc (5.4, 5.6.4) ------------------------------------------------------------------------


def _every(c: Ctx, seconds: int | None) -> str:
    _ = c._
    if seconds is None:
        return _("when imported")
    if seconds % 86400 == 0:
        return _("every %(n)s day(s)") % {"n": seconds // 86400}
    if seconds % 3600 == 0:
        return _("every %(n)s hour(s)") % {"n": seconds // 3600}
    return _("every %(n)s minute(s)") % {"n": max(1, seconds // 60)}


def tplc_monitoring(c: Ctx) -> list[Block]:
    _ = c._
    p = c.f.plan
    out = [
        _table(
            [_("Source or job"), _("What"), _("How often"), _("Last run")],
            (
                (m.name, m.title, _every(c, m.every_seconds), c.day(m.last_run))
                for m in p.monitoring
            ),
        )
    ]
    return out + _written(
        c, p.content.monitoring_review, _("how new findings are reviewed, by whom")
    )


def tplc_disclosure(c: Ctx) -> list[Block]:
    _ = c._
    p = c.f.plan
    d = p.cvd_deadlines
    labels = {
        "acknowledge_business_days": _("Acknowledge a report (business days)"),
        "triage_business_days": _("Triage (business days)"),
        "uncontrolled_communicate_days": _("Communicate an uncontrolled risk (days)"),
        "uncontrolled_remediate_days": _("Remediate an uncontrolled risk (days)"),
        "controlled_remediate_days": _("Remediate a controlled risk (days)"),
        "disclosure_days": _("Disclose (days)"),
    }
    out = [
        _table(
            [_("Deadline"), _("Value")],
            ((labels[k], v if v is not None else _("regular update cycle")) for k, v in d.items()),
        ),
        _t(_("Deadline policy in force: %(source)s") % {"source": p.cvd_policy_source}),
    ]
    out += _written(
        c, p.content.disclosure_policy_url, _("the address of the published CVD policy")
    )
    out += _written(c, p.content.disclosure_contact, _("the contact for vulnerability reports"))
    return out


def tplc_updates(c: Ctx) -> list[Block]:
    _ = c._
    p = c.f.plan
    out = _written(c, p.content.update_cadence, _("the regular update cadence"))
    if p.content.update_methods:
        out.append(
            _table(
                [_("Update method"), _("User's responsibility")],
                (_method(c, m) for m in p.content.update_methods),
            )
        )
    else:
        out.append(c.missing(_("the update methods (seed Table 2)")))
    out += _written(c, p.content.update_validation, _("how updates are validated"))
    if p.updates:
        out.append(
            _table(
                [_("Update"), _("Method"), _("Planned"), _("Oversight")],
                (
                    (u["name"], word(c, u["method"]), u["planned"] or "", u["oversight"])
                    for u in p.updates
                ),
            )
        )
    return out


def _method(c: Ctx, m: UpdateMethod) -> tuple[str, str]:
    info = UPDATE_METHODS[m]
    return c._(info.title), c._(info.user_responsibility)


def tplc_recovery(c: Ctx) -> list[Block]:
    return _written(c, c.f.plan.content.recovery_plan, c._("the recovery plan"))


def tplc_sharing(c: Ctx) -> list[Block]:
    _ = c._
    isaos = c.f.plan.content.isao_memberships
    if not isaos:
        return [c.missing(_("the ISAO or ISAC memberships"))]
    return [_table([_("ISAO or ISAC")], ((x,) for x in isaos))]


def _eos_table(c: Ctx, rows: list[dict[str, str | None]]) -> Block:
    _ = c._
    return _table(
        [_("Release"), _("End of life"), _("End of support")],
        ((r["release"], r["eol"] or _("not set"), r["eos"] or _("not set")) for r in rows),
    )


def tplc_end_of_support(c: Ctx) -> list[Block]:
    p = c.f.plan
    out = _written(c, p.content.end_of_support_policy, c._("the end-of-support policy"))
    if p.end_of_support:
        out.append(_eos_table(c, p.end_of_support))
    return out


# --- labeling (5.5.1, 5.6.5) and customer documentation (5.5.2) -------------------------------


def recommended_controls(c: Ctx) -> list[Block]:
    _ = c._
    out = [
        _t(_("Intended use environment: %(env)s") % {"env": word(c, c.f.release.use_environment)})
    ]
    return out + _written(
        c,
        c.f.plan.content.recommended_controls,
        _("the security controls recommended for the use environment"),
    )


def backup_restore(c: Ctx) -> list[Block]:
    return _written(c, c.f.plan.content.backup_restore, c._("backup and restore"))


def ports_interfaces(c: Ctx) -> list[Block]:
    return _interfaces(c, customer=True)


def system_diagram(c: Ctx) -> list[Block]:
    return _diagram(c)


def _plan_text(field: str, what: str) -> Builder:
    def build(c: Ctx) -> list[Block]:
        return _written(c, getattr(c.f.plan.content, field), c._(what))

    return build


def customer_update_procedure(c: Ctx) -> list[Block]:
    _ = c._
    p = c.f.plan.content
    out = _written(c, p.update_procedure, _("the update procedure for authorized users"))
    if p.update_methods:
        out.append(
            _table(
                [_("Update method"), _("User's responsibility")],
                (_method(c, m) for m in p.update_methods),
            )
        )
    return out


def customer_end_of_support(c: Ctx) -> list[Block]:
    _ = c._
    s = c.f.status
    out: list[Block] = []
    if s is not None:
        out.append(
            _table(
                [_("Release"), _("End of life"), _("End of support")],
                [(s.release, c.day(s.lifecycle.eol), c.day(s.lifecycle.eos))],
            )
        )
        if s.lifecycle.eos is None:
            out.append(c.missing(_("the end-of-support date of the release")))
    return out + _written(c, c.f.plan.content.end_of_support_policy, _("the end-of-support policy"))


def customer_sbom(c: Ctx) -> list[Block]:
    _ = c._
    if c.f.sbom_revision is None:
        return [c.missing(_("the SBOM of the release (medsec sbom import)"))]
    cmd = SBOM_EXPORT.format(p=shlex.quote(c.f.product), v=shlex.quote(c.f.release.version))
    return [
        _t(
            _(
                "The software bill of materials lists %(n)s components (SBOM revision "
                "%(revision)s). It is delivered as CycloneDX 1.6 JSON only to signed-in accounts "
                "with access to this product, and every download is recorded in the audit log."
            )
            % {"n": len(c.f.components), "revision": c.f.sbom_revision}
        ),
        _t(_("To obtain it: %(command)s") % {"command": cmd}),
    ]


BUILDERS: dict[str, Builder] = {
    "design.device": design_device,
    "design.system_model": design_system_model,
    "design.interfaces": design_interfaces,
    "design.controls": design_controls,
    "risk.threat_model": risk_threat_model,
    "risk.risks": risk_risks,
    "risk.safety_effects": risk_safety_effects,
    "risk.acceptance": risk_acceptance,
    "test.evidence": test_evidence,
    "test.traceability": test_traceability,
    "test.vuln_xref": test_vuln_xref,
    "test.references": test_references,
    "tplc.monitoring": tplc_monitoring,
    "tplc.disclosure": tplc_disclosure,
    "tplc.updates": tplc_updates,
    "tplc.recovery": tplc_recovery,
    "tplc.sharing": tplc_sharing,
    "tplc.end_of_support": tplc_end_of_support,
    "labeling.recommended_controls": recommended_controls,
    "labeling.backup_restore": backup_restore,
    "labeling.ports_interfaces": ports_interfaces,
    "labeling.system_diagram": system_diagram,
    "customer.recommended_controls": recommended_controls,
    "customer.backup_restore": backup_restore,
    "customer.ports_interfaces": ports_interfaces,
    "customer.system_diagram": system_diagram,
    "customer.infrastructure": _plan_text("infrastructure", N_("the infrastructure requirements")),
    "customer.hardening": _plan_text(
        "hardening", N_("hardening (anti-malware, firewall rules, allow-lists, log settings)")
    ),
    "customer.incident_response": _plan_text(
        "incident_response", N_("what to do when a vulnerability or incident is detected")
    ),
    "customer.security_events": _plan_text(
        "security_events", N_("how the device signals security events")
    ),
    "customer.configuration_backup": _plan_text(
        "configuration_backup", N_("how privileged users back up and restore the configuration")
    ),
    "customer.update_procedure": customer_update_procedure,
    "customer.end_of_support": customer_end_of_support,
    "customer.sbom": customer_sbom,
}


def _section(c: Ctx, s: Section) -> SectionContent:
    c.section = c._(s.title)
    c.section_id = s.id
    return SectionContent(id=s.id, clause=s.clause, title=c.section, blocks=BUILDERS[s.id](c))


def build(
    facts: Facts, *, kind: str, lang: str, chosen: list[str] | None = None
) -> DocumentContent:
    """The content of one document kind (a submission is its kinds in turn), in one language;
    `chosen` limits the sections (a jurisdiction profile's choice)."""
    c = Ctx(facts, lang)
    kinds = SUBMISSION_KINDS if kind == "submission" else (kind,)
    parts = [
        (
            c._(KIND_TITLES[k]),
            [_section(c, s) for s in SECTIONS[k] if chosen is None or s.id in chosen],
        )
        for k in kinds
    ]
    return DocumentContent(
        kind=kind,
        title=c._(KIND_TITLES[kind]),
        product=facts.product,
        manufacturer=facts.manufacturer,
        release=facts.release.version,
        lang=lang,
        generated_at=utcnow(),
        parts=parts,
        to_complete=c.to_complete,
    )
