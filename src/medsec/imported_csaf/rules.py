"""Pure rules of the CSAF import: which medsec objects a CSAF product names (exact matches only,
never fuzzy), the statements per (vulnerability, product), and which document version is newer.

Mapping methods, each tried and all hits kept:

* ``purl``: a purl with a version names the SBOM components with the same package identity
  (type/namespace/name as OSV spells it) and the same version; qualifiers are ignored.
  ``purl-package``: a purl without a version names every component of that package.
* ``cpe``: the CSAF CPE, as a NISTIR 7696 pattern, matches a component's CPE (equal when neither
  has wildcards) or the CPE of a release's primary (described) component, which names the release.
* ``branch``: vendor, product_name and product_version of the branch path equal (case-insensitive,
  whitespace collapsed) a manufacturer, one of its products and one release version. A
  ``vers:`` range selects the releases inside it (``vers:all/*`` names the product itself).
* ``model``: a model number equals a product name (and the vendor, when given, its manufacturer).

A product named only by a relationship takes the mapping of the product it relates to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from medsec.core.cpe import Cpe, InvalidCpe, name_matches, parse_cpe
from medsec.core.purl import purl_identity
from medsec.core.versions.vers import vers_contains
from medsec.findings.vex import Justification
from medsec.ingest.csaf_model import CsafDocument, CsafProduct, CsafVulnerability
from medsec.vulns.codec import cpe_key


def norm(text: str | None) -> str:
    """Case-folded with whitespace collapsed: the only normalisation names get before comparing."""
    return " ".join((text or "").split()).casefold()


@dataclass(frozen=True, slots=True)
class KnownRelease:
    """A medsec release as the mapper sees it."""

    release_id: int
    version: str
    primary_cpe: str | None = None  # the CPE of the current SBOM's described component


@dataclass(frozen=True, slots=True)
class KnownProduct:
    """A medsec product with its manufacturer and releases."""

    product_id: int
    name: str
    manufacturer: str
    releases: tuple[KnownRelease, ...]


@dataclass(frozen=True, slots=True)
class KnownComponent:
    """A component of a release's current SBOM."""

    component_id: int
    product_id: int
    release_id: int
    purl: str | None
    cpe: str | None


@dataclass(frozen=True, slots=True)
class Target:
    """One medsec object a CSAF product maps to."""

    kind: str  # product | release | component
    method: str  # purl | purl-package | cpe | branch | model | relationship
    product_id: int
    release_id: int | None
    component_id: int | None
    detail: str


@dataclass(frozen=True, slots=True)
class Mapping:
    """The targets of one CSAF product, or why there are none."""

    targets: tuple[Target, ...]
    reason: str | None  # set when targets is empty


