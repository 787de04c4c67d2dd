"""CycloneDX XML reader: defusedxml parsing into the JSON shape, then the shared mapping."""

from __future__ import annotations

import io
import re
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from medsec.errors import DocumentError, DocumentTooLarge, UnsupportedFormat
from medsec.ingest.cyclonedx_json import map_cyclonedx
from medsec.ingest.sbom_model import ParsedSbom

XML_VERSIONS = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
_XML_KEYS = {
    "components": "components/component",
    "hashes": "hashes/hash",
    "dependencies": "dependencies/dependency",
}


# Encodings expat reads natively. Others (UTF-7, EBCDIC, Shift-JIS...) are refused by name:
# CycloneDX tools write UTF-8, and an exotic declaration is a way to smuggle or crash.
_ENCODINGS = frozenset(
    {"utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}
)
_DECL_RE = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
# Elements in one document: each costs ~0.5-1 kB once converted, so this keeps a document
# well under 1 GB whatever the byte limit (a component with purl, hashes and licenses is ~15).
MAX_ELEMENTS = 1_000_000


def check_encoding(data: bytes, *, source: str) -> None:
    """Refuse an XML declaration naming an encoding expat does not read natively (UTF-7...)."""
    m = _DECL_RE.match(data[:1024])
    if m is None:
        return
    name = m.group(1).decode("ascii", "replace").strip().lower()
    if name not in _ENCODINGS:
        raise DocumentError(
            f"XML encoding {name!r} is not supported (use UTF-8)", source=source, location="line 1"
        )


def xml_step(base: str, key: str, index: int | None) -> str:
    """XPath-like location of item ``index`` (0-based) of ``key`` under ``base``."""
    seg = _XML_KEYS.get(key, key)
    return f"{base}/{seg}" if index is None else f"{base}/{seg}[{index + 1}]"


def _parse(
    data: bytes, *, source: str, max_depth: int, max_elements: int = MAX_ELEMENTS
) -> Element:
    check_encoding(data, source=source)
    depth = 0
    count = 0
    root: Element | None = None
    try:
        for event, elem in iterparse(
            io.BytesIO(data),
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        ):
            if event == "start":
                depth += 1
                count += 1
                if count > max_elements:
                    raise DocumentTooLarge(f"more than {max_elements} XML elements", source=source)
                if root is None:
                    root = elem
                if depth > max_depth:
                    raise DocumentTooLarge(
                        f"XML nesting deeper than {max_depth} levels", source=source
                    )
            else:
                depth -= 1
    except DefusedXmlException as exc:
        raise DocumentError(
            f"refused XML: {type(exc).__name__} (no DTDs, entities or external references)",
            source=source,
            location="DOCTYPE",
        ) from None
    except (ValueError, LookupError) as exc:  # an encoding expat cannot read
        raise DocumentError(f"unreadable XML: {exc}", source=source, location="line 1") from None
    except ParseError as exc:
        line, col = exc.position
        raise DocumentError(
            f"malformed XML: {exc}", source=source, location=f"line {line} column {col + 1}"
        ) from None
    assert root is not None
    return root


class _Conv:
    """Converts namespaced CycloneDX elements into the dict shape of the JSON format."""

    def __init__(self, ns: str, source: str = "<xml>") -> None:
        self.ns = "{" + ns + "}"
        self.source = source

    def kids(self, el: Element | None, tag: str) -> list[Element]:
        return [] if el is None else el.findall(self.ns + tag)

    def one(self, el: Element | None, tag: str) -> Element | None:
        return None if el is None else el.find(self.ns + tag)

    def text(self, el: Element | None, tag: str) -> str | None:
        child = self.one(el, tag)
        return child.text.strip() if child is not None and child.text else None

    def entity(self, el: Element | None) -> dict[str, Any] | None:
        return (
            None if el is None else {"name": self.text(el, "name"), "email": self.text(el, "email")}
        )

    def component(self, el: Element, loc: str) -> dict[str, Any]:
        if self.one(el, "name") is None:  # required by every CycloneDX XSD
            raise DocumentError("component without a <name>", source=self.source, location=loc)
        out: dict[str, Any] = {"type": el.get("type"), "bom-ref": el.get("bom-ref")}
        for tag in (
            "group",
            "name",
            "version",
            "description",
            "scope",
            "purl",
            "cpe",
            "author",
            "publisher",
        ):
            out[tag] = self.text(el, tag)
        out["supplier"] = self.entity(self.one(el, "supplier"))
        out["manufacturer"] = self.entity(self.one(el, "manufacturer"))
        out["authors"] = [self.entity(a) for a in self.kids(self.one(el, "authors"), "author")]
        out["hashes"] = [
            {"alg": h.get("alg"), "content": (h.text or "").strip()}
            for h in self.kids(self.one(el, "hashes"), "hash")
        ]
        out["licenses"] = self.licenses(self.one(el, "licenses"))
        out["properties"] = [
            {"name": p.get("name", ""), "value": (p.text or "").strip()}
            for p in self.kids(self.one(el, "properties"), "property")
        ]
        out["components"] = [
            self.component(c, f"{loc}/components/component[{i}]")
            for i, c in enumerate(self.kids(self.one(el, "components"), "component"), start=1)
        ]
        return out

    def licenses(self, el: Element | None) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if el is None:
            return out
        for child in el:
            if child.tag == self.ns + "expression" and child.text:
                out.append({"expression": child.text.strip()})
            elif child.tag == self.ns + "license":
                out.append(
                    {"license": {"id": self.text(child, "id"), "name": self.text(child, "name")}}
                )
        return out

    def tools(self, el: Element | None) -> list[dict[str, Any]]:
        if el is None:
            return []
        legacy = [
            {
                "vendor": self.text(t, "vendor"),
                "name": self.text(t, "name"),
                "version": self.text(t, "version"),
            }
            for t in self.kids(el, "tool")
        ]
        modern = [
            self.component(c, f"/bom/metadata/tools/components/component[{i}]")
            for i, c in enumerate(self.kids(self.one(el, "components"), "component"), start=1)
        ]
        return legacy + modern

    def document(self, root: Element) -> dict[str, Any]:
        meta = self.one(root, "metadata")
        doc: dict[str, Any] = {
            "serialNumber": root.get("serialNumber"),
            "version": root.get("version"),
        }
        if meta is not None:
            pcomp = self.one(meta, "component")
            doc["metadata"] = {
                "timestamp": self.text(meta, "timestamp"),
                "authors": [self.entity(a) for a in self.kids(self.one(meta, "authors"), "author")],
                "tools": self.tools(self.one(meta, "tools")),
                "component": self.component(pcomp, "/bom/metadata/component")
                if pcomp is not None
                else None,
            }
        doc["components"] = [
            self.component(c, f"/bom/components/component[{i}]")
            for i, c in enumerate(self.kids(self.one(root, "components"), "component"), start=1)
        ]
        doc["dependencies"] = [
            {"ref": d.get("ref"), "dependsOn": [x.get("ref") for x in self.kids(d, "dependency")]}
            for d in self.kids(self.one(root, "dependencies"), "dependency")
        ]
        return doc


def read_cyclonedx_xml(
    data: bytes, *, source: str, spec_version: str, max_depth: int, strict: bool = True
) -> ParsedSbom:
    """Parse CycloneDX XML safely (no DTD/entities) and map it to a ParsedSbom."""
    if spec_version not in XML_VERSIONS:
        raise UnsupportedFormat(
            f"CycloneDX XML {spec_version} is not supported", source=source, location="/bom"
        )
    root = _parse(data, source=source, max_depth=max_depth)
    ns = f"http://cyclonedx.org/schema/bom/{spec_version}"
    if root.tag != "{" + ns + "}bom":
        raise DocumentError(
            f"root element is {root.tag}, expected bom in {ns}", source=source, location="/"
        )
    doc = _Conv(ns, source).document(root)
    return map_cyclonedx(
        doc,
        source=source,
        spec_version=spec_version,
        encoding="xml",
        root="/bom",
        step=xml_step,
        strict=strict,
    )
