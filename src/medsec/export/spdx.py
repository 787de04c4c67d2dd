"""Write a ``ParsedSbom`` as SPDX 2.3 JSON, built from plain dicts with orjson.

Mapping notes:

- SPDXIDs: a ref that already is ``SPDXRef-<idstring>`` is kept; otherwise it is folded to ASCII and
  every run of characters outside ``[A-Za-z0-9.-]`` becomes ``-``. A clash (with another package or
  with ``SPDXRef-DOCUMENT``) adds 8 hex digits of the original ref's SHA-256, then a counter, so ids
  are unique and the same input always gives the same ids.
- Licenses: the component's entries are joined with ``AND`` into one expression, written as both
  ``licenseDeclared`` and ``licenseConcluded`` (the DTO does not tell them apart); NOASSERTION when
  there are none. A string that is no SPDX id or expression becomes ``LicenseRef-<name>`` with a
  ``hasExtractedLicensingInfos`` entry (name and extracted text = the original string); any
  ``LicenseRef-`` named in an expression also gets an entry so the document stays valid.
- Checksums: CycloneDX names map to SPDX ones; Streebog-256/512 (CycloneDX 1.7) have no SPDX
  algorithm and are left out, as are malformed values.
- ``group``, ``scope`` and verbatim ``properties`` have no SPDX 2.3 field and are not written;
  the level of support is written as an annotation ``medsec:supportLevel=<level>``, the
  end-of-support date as ``validUntilDate``.
- Relationships: DOCUMENT DESCRIBES the primary (or every top-level package when there is none),
  parent CONTAINS child from ``parent_ref``, DEPENDS_ON from the dependency graph.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson

from medsec import __version__
from medsec.export._common import (
    clean_hashes,
    dependency_map,
    effective_parents,
    ref_resolver,
    text,
    unique_refs,
    utc_timestamp,
)
from medsec.export._licenses import classify, is_compound
from medsec.ingest.sbom_model import ParsedComponent, ParsedSbom

_CHECKSUM_ALGS = {
    "MD5": "MD5",
    "SHA-1": "SHA1",
    "SHA-256": "SHA256",
    "SHA-384": "SHA384",
    "SHA-512": "SHA512",
    "SHA3-256": "SHA3-256",
    "SHA3-384": "SHA3-384",
    "SHA3-512": "SHA3-512",
    "BLAKE2b-256": "BLAKE2b-256",
    "BLAKE2b-384": "BLAKE2b-384",
    "BLAKE2b-512": "BLAKE2b-512",
    "BLAKE3": "BLAKE3",
}
_PURPOSES = {
    "application": "APPLICATION",
    "framework": "FRAMEWORK",
    "library": "LIBRARY",
    "container": "CONTAINER",
    "operating-system": "OPERATING_SYSTEM",
    "device": "DEVICE",
    "firmware": "FIRMWARE",
    "file": "FILE",
    "source": "SOURCE",
    "archive": "ARCHIVE",
    "install": "INSTALL",
}
# Deprecated "-with-" ids: the CycloneDX enum knows them as licenses, SPDX tools as exceptions.
_DEPRECATED_WITH = {
    "GPL-2.0-with-autoconf-exception": "GPL-2.0-only WITH Autoconf-exception-2.0",
    "GPL-2.0-with-bison-exception": "GPL-2.0-only WITH Bison-exception-2.2",
    "GPL-2.0-with-classpath-exception": "GPL-2.0-only WITH Classpath-exception-2.0",
    "GPL-2.0-with-font-exception": "GPL-2.0-only WITH Font-exception-2.0",
    "GPL-2.0-with-GCC-exception": "GPL-2.0-only WITH GCC-exception-2.0",
    "GPL-3.0-with-autoconf-exception": "GPL-3.0-only WITH Autoconf-exception-3.0",
    "GPL-3.0-with-GCC-exception": "GPL-3.0-only WITH GCC-exception-3.1",
}
_VALID_ID = re.compile(r"^SPDXRef-[A-Za-z0-9.-]+$")
_BAD_RUN = re.compile(r"[^A-Za-z0-9.-]+")
DOCUMENT_ID = "SPDXRef-DOCUMENT"
_NO_TEXT = "Text not available: the source SBOM named only the reference."
SUPPORT_LEVEL_ANNOTATION = "medsec:supportLevel"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def spdx_ids(refs: Sequence[str]) -> list[str]:
    """Unique, stable ``SPDXRef-[A-Za-z0-9.-]+`` ids for the given refs, index-aligned."""
    taken = {DOCUMENT_ID}
    out: list[str] = []
    for ref in refs:
        if _VALID_ID.match(ref):
            base = ref
        else:
            ascii_ref = unicodedata.normalize("NFKD", ref).encode("ascii", "ignore").decode()
            slug = _BAD_RUN.sub("-", ascii_ref).strip("-")[:100] or _digest(ref)
            base = f"SPDXRef-{slug}"
        candidate = base
        if candidate in taken:
            candidate = f"{base}-{_digest(ref)}"
        k = 1
        while candidate in taken:
            k += 1
            candidate = f"{base}-{_digest(ref)}-{k}"
        taken.add(candidate)
        out.append(candidate)
    return out


class _LicenseRefs:
    """The LicenseRef-s a document uses, so each gets one hasExtractedLicensingInfos entry."""

    def __init__(self) -> None:
        self.by_name: dict[str, str] = {}
        self.infos: dict[str, dict[str, str]] = {}

    def for_name(self, name: str) -> str:
        if name in self.by_name:
            return self.by_name[name]
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        slug = _BAD_RUN.sub("-", ascii_name).strip("-")[:80] or _digest(name)
        ref = f"LicenseRef-{slug}"
        if ref in self.infos:
            ref = f"{ref}-{_digest(name)}"
        self.by_name[name] = ref
        self.infos[ref] = {"licenseId": ref, "extractedText": name, "name": name}
        return ref

    def note_expression(self, expression: str) -> None:
        for token in expression.replace("(", " ").replace(")", " ").split():
            if token.startswith("LicenseRef-") and token not in self.infos:
                self.infos[token] = {
                    "licenseId": token,
                    "extractedText": _NO_TEXT,
                    "name": token,
                }

    def entries(self) -> list[dict[str, str]]:
        return [self.infos[k] for k in sorted(self.infos)]


def _license_expression(licenses: Sequence[str], refs: _LicenseRefs) -> str:
    parts: list[str] = []
    for lic in licenses:
        if not lic.strip():
            continue
        kind, value = classify(lic)
        if kind == "expression" and "DocumentRef-" in value:
            kind, value = "name", lic  # external documents are not declared here
        if kind in ("id", "expression") and "-with-" in value:
            value = " ".join(_DEPRECATED_WITH.get(t, t) for t in value.split())
            kind = "expression" if kind == "expression" or value.count(" ") else kind
        if kind == "name":
            value = refs.for_name(value.strip())
        elif kind == "expression":
            refs.note_expression(value)
        if value not in parts:
            parts.append(value)
    if not parts:
        return "NOASSERTION"
    if len(parts) == 1:
        return parts[0]
    return " AND ".join(f"({p})" if is_compound(p) else p for p in parts)


def _package(comp: ParsedComponent, spdx_id: str, refs: _LicenseRefs) -> dict[str, Any]:
    supplier = text(comp.supplier)
    pkg: dict[str, Any] = {"SPDXID": spdx_id, "name": comp.name or "NOASSERTION"}
    if comp.version is not None:
        pkg["versionInfo"] = comp.version
    pkg["supplier"] = f"Organization: {supplier}" if supplier else "NOASSERTION"
    if author := text(comp.author):
        pkg["originator"] = f"Organization: {author}"
    pkg["downloadLocation"] = "NOASSERTION"
    pkg["filesAnalyzed"] = False
    checksums = [
        {"algorithm": _CHECKSUM_ALGS[a], "checksumValue": v}
        for a, v in clean_hashes(comp.hashes)
        if a in _CHECKSUM_ALGS
    ]
    if checksums:
        pkg["checksums"] = checksums
    expression = _license_expression(comp.licenses, refs)
    pkg["licenseConcluded"] = expression
    pkg["licenseDeclared"] = expression
    pkg["copyrightText"] = "NOASSERTION"
    if description := text(comp.description):
        pkg["description"] = description
    ext: list[dict[str, str]] = []
    if purl := text(comp.purl):
        ext.append({"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl"})
        ext[-1]["referenceLocator"] = purl
    if cpe := text(comp.cpe):
        kind = "cpe23Type" if cpe.startswith("cpe:2.3:") else "cpe22Type"
        ext.append(
            {"referenceCategory": "SECURITY", "referenceType": kind, "referenceLocator": cpe}
        )
    if ext:
        pkg["externalRefs"] = ext
    pkg["primaryPackagePurpose"] = _PURPOSES.get(comp.type, "OTHER")
    if comp.end_of_support is not None:
        pkg["validUntilDate"] = f"{comp.end_of_support.isoformat()}T00:00:00Z"
    return pkg


def _relationship(a: str, kind: str, b: str) -> dict[str, str]:
    return {"spdxElementId": a, "relationshipType": kind, "relatedSpdxElement": b}


def to_spdx_json(
    sbom: ParsedSbom, *, namespace: str | None = None, created: datetime | None = None
) -> bytes:
    """Serialise an SBOM DTO as SPDX 2.3 JSON; same input, namespace and time -> same bytes."""
    comps = sbom.components
    primary = sbom.primary
    primary_ref, refs = unique_refs(comps, primary, "component")
    all_refs = ([primary_ref] if primary_ref is not None else []) + refs
    ids = dict(zip(all_refs, spdx_ids(all_refs), strict=True))
    licenses = _LicenseRefs()
    when = utc_timestamp(created)

    pkgs: list[dict[str, Any]] = []
    pairs = [(primary, primary_ref)] if primary is not None and primary_ref is not None else []
    for comp, ref in [*pairs, *zip(comps, refs, strict=True)]:
        pkg = _package(comp, ids[ref], licenses)
        if comp.support_level:
            pkg["annotations"] = [
                {
                    "annotationDate": when,
                    "annotationType": "OTHER",
                    "annotator": f"Tool: medsec-{__version__}",
                    "comment": f"{SUPPORT_LEVEL_ANNOTATION}={comp.support_level}",
                }
            ]
        pkgs.append(pkg)

    parents = effective_parents(comps, refs, primary_ref)
    rels: list[dict[str, str]] = []
    if primary_ref is not None:
        rels.append(_relationship(DOCUMENT_ID, "DESCRIBES", ids[primary_ref]))
    else:
        roots = [ids[refs[i]] for i, p in enumerate(parents) if p is None]
        rels.extend(_relationship(DOCUMENT_ID, "DESCRIBES", r) for r in roots)
    for i, p in enumerate(parents):
        parent_ref = refs[p] if p is not None else None
        if p is None and primary is not None and comps[i].parent_ref == primary.ref:
            parent_ref = primary_ref
        if parent_ref is not None:
            rels.append(_relationship(ids[parent_ref], "CONTAINS", ids[refs[i]]))
    graph = dependency_map(sbom.dependencies, ref_resolver(comps, primary, primary_ref, refs))
    for src in all_refs:
        rels.extend(_relationship(ids[src], "DEPENDS_ON", ids[dst]) for dst in graph.get(src, ()))

    creators = [f"Tool: medsec-{__version__}"]
    creators += [f"Tool: {t.strip()}" for t in sbom.tools if t.strip()]
    creators += [
        a if a.startswith(("Person:", "Organization:")) else f"Person: {a.strip()}"
        for a in sbom.authors
        if a.strip()
    ]
    name = text(sbom.name) or (primary.name if primary is not None else None) or "medsec-sbom"
    doc: dict[str, Any] = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": DOCUMENT_ID,
        "name": name,
        "documentNamespace": namespace or f"https://spdx.org/spdxdocs/medsec-{uuid.uuid4()}",
        "creationInfo": {"created": when, "creators": list(dict.fromkeys(creators))},
        "packages": pkgs,
        "relationships": rels,
    }
    if extracted := licenses.entries():
        doc["hasExtractedLicensingInfos"] = extracted
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2)
