"""The customer notice of an advisory (seed 6.2.1, 6.4.1 c, Table 2), written for the hospital's
clinical engineer, as HTML in English or Japanese read from the advisory's CSAF document.

The action comes first: one row per affected device release with what to do, who does it and
by when; the update method is explained once; releases that need no action are listed with the
reason; then how to find which release a device runs, the manufacturer's note on patient care
(only as a person wrote it: none is invented), the vulnerabilities, the contact and the history.
No internal term (status codes, justification codes) reaches the reader. Every value is escaped
with ``html.escape`` (the text comes from the database and may be hostile); no script, no
external asset. Table rows never split across PDF pages; a typical advisory fits two pages.
The Japanese text needs a CJK font (Debian: fonts-noto-cjk), named first in the stylesheet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from html import escape
from typing import Any

from medsec.core.i18n import check_lang, gettext_for
from medsec.core.text import visible_html
from medsec.core.updates import UPDATE_METHODS, UpdateMethod
from medsec.core.vex import IMPACT_BY_JUSTIFICATION, Justification

_CSS = """
@page{size:A4;margin:14mm 14mm 16mm 14mm}
body{font-family:"Noto Sans CJK JP","Noto Sans JP","DejaVu Sans",sans-serif;max-width:52em;
margin:1.2em auto;line-height:1.4;color:#111;font-size:10pt}
h1{font-size:1.35em;margin:.2em 0}h2{font-size:1.08em;margin:1em 0 .3em;
border-bottom:1px solid #999}p{margin:.3em 0}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:.25em .35em;
text-align:left;vertical-align:top}tr{break-inside:avoid;page-break-inside:avoid}
thead{display:table-header-group}.meta{color:#444;font-size:.9em}.act{font-weight:bold}
.warn{border:2px solid #b00;padding:.3em .5em;font-weight:bold}ul{margin:.2em 0 .2em 1.2em;
padding:0}li{margin:.1em 0}.small{font-size:.9em}
"""
_AFFECTED = {"known_affected", "first_affected", "last_affected"}
_FIXED = {"fixed", "first_fixed", "recommended"}
Gettext = Callable[[str], str]


def _e(value: Any) -> str:
    return visible_html(escape(str(value), quote=True))  # bidi/control characters marked


def _names(doc: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}

    def walk(branches: list[dict[str, Any]]) -> None:
        for b in branches:
            if "product" in b:
                names[b["product"]["product_id"]] = b["product"]["name"]
            walk(b.get("branches", []))

    tree = doc.get("product_tree", {})
    walk(tree.get("branches", []))
    for p in tree.get("full_product_names", []):
        names[p["product_id"]] = p["name"]
    for r in tree.get("relationships", []):
        names[r["full_product_name"]["product_id"]] = r["full_product_name"]["name"]
    return names


def _releases(doc: dict[str, Any]) -> list[str]:
    """Product ids of device releases (not components, not component-in-release), in order."""
    tree = doc.get("product_tree", {})
    skip = {r["product_reference"] for r in tree.get("relationships", [])}
    skip |= {r["full_product_name"]["product_id"] for r in tree.get("relationships", [])}
    names = _names({"product_tree": {"branches": tree.get("branches", [])}})
    return [p for p in names if p not in skip]


def vuln_label(v: dict[str, Any]) -> str:
    """The vulnerability's identifier: its CVE, else its first other id."""
    return str(v.get("cve") or (v.get("ids") or [{"text": "?"}])[0]["text"])


def method_markers(lang: str) -> dict[UpdateMethod, str]:
    """The text CSAF remediation details carry for each update method (``export.csaf``)."""
    _ = gettext_for(lang, "advisories")
    return {
        m: _("Update method: %(title)s.") % {"title": _(UPDATE_METHODS[m].title)}
        for m in UpdateMethod
    }


def _split_method(details: str) -> tuple[str, UpdateMethod | None]:
    """Remediation details without the update method sentence, and the method named."""
    for lang in ("en", "ja"):
        for method, marker in method_markers(lang).items():
            at = details.find(marker)
            if at >= 0:
                return details[:at].strip(), method
    return details.strip(), None


_WHO = {
    UpdateMethod.REMOTE: "The manufacturer, remotely; your IT team keeps the remote connection "
    "open",
    UpdateMethod.USER_MANAGED: "Your biomedical engineering or IT team",
    UpdateMethod.SERVICE_VISIT: "The manufacturer's field service, on a visit you arrange",
}
_REASONS = {
    Justification.COMPONENT_NOT_PRESENT: "The vulnerable component is not included in the product.",
    Justification.VULNERABLE_CODE_NOT_PRESENT: "The product does not contain the vulnerable code.",
    Justification.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH: "The vulnerable code is never executed by "
    "the product.",
    Justification.CANNOT_BE_CONTROLLED_BY_ADVERSARY: "The vulnerable code cannot be controlled by "
    "an adversary in the product's use.",
    Justification.INLINE_MITIGATIONS_ALREADY_EXIST: "Built-in protections of the product prevent "
    "exploitation of the vulnerability.",
}
_STANDARD_REASONS = {text: _REASONS[j] for j, text in IMPACT_BY_JUSTIFICATION.items()}


class _Release:
    """What the notice says about one device release."""

    def __init__(self) -> None:
        self.affected: list[str] = []
        self.fix: list[str] = []
        self.measures: list[str] = []
        self.methods: set[UpdateMethod] = set()
        self.exploited: list[str] = []
        self.no_action: list[tuple[str, str]] = []  # (vulnerability, reason)


def _collect(doc: dict[str, Any], releases: list[str], _: Gettext) -> dict[str, _Release]:
    out = {p: _Release() for p in releases}
    for v in doc.get("vulnerabilities", []):
        label = vuln_label(v)
        status_of = {
            pid: status for status, pids in v.get("product_status", {}).items() for pid in pids
        }
        impacts: dict[str, str] = {}
        for th in v.get("threats", []):
            for pid in th.get("product_ids", []):
                if th["category"] == "impact" and status_of.get(pid) == "known_not_affected":
                    impacts[pid] = _(_STANDARD_REASONS.get(th["details"], th["details"]))
                if (
                    th["category"] == "exploit_status"
                    and pid in out
                    and label not in out[pid].exploited
                ):
                    out[pid].exploited.append(label)
        for pid, r in out.items():
            status = status_of.get(pid)
            if status in _AFFECTED:
                r.affected.append(label)
            elif status in _FIXED:
                r.no_action.append((label, _("This release contains the fix.")))
            elif status == "known_not_affected":
                r.no_action.append((label, impacts.get(pid, _("Not affected."))))
            elif status == "under_investigation":
                r.no_action.append((label, _("Still being assessed; this notice will be updated.")))
        for rem in v.get("remediations", []):
            text, method = _split_method(rem["details"])
            for pid in rem.get("product_ids", []):
                if pid not in out or status_of.get(pid) not in _AFFECTED:
                    continue
                target = out[pid].fix if rem["category"] == "vendor_fix" else out[pid].measures
                if text and text not in target:
                    target.append(text)
                if method is not None:
                    out[pid].methods.add(method)
    return out


def _ul(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>" if items else ""


def _action_rows(
    names: dict[str, str], rows: dict[str, _Release], contact: str, _: Gettext
) -> list[str]:
    out = []
    for pid, r in rows.items():
        if not r.affected:
            continue
        what = ""
        if r.measures:
            what += f'<p class="act">{_e(_("Now, until the update is installed:"))}</p>'
            what += _ul(r.measures)
        if r.fix:
            what += f'<p class="act">{_e(_("Install the update:"))}</p>' + _ul(r.fix)
        if not what:
            what = _e(_("Ask the manufacturer what to do (%(contact)s).") % {"contact": contact})
        who = [_(_WHO[m]) for m in sorted(r.methods)] or [
            _("Your biomedical engineering and IT teams")
        ]
        when = []
        if r.exploited:
            when.append(
                _("Now: attackers are known to exploit %(ids)s.") % {"ids": ", ".join(r.exploited)}
            )
        if r.measures:
            when.append(_("Protective measures: now."))
        if r.fix:
            when.append(_("Update: as soon as it can be scheduled."))
        out.append(
            f"<tr><td><strong>{_e(names.get(pid, pid))}</strong><br>"
            f'<span class="small">{_e(", ".join(r.affected))}</span></td>'
            f"<td>{what}</td><td>{_ul(who)}</td><td>{_ul(when or [_('Now.')])}</td></tr>"
        )
    return out


def not_affected_of(v: dict[str, Any]) -> set[str]:
    """The products a vulnerability does not affect."""
    return set(v.get("product_status", {}).get("known_not_affected", []))


def _severity(v: dict[str, Any], _: Gettext) -> str:
    best = None
    for s in v.get("scores", []):
        cv = s.get("cvss_v3") or s.get("cvss_v2") or {}
        score = cv.get("baseScore")
        if score is not None and (best is None or score > best[0]):
            best = (float(score), str(cv.get("baseSeverity", "")).lower())
    if best is None:
        return _("not scored")
    words = {
        "critical": _("Critical"),
        "high": _("High"),
        "medium": _("Medium"),
        "low": _("Low"),
        "none": _("None"),
    }
    return f"{words.get(best[1], '')} (CVSS {best[0]:.1f})".strip()


def render_notice(
    doc: dict[str, Any], *, contact: str | None = None, lang: str | None = None
) -> str:
    """The customer notice of a CSAF document as a complete HTML page (``lang``: the
    advisory's own language by default)."""
    d = doc["document"]
    lang = check_lang(lang or d.get("lang") or "en")
    _ = gettext_for(lang, "notices")
    t = d["tracking"]
    names = _names(doc)
    releases = _releases(doc)
    publisher = d["publisher"]
    who = contact or publisher.get("contact_details") or publisher["namespace"]
    rows = _collect(doc, releases, _)
    maker = publisher["name"] + " "  # the releases are named without the maker, said once above
    names = {p: n.removeprefix(maker) for p, n in names.items()}
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}"><head><meta charset="utf-8">',
        f"<title>{_e(d['title'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(d['title'])}</h1>",
        '<p class="meta">'
        + _e(
            _(
                "%(maker)s · advisory %(id)s · version %(version)s · published %(first)s · "
                "this version %(current)s · TLP:%(tlp)s"
            )
            % {
                "maker": publisher["name"],
                "id": t["id"],
                "version": t["version"],
                "first": t["initial_release_date"][:10],
                "current": t["current_release_date"][:10],
                "tlp": d.get("distribution", {}).get("tlp", {}).get("label", "-"),
            }
        )
        + "</p>",
    ]
    care = [n for n in d.get("notes", []) if n.get("audience", "").startswith("clinicians")]
    if t["status"] == "draft":
        out.append(f'<p class="warn">{_e(_("Draft: not published; do not act on it yet."))}</p>')
        if not care:
            missing = _("The manufacturer has not yet written the note on patient care.")
            out.append(f'<p class="warn">{_e(missing)}</p>')
    actions = _action_rows(names, rows, who, _)
    out.append(f"<h2>{_e(_('What to do now'))}</h2>")
    if actions:
        out.append(
            f"<table><thead><tr><th>{_e(_('Device release'))}</th><th>{_e(_('What to do'))}"
            f"</th><th>{_e(_('Who'))}</th><th>{_e(_('By when'))}</th></tr></thead><tbody>"
        )
        out.extend(actions)
        out.append("</tbody></table>")
    else:
        out.append(f"<p>{_e(_('No device release in this notice needs action.'))}</p>")
    methods = sorted({m for r in rows.values() for m in r.methods})
    if methods:
        out.append(f"<h2>{_e(_('How the update is installed'))}</h2>")
        for m in methods:
            info = UPDATE_METHODS[m]
            out.append(
                f"<p><strong>{_e(_(info.title))}</strong>: {_e(_(info.summary))} "
                f"{_e(_(info.user_responsibility))}</p>"
            )
    calm = [(pid, r) for pid, r in rows.items() if r.no_action]
    if calm:
        out.append(f"<h2>{_e(_('What needs no action, and why'))}</h2>")
        out.append(
            f"<table><thead><tr><th>{_e(_('Device release'))}</th>"
            f"<th>{_e(_('Vulnerability and reason'))}</th></tr></thead><tbody>"
        )
        for pid, r in calm:
            items = _ul([f"{label}: {reason}" for label, reason in r.no_action])
            out.append(f"<tr><td>{_e(names.get(pid, pid))}</td><td>{items}</td></tr>")
        out.append("</tbody></table>")
    out.append(f"<h2>{_e(_('Which release does your device run?'))}</h2>")
    out.append(
        "<p>"
        + _e(
            _(
                "Compare the software version your device shows (see its instructions for use "
                "for where) with the releases above. If you cannot find it, contact %(contact)s "
                "with the device's serial number."
            )
            % {"contact": who}
        )
        + "</p>"
    )
    if care:
        out.append(f"<h2>{_e(_('What this means for patient care'))}</h2>")
        out.extend(f"<p>{_e(n['text'])}</p>" for n in care)
    out.append(f"<h2>{_e(_('The vulnerabilities'))}</h2>")
    out.append(
        f"<table><thead><tr><th>{_e(_('Identifier'))}</th><th>{_e(_('What it is'))}</th>"
        f"<th>{_e(_('Severity'))}</th></tr></thead><tbody>"
    )
    for v in doc.get("vulnerabilities", []):
        label = vuln_label(v)
        exploited = any(th["category"] == "exploit_status" for th in v.get("threats", []))
        title = v.get("title", label)
        if exploited:
            title += " " + _("(known to be exploited)")
        harms = [
            th["details"]
            for th in v.get("threats", [])
            if th["category"] == "impact"
            and th["details"] not in _STANDARD_REASONS
            and not set(th.get("product_ids", [])) & not_affected_of(v)
        ]
        out.append(
            f"<tr><td>{_e(label)}</td><td>{_e(title)}{_ul(harms)}</td>"
            f"<td>{_e(_severity(v, _))}</td></tr>"
        )
    out.append("</tbody></table>")
    support = [n for n in d.get("notes", []) if n.get("audience") == "healthcare providers"]
    if support:
        out.append(f"<h2>{_e(_('Support of these releases'))}</h2>")
        out.append(_ul([n["text"] for n in support]))
    out.append(f"<h2>{_e(_('Contact'))}</h2><p>{_e(publisher['name'])}: {_e(who)}</p>")
    out.append(f'<h2>{_e(_("Revision history"))}</h2><ul class="small">')
    out.extend(
        f"<li>{_e(r['number'])} ({_e(r['date'][:10])}): {_e(r['summary'])}</li>"
        for r in t.get("revision_history", [])
    )
    out.append("</ul></body></html>")
    return "\n".join(out) + "\n"


def grouped(doc: dict[str, Any]) -> dict[str, list[str]]:
    """Each device release's affected vulnerabilities (for tests and summaries)."""
    out: dict[str, list[str]] = defaultdict(list)
    names = _names(doc)
    for pid, r in _collect(doc, _releases(doc), gettext_for("en", "notices")).items():
        out[names.get(pid, pid)].extend(r.affected)
    return dict(out)
