"""Customer lifecycle notices (seed 6.6.1 support b–d, limited support a, 6.6.2) as HTML in
English or Japanese: the action first, the milestones and what they mean, the component whose
support ends (for a third-party notice), and the responsibilities that pass to the customer at
the end of support. Every value is escaped with ``html.escape``; no script, no external asset.
The same HTML becomes the PDF (``export.notice_pdf.html_to_pdf``); the Japanese text needs a CJK
font (Debian: fonts-noto-cjk), named first in the stylesheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape
from typing import Literal

from medsec.core.i18n import gettext_for
from medsec.core.text import visible_html

Lang = Literal["en", "ja"]
LANGS: tuple[Lang, ...] = ("en", "ja")
DOMAIN = "lifecycle"  # the gettext catalog of the notices

_CSS = """
body{font-family:"Noto Sans CJK JP","Noto Sans JP","DejaVu Sans",sans-serif;max-width:46em;
margin:2em auto;line-height:1.55;color:#111}
h1{font-size:1.45em}h2{font-size:1.12em;margin-top:1.5em;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:.3em;
text-align:left;vertical-align:top}.meta{color:#444}.action{font-weight:bold}
.timeline svg{max-width:100%;height:auto}
"""


@dataclass(frozen=True, slots=True)
class NoticeFacts:
    """Everything a lifecycle notice states, as facts (no free text a person must write)."""

    manufacturer: str
    product: str
    release: str
    milestone: str  # "eol" | "eos" | "component_eos"
    milestone_date: date
    issued_on: date
    eol: date | None = None
    eos: date | None = None
    eol_announced_on: date | None = None
    eos_announced_on: date | None = None
    component: str | None = None
    component_version: str | None = None
    component_source: str | None = None  # where the end of support comes from
    horizon: date | None = None
    horizon_component: str | None = None
    controls: tuple[tuple[str, date | None], ...] = ()
    contact: str | None = None
    timeline_svg: str | None = field(default=None, repr=False)  # our own escaped markup


def _e(value: object) -> str:
    return visible_html(escape(str(value), quote=True))  # bidi/control characters marked


def _d(value: date | None, lang: Lang) -> str:
    if value is None:
        return str(gettext_for(lang, DOMAIN)("not set"))
    if lang == "ja":
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


# Every sentence below is an English msgid; the Japanese is written by people in
# medsec/locale/ja/LC_MESSAGES/lifecycle.po (no translation by a machine at run time).
_TITLES = {
    "eol": "End of life notice: {device}",
    "eos": "End of cybersecurity support notice: {device}",
    "component_eos": "Third-party component support notice: {device}",
}

_RESPONSIBILITIES = (
    "From the end of support on, {maker} no longer provides security updates, "
    "vulnerability monitoring or any other cybersecurity support for this device.",
    "The responsibility for the device's security, and the risk of continuing to use it, "
    "pass to you, the healthcare provider.",
    "If the device cannot be taken out of use without disrupting care, you take on managing "
    "its security: network segmentation, limiting user access, risk assessment, security "
    "testing and network monitoring.",
    "Plan the replacement with a supported device, and its budget, before the end of support.",
)

_ACTIONS = {
    "component_ended": "Support for {component}, a component of {device}, ended on {date}. "
    "Review the device's risk assessment and compensating measures, and check your operation "
    "and replacement plans against the device's lifecycle below.",
    "component_ends": "Support for {component}, a component of {device}, ends on {date}. "
    "Review the device's risk assessment and compensating measures, and check your operation "
    "and replacement plans against the device's lifecycle below.",
    "eol": "{device} reaches its cybersecurity end of life on {eol}: support is limited from "
    "then on and ends completely on {eos}. Plan to take the device out of use, or to replace "
    "it, before the end of support.",
    "eos": "Cybersecurity support for {device} ends on {eos}. Take the device out of use before "
    "then, or prepare to take on the responsibilities below if you keep using it.",
}


def _action(f: NoticeFacts, lang: Lang) -> str:
    _ = gettext_for(lang, DOMAIN)
    device = f"{f.product} {f.release}"
    if f.milestone == "component_eos":
        key = "component_ended" if f.milestone_date <= f.issued_on else "component_ends"
        component = f"{f.component} {f.component_version or ''}".strip()
        date_ = _d(f.milestone_date, lang)
        return str(_(_ACTIONS[key])).format(component=component, device=device, date=date_)
    if f.milestone == "eol":
        eol, eos = _d(f.eol, lang), _d(f.eos, lang)
        return str(_(_ACTIONS["eol"])).format(device=device, eol=eol, eos=eos)
    return str(_(_ACTIONS["eos"])).format(device=device, eos=_d(f.eos, lang))


_LABELS = {
    "todo": "What to do",
    "dates": "Lifecycle of this device",
    "eol": "End of life (limited support begins)",
    "eos": "End of support (the device becomes legacy)",
    "announced": "announced on {d}",
    "planned": "planned",
    "horizon": "Earliest end of support of a component",
    "component": "The component",
    "source": "End of support stated by",
    "controls": "Compensating measures in force",
    "until": "until {d}",
    "resp": "What passes to you at the end of support",
    "contact": "Contact",
    "issued": "Issued {d} by {maker}.",
    "timeline": "Timeline",
}
_SOURCES = {"sbom": "the SBOM", "manual": "the manufacturer"}


def _labels(lang: Lang) -> dict[str, str]:
    _ = gettext_for(lang, DOMAIN)
    return {key: str(_(text)) for key, text in _LABELS.items()}


def render_lifecycle_notice(f: NoticeFacts, lang: Lang = "en") -> str:
    """The notice as a self-contained HTML page in ``lang`` ("en" or "ja")."""
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: one of {', '.join(LANGS)}")
    _ = gettext_for(lang, DOMAIN)
    t = _labels(lang)
    device = f"{f.product} {f.release}"
    title = str(_(_TITLES[f.milestone])).format(device=device)
    out = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(t["issued"].format(d=_d(f.issued_on, lang), maker=f.manufacturer))}'
        "</p>",
        f"<h2>{_e(t['todo'])}</h2>",
        f'<p class="action">{_e(_action(f, lang))}</p>',
        f"<h2>{_e(t['dates'])}</h2><table>",
    ]
    for key, value, on in (("eol", f.eol, f.eol_announced_on), ("eos", f.eos, f.eos_announced_on)):
        state = t["announced"].format(d=_d(on, lang)) if on else t["planned"]
        paren = f"（{state}）" if lang == "ja" else f" ({state})"
        out.append(f"<tr><th>{_e(t[key])}</th><td>{_e(_d(value, lang))}{_e(paren)}</td></tr>")
    if f.horizon is not None:
        who = f" — {f.horizon_component}" if f.horizon_component else ""
        out.append(
            f"<tr><th>{_e(t['horizon'])}</th><td>{_e(_d(f.horizon, lang))}{_e(who)}</td></tr>"
        )
    if f.milestone == "component_eos" and f.component:
        out.append(
            f"<tr><th>{_e(t['component'])}</th><td>{_e(f.component)} "
            f"{_e(f.component_version or '')}: {_e(_d(f.milestone_date, lang))}</td></tr>"
        )
        if f.component_source:
            known = _SOURCES.get(f.component_source)
            src = str(_(known)) if known else f.component_source
            out.append(f"<tr><th>{_e(t['source'])}</th><td>{_e(src)}</td></tr>")
    out.append("</table>")
    if f.timeline_svg:
        out.append(f'<h2>{_e(t["timeline"])}</h2><div class="timeline">{f.timeline_svg}</div>')
    if f.controls:
        out.append(f"<h2>{_e(t['controls'])}</h2><ul>")
        for name, until in f.controls:
            limit = t["until"].format(d=_d(until, lang))
            when = (f"（{limit}）" if lang == "ja" else f" ({limit})") if until else ""
            out.append(f"<li>{_e(name)}{_e(when)}</li>")
        out.append("</ul>")
    out.append(f"<h2>{_e(t['resp'])}</h2><ul>")
    out.extend(f"<li>{_e(str(_(x)).format(maker=f.manufacturer))}</li>" for x in _RESPONSIBILITIES)
    out.append("</ul>")
    if f.contact:
        out.append(f"<h2>{_e(t['contact'])}</h2><p>{_e(f.contact)}</p>")
    out.append("</body></html>")
    return "\n".join(out)
