"""Pure SBOM rules: the NTIA / FDA / CISA quality check and the component diff.

Quality elements (a component is every entry of ``ParsedSbom.components``; the primary is not
counted):

- NTIA minimum elements (required): per component ``supplier``, ``name``, ``version``,
  ``unique_id`` (purl or CPE; the DTO carries no SWID tag), ``dependency`` (the component's ref
  appears in the dependency graph, as a ref or as a depends-on target); per document ``author`` and
  ``timestamp``.
- FDA premarket additions (required for a medical device, ``include_fda=True``): per component
  ``support_level`` (set and not ``unknown``) and ``end_of_support`` (a date).
- CISA 2025 draft additions (informational, never in the score): per component ``hash`` and
  ``license``; per document ``tool``.

Score = 100 x the mean coverage of the required elements, each element weighing the same
(coverage = components that have it / components; a document element is 1 or 0; with no
components every per-component coverage is 0). Rounded to one decimal.

Diff identity: the purl without its version, with the qualifiers that vary per build or release
(``VERSION_QUALIFIERS``) dropped; without a (parsable) purl, (type, group, name). Within one
identity exact versions pair first (unchanged); the rest pair in natural version order (version
changes), and whatever is left is added or removed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from medsec.ingest.sbom_model import ParsedComponent, ParsedSbom

NTIA_COMPONENT = ("supplier", "name", "version", "unique_id", "dependency")
NTIA_DOCUMENT = ("author", "timestamp")
FDA_COMPONENT = ("support_level", "end_of_support")
CISA_COMPONENT = ("hash", "license")
CISA_DOCUMENT = ("tool",)
VERSION_QUALIFIERS = frozenset(
    ("epoch", "distro", "checksum", "checksums", "download_url", "file_name", "vcs_url")
)


@dataclass(frozen=True, slots=True)
class ElementCoverage:
    """How many components (or whether the document) carry one element."""

    element: str
    source: str  # "ntia" | "fda" | "cisa"
    scope: str  # "component" | "document"
    required: bool
    present: int
    total: int

    @property
    def percent(self) -> float:
        """Coverage in percent, one decimal (0 when there is nothing to cover)."""
        return round(100.0 * self.present / self.total, 1) if self.total else 0.0


@dataclass(frozen=True, slots=True)
class ComponentGaps:
    """The elements one component lacks."""

    ref: str
    name: str
    version: str | None
    missing: tuple[str, ...]  # required elements
    missing_informational: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Gap:
    """One element and the component refs lacking it (empty for a document element)."""

    element: str
    required: bool
    refs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QualityReport:
    """Result of ``check_quality``: coverage per element, gaps per component and a 0-100 score."""

    score: float
    component_count: int
    coverage: tuple[ElementCoverage, ...]
    components: tuple[ComponentGaps, ...]  # only components that lack something
    gaps: tuple[Gap, ...]  # only elements that are missing somewhere

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return {
            "score": self.score,
            "component_count": self.component_count,
            "coverage": [
                {
                    "element": c.element,
                    "source": c.source,
                    "scope": c.scope,
                    "required": c.required,
                    "present": c.present,
                    "total": c.total,
                    "percent": c.percent,
                }
                for c in self.coverage
            ],
            "components": [
                {
                    "ref": g.ref,
                    "name": g.name,
                    "version": g.version,
                    "missing": list(g.missing),
                    "missing_informational": list(g.missing_informational),
                }
                for g in self.components
            ],
            "gaps": [
                {"element": g.element, "required": g.required, "refs": list(g.refs)}
                for g in self.gaps
            ],
        }


def _filled(value: str | None) -> bool:
    return value is not None and value.strip() != ""


def _component_elements(comp: ParsedComponent, in_graph: set[str]) -> dict[str, bool]:
    return {
        "supplier": _filled(comp.supplier),
        "name": _filled(comp.name),
        "version": _filled(comp.version),
        "unique_id": _filled(comp.purl) or _filled(comp.cpe),
        "dependency": comp.ref in in_graph,
        "support_level": comp.support_level is not None and comp.support_level != "unknown",
        "end_of_support": comp.end_of_support is not None,
        "hash": any(_filled(v) for _, v in comp.hashes),
        "license": any(_filled(lic) for lic in comp.licenses),
    }


def check_quality(sbom: ParsedSbom, *, include_fda: bool = True) -> QualityReport:
    """Check NTIA minimum elements, FDA support data and CISA 2025 additions; see module docs."""
    in_graph = {r for edge in sbom.dependencies for r in edge}
    comp_elements = NTIA_COMPONENT + FDA_COMPONENT + CISA_COMPONENT
    required = set(NTIA_COMPONENT + NTIA_DOCUMENT) | (set(FDA_COMPONENT) if include_fda else set())
    lacking: dict[str, list[str]] = {e: [] for e in comp_elements}
    per_component: list[ComponentGaps] = []
    for comp in sbom.components:
        have = _component_elements(comp, in_graph)
        missing = [e for e in comp_elements if not have[e]]
        for e in missing:
            lacking[e].append(comp.ref)
        if missing:
            per_component.append(
                ComponentGaps(
                    ref=comp.ref,
                    name=comp.name,
                    version=comp.version,
                    missing=tuple(e for e in missing if e in required),
                    missing_informational=tuple(e for e in missing if e not in required),
                )
            )
    n = len(sbom.components)
    doc_have = {
        "author": any(_filled(a) for a in sbom.authors),
        "timestamp": sbom.created is not None,
        "tool": any(_filled(t) for t in sbom.tools),
    }
    sources = dict.fromkeys(NTIA_COMPONENT + NTIA_DOCUMENT, "ntia")
    sources |= dict.fromkeys(FDA_COMPONENT, "fda")
    sources |= dict.fromkeys(CISA_COMPONENT + CISA_DOCUMENT, "cisa")
    coverage: list[ElementCoverage] = []
    gaps: list[Gap] = []
    for e in comp_elements:
        coverage.append(
            ElementCoverage(e, sources[e], "component", e in required, n - len(lacking[e]), n)
        )
        if lacking[e]:
            gaps.append(Gap(e, e in required, tuple(lacking[e])))
    for e in NTIA_DOCUMENT + CISA_DOCUMENT:
        coverage.append(
            ElementCoverage(e, sources[e], "document", e in required, int(doc_have[e]), 1)
        )
        if not doc_have[e]:
            gaps.append(Gap(e, e in required, ()))
    scored = [c.present / c.total if c.total else 0.0 for c in coverage if c.required]
    score = round(100.0 * sum(scored) / len(scored), 1)
    return QualityReport(score, n, tuple(coverage), tuple(per_component), tuple(gaps))


@dataclass(frozen=True, slots=True)
class VersionChange:
    """One component whose version changed between the two SBOMs."""

    key: str
    old: ParsedComponent
    new: ParsedComponent


@dataclass(frozen=True, slots=True)
class SbomDiff:
    """Result of ``diff_components``: added, removed and version-changed components."""

    added: tuple[ParsedComponent, ...]
    removed: tuple[ParsedComponent, ...]
    changed: tuple[VersionChange, ...]
    unchanged: int

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (components as ref/name/version/purl)."""

        def brief(c: ParsedComponent) -> dict[str, Any]:
            return {"ref": c.ref, "name": c.name, "version": c.version, "purl": c.purl}

        return {
            "added": [brief(c) for c in self.added],
            "removed": [brief(c) for c in self.removed],
            "changed": [
                {"key": ch.key, "old": brief(ch.old), "new": brief(ch.new)} for ch in self.changed
            ],
            "unchanged": self.unchanged,
        }


