"""The plain-language customer notice of an advisory (seed 6.2.1, 6.4.1 c, Table 2), as HTML
read from its CSAF document: what is affected, what to do now, what the update is and how it is
applied, whom to contact, and the dates. Every text is escaped with ``html.escape`` (the text
comes from the database and may be hostile); no template engine, no script, no external asset.
"""

from __future__ import annotations

from html import escape
from typing import Any

from medsec.core.text import visible_html
from medsec.core.vex import IMPACT_BY_JUSTIFICATION

_CSS = """
body{font-family:sans-serif;max-width:46em;margin:2em auto;line-height:1.45;color:#111}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:.3em;text-align:left;
vertical-align:top}.meta{color:#444}.affected{font-weight:bold}
"""
_STATUS_WORDS = {
    "known_affected": "affected: action needed",
    "first_affected": "affected: action needed",
    "last_affected": "affected: action needed",
    "under_investigation": "under investigation",
    "fixed": "fixed",
    "first_fixed": "fixed",
    "known_not_affected": "not affected",
    "recommended": "fixed (recommended release)",
}
_REMEDIATION_WORDS = {
    "vendor_fix": "Update from the manufacturer",
    "mitigation": "Protective measure until the update is installed",
    "workaround": "Workaround",
    "no_fix_planned": "No fix is planned",
    "none_available": "No fix is available yet",
}


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
        p = r["full_product_name"]
        names[p["product_id"]] = p["name"]
    return names


def _releases(doc: dict[str, Any]) -> set[str]:
    """Product ids of device releases (not components, not component-in-release)."""
    tree = doc.get("product_tree", {})
    component_ids = {r["product_reference"] for r in tree.get("relationships", [])}
    related = {r["full_product_name"]["product_id"] for r in tree.get("relationships", [])}
    return set(_names({"product_tree": {"branches": tree.get("branches", [])}})) - (
        component_ids | related
    )


def render_notice(doc: dict[str, Any], *, contact: str | None = None) -> str:
    """The customer notice of a CSAF document as a complete HTML page."""
    d = doc["document"]
    t = d["tracking"]
    names = _names(doc)
    releases = _releases(doc)
    publisher = d["publisher"]
    who = contact or publisher.get("contact_details") or publisher["namespace"]
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(d.get("lang", "en"))}"><head><meta charset="utf-8">',
        f"<title>{_e(d['title'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(d['title'])}</h1>",
        f'<p class="meta">{_e(publisher["name"])} · advisory {_e(t["id"])} · version '
        f"{_e(t['version'])} ({_e(t['status'])}) · first published "
        f"{_e(t['initial_release_date'][:10])} · this version {_e(t['current_release_date'][:10])}"
        f" · TLP:{_e(d.get('distribution', {}).get('tlp', {}).get('label', 'none'))}</p>",
    ]
    out.extend(
        f"<h2>{_e(note.get('title') or 'Summary')}</h2><p>{_e(note['text'])}</p>"
        for note in d.get("notes", [])
        if note["category"] in ("summary", "general")
    )
    out.append("<h2>What is affected</h2><table><tr><th>Vulnerability</th>")
    out.append("<th>Device release</th><th>Status</th></tr>")
    for v in doc.get("vulnerabilities", []):
        label = v.get("cve") or (v.get("ids") or [{"text": "?"}])[0]["text"]
        title = f"{label}: {v['title']}" if v.get("title", label) != label else label
        for status, pids in sorted(v.get("product_status", {}).items()):
            for p in sorted(x for x in pids if x in releases):
                cls = ' class="affected"' if "affected" in status and "not" not in status else ""
                out.append(
                    f"<tr><td>{_e(title)}</td><td>{_e(names.get(p, p))}</td>"
                    f"<td{cls}>{_e(_STATUS_WORDS.get(status, status))}</td></tr>"
                )
    out.append("</table>")
    out.append("<h2>What to do now</h2>")
    any_action = False
    for v in doc.get("vulnerabilities", []):
        label = v.get("cve") or (v.get("ids") or [{"text": "?"}])[0]["text"]
        items = []
        for r in v.get("remediations", []):
            targets = sorted({names.get(p, p) for p in r["product_ids"] if p in releases})
            where = f" (for {', '.join(targets)})" if targets else ""
            items.append(
                f"<li><strong>{_e(_REMEDIATION_WORDS.get(r['category'], r['category']))}"
                f"</strong>{_e(where)}: {_e(r['details'])}</li>"
            )
        for th in v.get("threats", []):
            if th["category"] == "exploit_status":
                items.append(f"<li><strong>Exploitation</strong>: {_e(th['details'])}</li>")
            elif (
                th["category"] == "impact" and th["details"] not in IMPACT_BY_JUSTIFICATION.values()
            ):
                items.append(f"<li><strong>Possible harm</strong>: {_e(th['details'])}</li>")
        if items:
            any_action = True
            out.append(f"<h3>{_e(label)}</h3><ul>{''.join(items)}</ul>")
    if not any_action:
        out.append("<p>No action is needed.</p>")
    out.append("<h2>Contact</h2>")
    out.append(f"<p>{_e(publisher['name'])}: {_e(who)}</p>")
    out.append("<h2>Revision history</h2><ul>")
    out.extend(
        f"<li>{_e(r['number'])} ({_e(r['date'][:10])}): {_e(r['summary'])}</li>"
        for r in t.get("revision_history", [])
    )
    out.append("</ul></body></html>")
    return "\n".join(out) + "\n"