@dataclass(slots=True)
class Catalog:
    """What the mapper compares against: products and the components that share a key."""

    products: Sequence[KnownProduct]
    components: Sequence[KnownComponent]
    _by_pkg: dict[tuple[str, str], list[tuple[KnownComponent, str | None]]] = field(
        default_factory=dict
    )
    _by_cpe: dict[str, list[KnownComponent]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for c in self.components:
            ident = purl_identity(c.purl) if c.purl else None
            if ident is not None:
                self._by_pkg.setdefault((ident.family, ident.name), []).append((c, ident.version))
            key = cpe_key(c.cpe) if c.cpe else None
            if key is not None:
                self._by_cpe.setdefault(key, []).append(c)


def package_keys(products: Iterable[CsafProduct]) -> set[tuple[str, str]]:
    """(ecosystem family, name) of every CSAF purl: which components the service must load."""
    keys = set()
    for p in products:
        ident = purl_identity(p.purl) if p.purl else None
        if ident is not None:
            keys.add((ident.family, ident.name))
    return keys


def cpe_keys(products: Iterable[CsafProduct]) -> set[str]:
    """``vendor:product`` of every CSAF CPE: which components the service must load."""
    return {k for p in products if p.cpe for k in [cpe_key(p.cpe)] if k is not None}


def _by_purl(p: CsafProduct, cat: Catalog) -> tuple[list[Target], str | None]:
    if not p.purl:
        return [], None
    ident = purl_identity(p.purl)
    if ident is None:
        return [], f"purl {p.purl!r} is not a valid package URL"
    hits = cat._by_pkg.get((ident.family, ident.name), [])
    if ident.version is None:
        found = [c for c, _ in hits]
        method = "purl-package"
    else:
        found = [c for c, version in hits if version == ident.version]
        method = "purl"
    targets = [
        Target("component", method, c.product_id, c.release_id, c.component_id, p.purl)
        for c in found
    ]
    return targets, None if targets else f"no SBOM component has purl {p.purl}"


def _by_cpe(p: CsafProduct, cat: Catalog) -> tuple[list[Target], str | None]:
    if not p.cpe:
        return [], None
    try:
        pattern = parse_cpe(p.cpe)
    except InvalidCpe as exc:
        return [], f"cpe {p.cpe!r} is not valid ({exc})"
    targets = [
        Target("component", "cpe", c.product_id, c.release_id, c.component_id, p.cpe)
        for c in cat._by_cpe.get(cpe_key(p.cpe) or "", [])
        if c.cpe and _cpe_hit(pattern, c.cpe)
    ]
    targets += [
        Target("release", "cpe", prod.product_id, rel.release_id, None, p.cpe)
        for prod in cat.products
        for rel in prod.releases
        if rel.primary_cpe and _cpe_hit(pattern, rel.primary_cpe)
    ]
    return targets, None if targets else f"no component or release has cpe {p.cpe}"


def _cpe_hit(pattern: Cpe, cpe: str) -> bool:
    try:
        return name_matches(pattern, parse_cpe(cpe))
    except InvalidCpe:
        return False


def _is_range(p: CsafProduct) -> bool:
    return any(cat == "product_version_range" for cat, _ in p.branch_path)


def _releases_for(
    p: CsafProduct, prod: KnownProduct, method: str, detail: str
) -> tuple[list[Target], str | None]:
    """The product (all versions), the release(s) its version names, or why none."""
    version = p.version
    if version is None or version.strip() in ("vers:all/*", "*"):
        return [Target("product", method, prod.product_id, None, None, detail)], None
    if _is_range(p):
        try:
            inside = [r for r in prod.releases if vers_contains(version, r.version)]
        except ValueError as exc:
            return [], f"version range {version!r} of {prod.name!r} not evaluated ({exc})"
        targets = [
            Target("release", method, prod.product_id, r.release_id, None, f"{detail} {version}")
            for r in inside
        ]
        reason = f"no release of {prod.name!r} is in {version}"
        return targets, None if targets else reason
    same = [r for r in prod.releases if norm(r.version) == norm(version)]
    targets = [
        Target("release", method, prod.product_id, r.release_id, None, f"{detail} {version}")
        for r in same
    ]
    return targets, None if targets else f"product {prod.name!r} has no release {version!r}"


def _by_branch(p: CsafProduct, cat: Catalog) -> tuple[list[Target], str | None]:
    if not p.vendor and not p.product_name:
        return [], None
    if not p.vendor or not p.product_name:
        return [], "branch path lacks a vendor or a product_name"
    makers = [prod for prod in cat.products if norm(prod.manufacturer) == norm(p.vendor)]
    if not makers:
        return [], f"vendor {p.vendor!r} is no known manufacturer"
    same = [prod for prod in makers if norm(prod.name) == norm(p.product_name)]
    if not same:
        return [], f"manufacturer {p.vendor!r} has no product {p.product_name!r}"
    targets: list[Target] = []
    reasons: list[str] = []
    for prod in same:
        found, reason = _releases_for(p, prod, "branch", f"{p.vendor} / {p.product_name}")
        targets += found
        reasons += [reason] if reason else []
    return targets, None if targets else "; ".join(reasons)


def _by_model(p: CsafProduct, cat: Catalog) -> tuple[list[Target], str | None]:
    if not p.model_numbers:
        return [], None
    targets: list[Target] = []
    for model in p.model_numbers:
        for prod in cat.products:
            if norm(prod.name) != norm(model):
                continue
            if p.vendor and norm(prod.manufacturer) != norm(p.vendor):
                continue
            found, _ = _releases_for(p, prod, "model", f"model {model}")
            targets += found
    shown = ", ".join(p.model_numbers)
    return targets, None if targets else f"no product is named like model number(s) {shown}"


def map_product(p: CsafProduct, cat: Catalog) -> Mapping:
    """Every medsec object the CSAF product names exactly, or the reasons why there is none."""
    targets: list[Target] = []
    reasons: list[str] = []
    for method in (_by_purl, _by_cpe, _by_branch, _by_model):
        found, reason = method(p, cat)
        targets += found
        if reason:
            reasons.append(reason)
    unique = tuple(dict.fromkeys(targets))
    if unique:
        return Mapping(unique, None)
    if not reasons:
        reasons = ["no purl, cpe, model number or vendor/product_name branch to map by"]
    return Mapping((), "; ".join(reasons))


def map_relationship(relates_to: str, category: str, of: Mapping | None) -> Mapping:
    """A relationship product maps to what the product it relates to maps to."""
    if of is None:
        return Mapping((), f"relationship to undefined product {relates_to!r}")
    if not of.targets:
        return Mapping((), f"{category} {relates_to!r}, which is unmapped ({of.reason})")
    targets = tuple(
        Target(t.kind, "relationship", t.product_id, t.release_id, t.component_id, t.detail)
        for t in of.targets
    )
    return Mapping(targets, None)


def status_product_ids(doc: CsafDocument) -> list[str]:
    """Product ids named by product_status (and ``recommended``), each once, in order."""
    ids = (
        pid
        for v in doc.vulnerabilities
        for pid in (*(s.product_id for s in v.product_status), *v.recommended)
    )
    return list(dict.fromkeys(ids))


def map_document(doc: CsafDocument, cat: Catalog) -> dict[str, Mapping]:
    """The mapping of every product id of a document: tree products, relationship products,
    and ids only product_status names (undefined: forced invalid documents, test 6.1.1)."""
    maps: dict[str, Mapping] = {}
    for p in doc.products:
        maps.setdefault(p.product_id, map_product(p, cat))
    for rel in doc.relationships:
        if rel.product_id not in maps:
            of = maps.get(rel.relates_to_product_reference)
            maps[rel.product_id] = map_relationship(
                rel.relates_to_product_reference, rel.category, of
            )
    for pid in status_product_ids(doc):
        maps.setdefault(pid, Mapping((), "not defined in the product tree"))
    return maps


# --- statements per (vulnerability, product) -----------------------------------------------


@dataclass(frozen=True, slots=True)
class Statement:
    """What a vulnerability entry says about one CSAF product."""

    product_id: str
    status: str | None  # canonical VEX status; None for CSAF "recommended"
    original: str
    justification: str | None
    flag: str | None
    impact: str | None
    remediations: tuple[dict[str, str | None], ...]
    scores: tuple[dict[str, object], ...]
    threats: tuple[dict[str, str], ...]


def statements(doc: CsafDocument, vuln: CsafVulnerability) -> list[Statement]:
    """One statement per product in product_status (and ``recommended``), in document order."""
    flags: dict[str, str] = {}
    for f in vuln.flags:
        for pid in doc.expand(f.product_ids, f.group_ids):
            flags.setdefault(pid, f.label)
    out = []
    entries: list[tuple[str, str | None, str, Justification | None]] = [
        (s.product_id, s.status.value, s.original, s.justification) for s in vuln.product_status
    ]
    entries += [(pid, None, "recommended", None) for pid in vuln.recommended]
    for pid, status, original, justification in entries:
        threats = tuple(
            {"category": t.category, "details": t.details}
            for t in vuln.threats
            if _names(doc, pid, t.product_ids, t.group_ids)
        )
        out.append(
            Statement(
                product_id=pid,
                status=status,
                original=original,
                justification=justification.value if justification else None,
                flag=flags.get(pid),
                impact="\n".join(t["details"] for t in threats if t["category"] == "impact")
                or None,
                remediations=tuple(
                    {"category": m.category, "details": m.details, "url": m.url}
                    for m in vuln.remediations
                    if _names(doc, pid, m.product_ids, m.group_ids)
                ),
                scores=tuple(
                    {
                        "version": s.cvss_v3_version or ("2.0" if s.cvss_v2_vector else None),
                        "vector": s.cvss_v3_vector or s.cvss_v2_vector,
                        "base_score": s.cvss_v3_base_score
                        if s.cvss_v3_vector
                        else s.cvss_v2_base_score,
                    }
                    for s in vuln.scores
                    if pid in s.product_ids
                ),
                threats=threats,
            )
        )
    return out


def _names(doc: CsafDocument, pid: str, pids: tuple[str, ...], gids: tuple[str, ...]) -> bool:
    return pid in pids or pid in doc.expand((), gids)