_CASE_INSENSITIVE = frozenset(("bitbucket", "github", "gitlab", "pypi", "composer", "hex"))


@lru_cache(maxsize=65536)
def _purl_identity(purl: str) -> str | None:
    """``type/namespace/name?qualifiers#subpath`` of a purl without its version (light normalising).

    Parsed by hand (packageurl-python costs ~60 us a purl): percent-decoded path, lower-case type,
    lower-case names for case-insensitive types (pypi also folds ``_`` to ``-``), qualifier keys
    lower-cased and sorted, version-specific qualifiers dropped.
    """
    if not purl.startswith("pkg:"):
        return None
    rest, _, subpath = purl[4:].lstrip("/").partition("#")
    rest, _, query = rest.partition("?")
    at = rest.rfind("@")
    if at > rest.rfind("/"):
        rest = rest[:at]
    kind, _, path = rest.partition("/")
    kind = kind.lower()
    path = unquote(path.strip("/"))
    if not kind or not path:
        return None
    if kind in _CASE_INSENSITIVE:
        path = path.lower()
    if kind == "pypi":
        path = path.replace("_", "-").replace(".", "-")
    quals = sorted(
        (k.lower(), unquote(v))
        for k, _, v in (q.partition("=") for q in query.split("&") if q)
        if k.lower() not in VERSION_QUALIFIERS and v
    )
    key = f"pkg:{kind}/{path}"
    if quals:
        key += "?" + "&".join(f"{k}={v}" for k, v in quals)
    if subpath.strip("/"):
        key += "#" + unquote(subpath.strip("/"))
    return key


