"""CSAF 2.0 documents (profiles ``csaf_security_advisory`` and ``csaf_vex``) from an ``Advisory``.

Product tree: branches vendor → product_name → product_version for device releases (and for
components that name a supplier), other components in ``full_product_names``, and one
relationship per "component in release". Product status comes from the canonical VEX decision
(``medsec.core.vex``); a not_affected product gets a flag (its justification) and an
``impact`` threat (its impact statement); an affected product that no remediation names gets its
action statement as a remediation (6.1.27.10). Scores carry ``cvss_v3``/``cvss_v2`` objects
computed from the vector (6.1.9/6.1.10); CVSS v4.0 vectors cannot be stated in CSAF 2.0 and are
left out. Keys are sorted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal

import jsonschema_rs
import orjson

from medsec import __version__
from medsec.core import cvss
from medsec.core.i18n import gettext_for
from medsec.core.updates import UPDATE_METHODS
from medsec.core.vex import FROM_CANONICAL, VexStatus, Vocabulary, impact_statement_for, refuse
from medsec.export.advisory_model import (
    Advisory,
    AdvisoryVulnerability,
    Note,
    NoteCategory,
    ProductVersion,
    Reference,
    Remediation,
    check_advisory,
)

_URI = jsonschema_rs.validator_for({"type": "string", "format": "uri"}, validate_formats=True)


def is_uri(text: str) -> bool:
    """True when ``text`` is a URI (RFC 3986) as the CSAF schema's ``format: uri`` asserts."""
    return _URI.is_valid(text)


CsafDocument = dict[str, Any]
"""A CSAF 2.0 document (an external format, schema `csaf_json_schema.json`) as parsed JSON."""

Profile = Literal["csaf_security_advisory", "csaf_vex"]
PROFILES: tuple[str, ...] = ("csaf_security_advisory", "csaf_vex")
_STATUS, _FLAG = FROM_CANONICAL[Vocabulary.CSAF]
_RANGE_WORDS = re.compile(
    r"[<>]|\b(after|all|before|earlier|later|prior|versions|through)\b|\.[xX*](\b|$)", re.I
)
_FILENAME = re.compile(r"[^+\-a-z0-9]+")
TLP_URL = "https://www.first.org/tlp/"
_INCIDENT_NOTES = {
    NoteCategory.DESCRIPTION,
    NoteCategory.DETAILS,
    NoteCategory.GENERAL,
    NoteCategory.SUMMARY,
}


def csaf_filename(tracking_id: str) -> str:
    """File name of a CSAF document: lower-cased id, runs of other characters → ``_``, .json."""
    return _FILENAME.sub("_", tracking_id.lower()) + ".json"


