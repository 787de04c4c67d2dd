"""Read a loaded CSAF 2.0 document (a dict) into the DTOs of :mod:`medsec.ingest.csaf_model`.

Lenient on absent fields (None / empty), strict on wrong types: a field of the wrong JSON type
raises DocumentError with its JSON pointer. Use :func:`medsec.ingest.csaf.read_csaf`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from medsec.core.vex import Justification, VexStatus, normalize
from medsec.errors import DocumentError, InvalidInput
from medsec.ingest._common import parse_datetime
from medsec.ingest.csaf_model import (
    CsafDocument,
    CsafFileHash,
    CsafFlag,
    CsafId,
    CsafNote,
    CsafProduct,
    CsafProductGroup,
    CsafProductStatus,
    CsafPublisher,
    CsafRelationship,
    CsafRemediation,
    CsafRevision,
    CsafScore,
    CsafThreat,
    CsafVulnerability,
)

_JUSTIFICATIONS = {j.value: j for j in Justification}
_VERSION_BRANCHES = ("product_version", "product_version_range")
_JSON_KIND = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}


class _Reader:
    """Typed access to JSON values; errors name the source and the JSON pointer."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, expected: str, value: Any) -> DocumentError:
        found = _JSON_KIND.get(type(value), "null" if value is None else "a number")
        return DocumentError(
            f"expected {expected}, found {found}", source=self.source, location=path
        )

    def obj(self, value: Any, path: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(path, "an object", value)
        return value

    def arr(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(path, "an array", value)
        return value

    def objs(self, value: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
        return [
            (f"{path}/{i}", self.obj(v, f"{path}/{i}")) for i, v in enumerate(self.arr(value, path))
        ]

    def text(self, value: Any, path: str) -> str | None:
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)  # e.g. an integer tracking version written as a number
        raise self.fail(path, "a string", value)

    def req(self, value: Any, path: str) -> str:
        return self.text(value, path) or ""

    def texts(self, value: Any, path: str) -> tuple[str, ...]:
        items = self.arr(value, path)
        return tuple(self.req(v, f"{path}/{i}") for i, v in enumerate(items))

    def number(self, value: Any, path: str) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, "a number", value)
        return float(value)

    def when(self, value: Any, path: str) -> datetime | None:
        return parse_datetime(self.text(value, path))

    def notes(self, value: Any, path: str) -> tuple[CsafNote, ...]:
        return tuple(
            CsafNote(
                self.req(n.get("category"), f"{p}/category"),
                self.req(n.get("text"), f"{p}/text"),
                self.text(n.get("title"), f"{p}/title"),
                self.text(n.get("audience"), f"{p}/audience"),
            )
            for p, n in self.objs(value, path)
        )


def _product(
    r: _Reader, fpn: dict[str, Any], path: str, branch: tuple[tuple[str, str], ...]
) -> CsafProduct:
    helper = r.obj(
        fpn.get("product_identification_helper"), f"{path}/product_identification_helper"
    )
    hp = f"{path}/product_identification_helper"
    hashes = tuple(
        CsafFileHash(
            r.req(h.get("filename"), f"{p}/filename"),
            r.req(fh.get("algorithm"), f"{fp}/algorithm"),
            r.req(fh.get("value"), f"{fp}/value"),
        )
        for p, h in r.objs(helper.get("hashes"), f"{hp}/hashes")
        for fp, fh in r.objs(h.get("file_hashes"), f"{p}/file_hashes")
    )

    def nearest(*categories: str) -> str | None:
        return next((name for cat, name in reversed(branch) if cat in categories), None)

    return CsafProduct(
        product_id=r.req(fpn.get("product_id"), f"{path}/product_id"),
        name=r.req(fpn.get("name"), f"{path}/name"),
        branch_path=branch,
        vendor=nearest("vendor"),
        product_name=nearest("product_name"),
        version=nearest(*_VERSION_BRANCHES),
        purl=r.text(helper.get("purl"), f"{hp}/purl"),
        cpe=r.text(helper.get("cpe"), f"{hp}/cpe"),
        model_numbers=r.texts(helper.get("model_numbers"), f"{hp}/model_numbers"),
        serial_numbers=r.texts(helper.get("serial_numbers"), f"{hp}/serial_numbers"),
        skus=r.texts(helper.get("skus"), f"{hp}/skus"),
        hashes=hashes,
    )


def _branch_products(
    r: _Reader, branches: Any, path: str, trail: tuple[tuple[str, str], ...], out: list[CsafProduct]
) -> None:
    for p, b in r.objs(branches, path):
        here = (
            *trail,
            (r.req(b.get("category"), f"{p}/category"), r.req(b.get("name"), f"{p}/name")),
        )
        if b.get("product") is not None:
            out.append(_product(r, r.obj(b["product"], f"{p}/product"), f"{p}/product", here))
        _branch_products(r, b.get("branches"), f"{p}/branches", here, out)


def _refs(r: _Reader, item: dict[str, Any], path: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (
        r.texts(item.get("product_ids"), f"{path}/product_ids"),
        r.texts(item.get("group_ids"), f"{path}/group_ids"),
    )


def _vulnerability(
    r: _Reader, v: dict[str, Any], path: str, groups: dict[str, tuple[str, ...]]
) -> CsafVulnerability:
    flags = []
    for p, f in r.objs(v.get("flags"), f"{path}/flags"):
        label = r.req(f.get("label"), f"{p}/label")
        pids, gids = _refs(r, f, p)
        flags.append(
            CsafFlag(label, _JUSTIFICATIONS.get(label), pids, gids, r.when(f.get("date"), p))
        )
    justification: dict[str, Justification] = {}
    for flag in flags:
        members = (pid for gid in flag.group_ids for pid in groups.get(gid, ()))
        for pid in (*flag.product_ids, *members):
            if flag.justification is not None:
                justification.setdefault(pid, flag.justification)
    statuses: list[CsafProductStatus] = []
    recommended: tuple[str, ...] = ()
    for status, value in r.obj(v.get("product_status"), f"{path}/product_status").items():
        pids = r.texts(value, f"{path}/product_status/{status}")
        if status == "recommended":
            recommended = pids
            continue
        try:
            term = normalize(status, None, "csaf")
        except InvalidInput:
            raise DocumentError(
                f"unknown product status {status!r}",
                source=r.source,
                location=f"{path}/product_status",
            ) from None
        not_affected = term.canonical_status is VexStatus.NOT_AFFECTED
        statuses.extend(
            CsafProductStatus(
                pid, term.canonical_status, status, justification.get(pid) if not_affected else None
            )
            for pid in pids
        )
    cwe = r.obj(v.get("cwe"), f"{path}/cwe")
    return CsafVulnerability(
        cve=r.text(v.get("cve"), f"{path}/cve"),
        ids=tuple(
            CsafId(
                r.req(i.get("system_name"), f"{p}/system_name"), r.req(i.get("text"), f"{p}/text")
            )
            for p, i in r.objs(v.get("ids"), f"{path}/ids")
        ),
        title=r.text(v.get("title"), f"{path}/title"),
        cwe_id=r.text(cwe.get("id"), f"{path}/cwe/id"),
        cwe_name=r.text(cwe.get("name"), f"{path}/cwe/name"),
        notes=r.notes(v.get("notes"), f"{path}/notes"),
        discovery_date=r.when(v.get("discovery_date"), f"{path}/discovery_date"),
        release_date=r.when(v.get("release_date"), f"{path}/release_date"),
        product_status=tuple(statuses),
        recommended=recommended,
        flags=tuple(flags),
        threats=tuple(
            CsafThreat(
                r.req(t.get("category"), f"{p}/category"),
                r.req(t.get("details"), f"{p}/details"),
                *_refs(r, t, p),
                r.when(t.get("date"), f"{p}/date"),
            )
            for p, t in r.objs(v.get("threats"), f"{path}/threats")
        ),
        remediations=tuple(
            CsafRemediation(
                r.req(m.get("category"), f"{p}/category"),
                r.req(m.get("details"), f"{p}/details"),
                *_refs(r, m, p),
                r.text(m.get("url"), f"{p}/url"),
                r.when(m.get("date"), f"{p}/date"),
            )
            for p, m in r.objs(v.get("remediations"), f"{path}/remediations")
        ),
        scores=tuple(_score(r, s, p) for p, s in r.objs(v.get("scores"), f"{path}/scores")),
    )


def _score(r: _Reader, s: dict[str, Any], path: str) -> CsafScore:
    v3 = r.obj(s.get("cvss_v3"), f"{path}/cvss_v3")
    v2 = r.obj(s.get("cvss_v2"), f"{path}/cvss_v2")
    return CsafScore(
        product_ids=r.texts(s.get("products"), f"{path}/products"),
        cvss_v3_vector=r.text(v3.get("vectorString"), f"{path}/cvss_v3/vectorString"),
        cvss_v3_version=r.text(v3.get("version"), f"{path}/cvss_v3/version"),
        cvss_v3_base_score=r.number(v3.get("baseScore"), f"{path}/cvss_v3/baseScore"),
        cvss_v2_vector=r.text(v2.get("vectorString"), f"{path}/cvss_v2/vectorString"),
        cvss_v2_base_score=r.number(v2.get("baseScore"), f"{path}/cvss_v2/baseScore"),
    )


def read_document(doc: dict[str, Any], *, source: str) -> CsafDocument:
    """Read a parsed CSAF 2.0 document (already checked by ``load_csaf``) into a CsafDocument."""
    r = _Reader(source)
    d = r.obj(doc.get("document"), "/document")
    tracking = r.obj(d.get("tracking"), "/document/tracking")
    pub = r.obj(d.get("publisher"), "/document/publisher")
    dist = r.obj(d.get("distribution"), "/document/distribution")
    tlp = r.obj(dist.get("tlp"), "/document/distribution/tlp")
    tree = r.obj(doc.get("product_tree"), "/product_tree")
    products = [
        _product(r, fpn, p, ())
        for p, fpn in r.objs(tree.get("full_product_names"), "/product_tree/full_product_names")
    ]
    _branch_products(r, tree.get("branches"), "/product_tree/branches", (), products)
    relationships = []
    for p, rel in r.objs(tree.get("relationships"), "/product_tree/relationships"):
        fpn = r.obj(rel.get("full_product_name"), f"{p}/full_product_name")
        relationships.append(
            CsafRelationship(
                r.req(rel.get("category"), f"{p}/category"),
                r.req(rel.get("product_reference"), f"{p}/product_reference"),
                r.req(rel.get("relates_to_product_reference"), f"{p}/relates_to_product_reference"),
                r.req(fpn.get("product_id"), f"{p}/full_product_name/product_id"),
                r.req(fpn.get("name"), f"{p}/full_product_name/name"),
            )
        )
    groups = tuple(
        CsafProductGroup(
            r.req(g.get("group_id"), f"{p}/group_id"),
            r.texts(g.get("product_ids"), f"{p}/product_ids"),
            r.text(g.get("summary"), f"{p}/summary"),
        )
        for p, g in r.objs(tree.get("product_groups"), "/product_tree/product_groups")
    )
    members = {g.group_id: g.product_ids for g in groups}
    t = "/document/tracking"
    return CsafDocument(
        source=source,
        category=r.req(d.get("category"), "/document/category"),
        csaf_version=r.text(d.get("csaf_version"), "/document/csaf_version"),
        title=r.req(d.get("title"), "/document/title"),
        lang=r.text(d.get("lang"), "/document/lang"),
        tracking_id=r.req(tracking.get("id"), f"{t}/id"),
        status=r.req(tracking.get("status"), f"{t}/status"),
        version=r.req(tracking.get("version"), f"{t}/version"),
        initial_release_date=r.when(
            tracking.get("initial_release_date"), f"{t}/initial_release_date"
        ),
        current_release_date=r.when(
            tracking.get("current_release_date"), f"{t}/current_release_date"
        ),
        revision_history=tuple(
            CsafRevision(
                r.req(h.get("number"), f"{p}/number"),
                r.when(h.get("date"), f"{p}/date"),
                r.req(h.get("summary"), f"{p}/summary"),
                r.text(h.get("legacy_version"), f"{p}/legacy_version"),
            )
            for p, h in r.objs(tracking.get("revision_history"), f"{t}/revision_history")
        ),
        publisher=CsafPublisher(
            r.req(pub.get("category"), "/document/publisher/category"),
            r.req(pub.get("name"), "/document/publisher/name"),
            r.req(pub.get("namespace"), "/document/publisher/namespace"),
            r.text(pub.get("contact_details"), "/document/publisher/contact_details"),
            r.text(pub.get("issuing_authority"), "/document/publisher/issuing_authority"),
        ),
        tlp_label=r.text(tlp.get("label"), "/document/distribution/tlp/label"),
        tlp_url=r.text(tlp.get("url"), "/document/distribution/tlp/url"),
        notes=r.notes(d.get("notes"), "/document/notes"),
        products=tuple(products),
        relationships=tuple(relationships),
        product_groups=groups,
        vulnerabilities=tuple(
            _vulnerability(r, v, p, members)
            for p, v in r.objs(doc.get("vulnerabilities"), "/vulnerabilities")
        ),
    )