def identity_key(comp: ParsedComponent) -> str:
    """The version-free identity of a component (see module docs)."""
    if comp.purl and (key := _purl_identity(comp.purl.strip())) is not None:
        return key
    return f"component:{comp.type}/{comp.group or ''}/{comp.name}"


_RUN = re.compile(r"(\d+)")


def version_sort_key(version: str | None) -> tuple[tuple[int, int, str], ...]:
    """Natural sort key: digit runs compare as numbers, the rest as text."""
    parts = _RUN.split(version or "")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


def diff_components(old: Sequence[ParsedComponent], new: Sequence[ParsedComponent]) -> SbomDiff:
    """Compare two component lists: added, removed, version-changed (deterministic order)."""
    groups: dict[str, tuple[list[ParsedComponent], list[ParsedComponent]]] = defaultdict(
        lambda: ([], [])
    )
    for c in old:
        groups[identity_key(c)][0].append(c)
    for c in new:
        groups[identity_key(c)][1].append(c)
    added: list[ParsedComponent] = []
    removed: list[ParsedComponent] = []
    changed: list[VersionChange] = []
    unchanged = 0
    for key in sorted(groups):
        olds, news = groups[key]
        pool: dict[str | None, list[int]] = defaultdict(list)
        for i, c in enumerate(news):
            pool[c.version].append(i)
        matched: set[int] = set()
        rest_old: list[ParsedComponent] = []
        for c in olds:
            if pool.get(c.version):
                matched.add(pool[c.version].pop(0))
                unchanged += 1
            else:
                rest_old.append(c)
        rest_new = [c for i, c in enumerate(news) if i not in matched]
        rest_old.sort(key=lambda c: version_sort_key(c.version))
        rest_new.sort(key=lambda c: version_sort_key(c.version))
        pairs = min(len(rest_old), len(rest_new))
        changed.extend(VersionChange(key, o, n) for o, n in zip(rest_old, rest_new, strict=False))
        removed.extend(rest_old[pairs:])
        added.extend(rest_new[pairs:])
    return SbomDiff(tuple(added), tuple(removed), tuple(changed), unchanged)


def inventory_refusal(
    new_count: int,
    previous_count: int | None,
    *,
    allow_empty: bool = False,
    allow_shrink: bool = False,
) -> str | None:
    """Why an SBOM with ``new_count`` components must not replace the current inventory.

    None when it may. An SBOM with no components would make every finding of the release
    "no longer matching"; one with fewer than half the components of the current revision is
    most likely truncated or the wrong file. Each is refused unless explicitly allowed.
    """
    if new_count == 0 and not allow_empty:
        return (
            "the SBOM lists no components; nothing was imported "
            "(use --allow-empty to replace the inventory with an empty one)"
        )
    if previous_count and new_count > 0 and new_count * 2 < previous_count and not allow_shrink:
        return (
            f"the SBOM lists {new_count} components, less than half of the {previous_count} of "
            "the current revision; nothing was imported (use --allow-shrink if that is right)"
        )
    return None


def inventory_notice(
    new_count: int, previous_count: int | None, *, allow_empty: bool, allow_shrink: bool
) -> str | None:
    """The warning to show when an allowed empty or shrunk SBOM was imported, else None."""
    if inventory_refusal(new_count, previous_count) is None:
        return None
    if new_count == 0:
        return "imported an SBOM with no components (--allow-empty): the release has none now"
    return (
        f"imported {new_count} components, down from {previous_count} (--allow-shrink): "
        "findings on the missing components will show as no longer matching"
    )