def _date(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _compact(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if v not in (None, [], {}, "")}


def _note(note: Note) -> dict[str, Any]:
    return _compact(
        {
            "category": note.category.value,
            "text": note.text,
            "title": note.title,
            "audience": note.audience,
        }
    )


def _reference(ref: Reference) -> dict[str, Any]:
    return {"category": ref.category, "summary": ref.summary, "url": ref.url}


def _helper(
    purl: str | None, cpe: str | None, model_numbers: Iterable[str] = ()
) -> dict[str, Any] | None:
    helper = _compact({"cpe": cpe, "purl": purl, "model_numbers": sorted(set(model_numbers))})
    return helper or None


def _full_name(name: str, product_id: str, helper: dict[str, Any] | None) -> dict[str, Any]:
    return _compact(
        {"name": name, "product_id": product_id, "product_identification_helper": helper}
    )


def _version_branch(name: str, full: str, pid: str, helper: dict[str, Any] | None) -> Any:
    if _RANGE_WORDS.search(name):
        raise refuse("csaf.6.1.31", f"version {name!r} of {pid} reads as a version range")
    return {"category": "product_version", "name": name, "product": _full_name(full, pid, helper)}


def _release_helper(product_numbers: tuple[str, ...], v: ProductVersion) -> Any:
    return _helper(v.purl, v.cpe, (*product_numbers, *v.model_numbers))


def _product_tree(advisory: Advisory) -> tuple[dict[str, Any], dict[str, str]]:
    """The product tree and the full product name of every product id."""
    names: dict[str, str] = {}
    tree: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for vendor in advisory.vendors:
        for product in vendor.products:
            for v in product.versions:
                full = f"{vendor.name} {product.name} {v.version}"
                names[v.product_id] = full
                helper = _release_helper(product.model_numbers, v)
                tree[vendor.name][product.name].append(
                    _version_branch(v.version, full, v.product_id, helper)
                )
    loose: list[dict[str, Any]] = []
    for comp in advisory.components:
        full = " ".join(p for p in (comp.supplier, comp.name, comp.version) if p)
        names[comp.product_id] = full
        helper = _helper(comp.purl, comp.cpe)
        if comp.supplier:
            tree[comp.supplier][comp.name].append(
                _version_branch(comp.version, full, comp.product_id, helper)
            )
        else:
            loose.append(_full_name(full, comp.product_id, helper))
    relationships = []
    components = {c.product_id: c for c in advisory.components}
    for rel in advisory.relationships:
        full = f"{names[rel.component_id]} as a component of {names[rel.release_id]}"
        names[rel.product_id] = full
        comp = components[rel.component_id]
        relationships.append(
            {
                "category": rel.category.value,
                "full_product_name": _full_name(full, rel.product_id, _helper(comp.purl, comp.cpe)),
                "product_reference": rel.component_id,
                "relates_to_product_reference": rel.release_id,
            }
        )
    branches = [
        {
            "category": "vendor",
            "name": vendor,
            "branches": [
                {"category": "product_name", "name": product, "branches": versions}
                for product, versions in products.items()
            ],
        }
        for vendor, products in tree.items()
    ]
    return (
        _compact(
            {"branches": branches, "full_product_names": loose, "relationships": relationships}
        ),
        names,
    )


def _remediation(rem: Remediation, names: dict[str, str], lang: str = "en") -> dict[str, Any]:
    _ = gettext_for(lang, "advisories")
    details = rem.details.strip()
    if rem.fixed_in is not None:
        details += " " + _("Fixed in %(release)s.") % {"release": names[rem.fixed_in]}
    if rem.update_method is not None:
        info = UPDATE_METHODS[rem.update_method]
        details += " " + _("Update method: %(title)s.") % {"title": _(info.title)}
        details += f" {_(info.user_responsibility)}"
        if info.note:
            details += f" {_(info.note)}"
    return _compact(
        {
            "category": rem.category.value,
            "details": details,
            "product_ids": sorted(set(rem.product_ids)),
            "url": rem.url,
            "date": _date(rem.date) if rem.date else None,
        }
    )


def _grouped(pairs: Iterable[tuple[Any, str]]) -> dict[Any, list[str]]:
    out: dict[Any, set[str]] = defaultdict(set)
    for key, pid in pairs:
        out[key].add(pid)
    return {k: sorted(v) for k, v in out.items()}


def _scores(vuln: AdvisoryVulnerability) -> list[dict[str, Any]]:
    out = []
    for score in vuln.scores:
        result = cvss.parse(score.vector)
        if result.version == "4.0":
            continue  # CSAF 2.0 has no cvss_v4 (CSAF 2.1 has)
        key = "cvss_v2" if result.version == "2.0" else "cvss_v3"
        out.append({key: cvss.as_json(result), "products": sorted(set(score.product_ids))})
    return out


def _vulnerability(
    vuln: AdvisoryVulnerability, names: dict[str, str], profile: str, lang: str = "en"
) -> dict[str, Any]:
    if profile == "csaf_vex" and not (vuln.cve or vuln.ids):
        raise refuse("csaf.6.1.27.8", f"{vuln.name}: a VEX vulnerability needs a CVE or an id")
    if profile == "csaf_security_advisory" and all(
        s.status is VexStatus.UNDER_INVESTIGATION for s in vuln.statuses
    ):  # the csaf validator applies this CSAF 2.1 rule to 2.0 documents too
        raise refuse("csaf.6.1.27.12", f"{vuln.name}: only under_investigation statuses")
    fixed = any(s.status is VexStatus.FIXED for s in vuln.statuses)
    if profile == "csaf_security_advisory" and fixed and not vuln.remediations:
        raise refuse("csaf.6.1.27.13", f"{vuln.name}: fixed products but no remediation")
    notes = [_note(n) for n in vuln.notes]
    if not notes:
        if not vuln.title:
            raise refuse("csaf.6.1.27.5", f"{vuln.name}: a vulnerability needs a note or title")
        title = gettext_for(lang, "advisories")("Summary")
        notes = [{"category": "description", "text": vuln.title, "title": title}]
    status = _grouped((_STATUS[s.status], s.product_id) for s in vuln.statuses)
    flags = _grouped(
        (_FLAG[s.justification], s.product_id)
        for s in vuln.statuses
        if s.status is VexStatus.NOT_AFFECTED and s.justification is not None
    )
    impacts = _grouped(
        (
            gettext_for(lang, "advisories")(
                impact_statement_for(s.justification, s.impact_statement)
            ),
            s.product_id,
        )
        for s in vuln.statuses
        if s.status is VexStatus.NOT_AFFECTED and s.justification is not None
    )
    threats = [
        {"category": "impact", "details": text, "product_ids": pids}
        for text, pids in impacts.items()
    ]
    threats += [
        _compact(
            {
                "category": t.category.value,
                "details": t.details,
                "product_ids": sorted(set(t.product_ids)),
                "date": _date(t.date) if t.date else None,
            }
        )
        for t in vuln.threats
    ]
    remediations = [_remediation(r, names, lang) for r in vuln.remediations]
    covered = {pid for r in vuln.remediations for pid in r.product_ids}
    actions = _grouped(
        ((s.action_category.value, (s.action_statement or "").strip()), s.product_id)
        for s in vuln.statuses
        if s.status is VexStatus.AFFECTED and s.product_id not in covered
    )
    remediations += [
        {"category": cat, "details": text, "product_ids": pids}
        for (cat, text), pids in actions.items()
    ]
    return _compact(
        {
            "cve": vuln.cve,
            "ids": [{"system_name": i.system_name, "text": i.text} for i in vuln.ids],
            "title": vuln.title,
            "cwe": {"id": vuln.cwe.id, "name": vuln.cwe.name} if vuln.cwe else None,
            "notes": notes,
            "product_status": status,
            "flags": [{"label": label, "product_ids": pids} for label, pids in flags.items()],
            "threats": threats,
            "remediations": remediations,
            "scores": _scores(vuln),
            "references": [_reference(r) for r in vuln.references],
            "acknowledgments": [
                _compact({"names": list(a.names), "summary": a.summary})
                for a in vuln.acknowledgments
            ],
            "discovery_date": _date(vuln.discovery_date) if vuln.discovery_date else None,
            "release_date": _date(vuln.release_date) if vuln.release_date else None,
        }
    )


def _document(advisory: Advisory, profile: str) -> dict[str, Any]:
    t = advisory.tracking
    notes = [_note(n) for n in advisory.notes]
    refs = [_reference(r) for r in advisory.references]
    if profile == "csaf_security_advisory":
        if not any(n.category in _INCIDENT_NOTES for n in advisory.notes):
            raise refuse("csaf.6.1.27.1", "needs a description, details, general or summary note")
        if not any(r.category == "external" for r in advisory.references):
            raise refuse("csaf.6.1.27.2", "a security advisory needs an external reference")
    revisions = sorted(t.revisions, key=lambda r: r.date)
    return _compact(
        {
            "category": profile,
            "csaf_version": "2.0",
            "lang": advisory.lang,
            "title": advisory.title,
            "notes": notes,
            "references": refs,
            "distribution": {"tlp": {"label": advisory.tlp.value, "url": TLP_URL}}
            if advisory.tlp
            else None,
            "publisher": _compact(
                {
                    "category": advisory.publisher.category,
                    "name": advisory.publisher.name,
                    "namespace": advisory.publisher.namespace,
                    "contact_details": advisory.publisher.contact_details,
                }
            ),
            "tracking": _compact(
                {
                    "id": t.id,
                    "status": t.status.value,
                    "version": t.version,
                    "aliases": list(t.aliases),
                    "initial_release_date": _date(t.initial_release_date),
                    "current_release_date": _date(t.current_release_date),
                    "generator": {
                        "date": _date(t.current_release_date),
                        "engine": {
                            "name": t.generator_name,
                            "version": t.generator_version or __version__,
                        },
                    },
                    "revision_history": [
                        {"date": _date(r.date), "number": r.number, "summary": r.summary}
                        for r in revisions
                    ],
                }
            ),
        }
    )


def to_csaf(advisory: Advisory, *, profile: Profile = "csaf_security_advisory") -> CsafDocument:
    """A CSAF 2.0 document of the advisory for ``profile``; InvalidInput names the broken rule."""
    if profile not in PROFILES:
        raise refuse("csaf.profile", f"profile {profile!r} is not one of {PROFILES}")
    check_advisory(advisory)
    if not advisory.vulnerabilities:
        raise refuse("csaf.6.1.27.11", f"{profile} needs at least one vulnerability")
    tree, names = _product_tree(advisory)
    doc = {
        "document": _document(advisory, profile),
        "product_tree": tree,
        "vulnerabilities": [
            _vulnerability(v, names, profile, advisory.lang) for v in advisory.vulnerabilities
        ],
    }
    return _sorted(doc)


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def to_csaf_bytes(advisory: Advisory, *, profile: Profile = "csaf_security_advisory") -> bytes:
    """The CSAF document as UTF-8 JSON with sorted keys, indented by two spaces."""
    return orjson.dumps(
        to_csaf(advisory, profile=profile), option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2
    )
