"""NVD applicability: CPE match criteria and configurations against a device's CPE names.

Rules (see STANDARDS.md §4; versions ordered by ``medsec.core.versions.generic``):

* part, vendor and product must be EQUAL (concrete, case-insensitive); a wildcard or ANY vendor
  or product in a criterion matches nothing. A component without a CPE matches nothing.
* update, edition, language, sw_edition, target_sw, target_hw, other: NISTIR 7696 relation of the
  criterion value to the name value must be SUPERSET or EQUAL (so a criterion value is *not*
  satisfied by an ANY in the name: the name does not say it has that value).
* version without bounds: ANY matches every version, NA only NA, a concrete value is compared
  with the generic comparator (``1.0 == 1.0.0``), a wildcard value by NISTIR 7696 patterns.
* version with bounds (versionStart/End Including/Excluding): the criterion's version counts as
  ANY and the name's version must be concrete and inside the bounds. A name whose version is ANY
  or NA never satisfies bounds: ANY means the version is unknown (a guess either way) and NA
  means the product has no versions, so there is nothing to order.
* update with bounds: when the criterion's update is ANY, a concrete update of the name is
  folded into the compared version (``2.0`` update ``beta1`` is compared as ``2.0-beta1``, below
  ``2.0``; ``sp1`` is above). A criterion that names an update only matches that update.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from medsec.core.cpe import (
    ANY,
    NA,
    Cpe,
    InvalidCpe,
    Relation,
    compare_attribute,
    has_wildcard,
    parse_cpe,
)
from medsec.core.versions.generic import generic_key
from medsec.ingest.vuln_model import CpeConfiguration, CpeMatch, VulnRecord

_OK = (Relation.SUPERSET, Relation.EQUAL)
_OTHER = slice(4, 11)  # update .. other (version is index 3)


@dataclass(frozen=True, slots=True)
class CpeVerdict:
    """Why one criterion matched one CPE name, and where the criterion sits in the record."""

    criterion: CpeMatch
    cpe: str  # the matched name as a CPE 2.3 formatted string
    version: str | None  # the name's version as compared (update folded in), None if unchecked
    rule: str  # the version test that held, e.g. "2.1 >= 2.0 (start incl.) and 2.1 < 3.0 (...)"
    configuration: int | None = None
    node: int | None = None
    match: int | None = None
    platforms: tuple[str, ...] = ()  # "criterion <- name" of the running-on/with nodes that held

    @property
    def explanation(self) -> str:
        """One line for people: where in the record, which criterion, which name, which versions."""
        where = ""
        if self.configuration is not None:
            where = f"configurations[{self.configuration}].nodes[{self.node}]"
            where += f".cpeMatch[{self.match}]: "
        text = f"{where}{self.criterion.criteria} matches {self.cpe} ({self.rule})"
        if self.platforms:
            text += "; with " + ", ".join(self.platforms)
        return text


def _bounds(c: CpeMatch) -> list[tuple[str, str, str]]:
    """(operator, bound, label) for each bound the criterion states."""
    out = []
    for op, value, label in (
        (">=", c.version_start_including, "start incl."),
        (">", c.version_start_excluding, "start excl."),
        ("<=", c.version_end_including, "end incl."),
        ("<", c.version_end_excluding, "end excl."),
    ):
        if value and value not in (ANY, NA):  # NVD writes versionStartIncluding "-": no bound
            out.append((op, value, label))
    return out


def _holds(op: str, version: str, bound: str) -> bool:
    a, b = generic_key(version), generic_key(bound)
    return {">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b}[op]


@lru_cache(maxsize=65536)
def _criterion(text: str) -> Cpe | None:
    try:
        return parse_cpe(text)
    except InvalidCpe:
        return None


@lru_cache(maxsize=65536)
def _criterion_key(text: str) -> tuple[str, str, str] | None:
    crit = _criterion(text)
    return None if crit is None else _key(crit)


def _same(source: str, target: str) -> bool:
    """EQUAL for vendor/product: both concrete, no wildcard, same text ignoring case."""
    return source not in (ANY, NA) and not has_wildcard(source) and source.lower() == target.lower()


def _concrete(value: str) -> bool:
    return value not in (ANY, NA) and not has_wildcard(value)


def criterion_matches(criterion: CpeMatch, cpe: Cpe) -> CpeVerdict | None:
    """The verdict when ``criterion`` is satisfied by the name ``cpe``; None otherwise.

    An unparsable criterion string matches nothing.
    """
    crit = _criterion(criterion.criteria)
    if crit is None or crit.part == ANY or crit.part != cpe.part:
        return None
    if not (_same(crit.vendor, cpe.vendor) and _same(crit.product, cpe.product)):
        return None
    for s, t in zip(crit.values()[_OTHER], cpe.values()[_OTHER], strict=True):
        if s != ANY and compare_attribute(s, t) not in _OK:
            return None
    bounds = _bounds(criterion)
    if not bounds:
        if not _concrete(crit.version):
            if compare_attribute(crit.version, cpe.version) not in _OK:
                return None
            shown = {ANY: "ANY", NA: "NA"}.get(crit.version, crit.text("version"))
            return CpeVerdict(criterion, cpe.to_fs(), None, f"criterion version {shown}")
        if not _concrete(cpe.version):
            return None
        mine, theirs = cpe.text("version"), crit.text("version")
        if generic_key(mine) != generic_key(theirs):
            return None
        return CpeVerdict(criterion, cpe.to_fs(), mine, f"version {mine} == {theirs}")
    if not _concrete(cpe.version):
        return None
    version = cpe.text("version")
    if crit.update == ANY and _concrete(cpe.update):  # a criterion's own update is matched above
        version = f"{version}-{cpe.text('update')}"
    if not all(_holds(op, version, b) for op, b, _ in bounds):
        return None
    rule = " and ".join(f"{version} {op} {b} ({label})" for op, b, label in bounds)
    return CpeVerdict(criterion, cpe.to_fs(), version, f"version {rule}")


class _Names:
    """The CPE names known for a device, bucketed by (part, vendor, product) for lookups."""

    def __init__(self, names: Iterable[Cpe], extra: Cpe | None = None) -> None:
        self.by_key: dict[tuple[str, str, str], list[Cpe]] = defaultdict(list)
        for n in dict.fromkeys(names):
            self.by_key[_key(n)].append(n)
        self.extra = extra

    def with_extra(self, name: Cpe) -> _Names:
        """The same names plus ``name`` (the bucket dict is shared, not copied)."""
        twin = _Names(())
        twin.by_key = self.by_key
        twin.extra = None if name in self.by_key.get(_key(name), ()) else name
        return twin

    def find(self, m: CpeMatch) -> list[CpeVerdict]:
        """Verdicts of ``m`` against every known name of its part, vendor and product."""
        key = _criterion_key(m.criteria)
        if key is None:
            return []
        names = list(self.by_key.get(key, ()))
        if self.extra is not None and _key(self.extra) == key:
            names.append(self.extra)
        found = (criterion_matches(m, n) for n in names)
        return [v for v in found if v is not None]


def _key(c: Cpe) -> tuple[str, str, str]:
    return (c.part, c.vendor.lower(), c.product.lower())


def _combine(operator: str, values: list[bool]) -> bool:
    return all(values) if operator.upper() == "AND" else any(values)


def _names_target(cfg: CpeConfiguration, key: tuple[str, str, str]) -> bool:
    """True when some vulnerable criterion of ``cfg`` could name a CPE with this key."""
    return any(
        m.vulnerable and _criterion_key(m.criteria) == key for n in cfg.nodes for m in n.matches
    )


def _evaluate(
    configs: Sequence[CpeConfiguration], names: _Names, target: Cpe | None
) -> list[CpeVerdict]:
    out: list[CpeVerdict] = []
    key, fs = (_key(target), target.to_fs()) if target is not None else (None, None)
    memo: dict[CpeMatch, list[CpeVerdict]] = {}
    for ci, cfg in enumerate(configs):
        if key is not None and not _names_target(cfg, key):
            continue  # cannot name the target: skip the work
        is_and = (cfg.operator or "OR").upper() == "AND"
        node_values: list[bool] = []
        vulnerable: list[CpeVerdict] = []
        platforms: list[str] = []
        for ni, node in enumerate(cfg.nodes):
            for m in node.matches:
                if m not in memo:
                    memo[m] = names.find(m)
            hits = [memo[m] for m in node.matches]
            value = _combine(node.operator, [bool(h) for h in hits]) != node.negate
            node_values.append(value)
            if is_and and not value:
                break
            if not value or node.negate:
                continue
            for mi, (m, found) in enumerate(zip(node.matches, hits, strict=True)):
                for v in found:
                    if m.vulnerable and (fs is None or v.cpe == fs):
                        vulnerable.append(replace(v, configuration=ci, node=ni, match=mi))
                    elif not m.vulnerable:
                        platforms.append(f"{m.criteria} <- {v.cpe}")
        if cfg.negate or not _combine(cfg.operator or "OR", node_values):
            continue
        out.extend(replace(v, platforms=tuple(platforms)) for v in vulnerable)
    return out


def evaluate_configurations(
    configs: Sequence[CpeConfiguration], component_cpes: Sequence[Cpe]
) -> list[CpeVerdict]:
    """Verdicts of vulnerable criteria matching any of the names, in configurations that hold.

    A configuration holds when its nodes combine (operator, default OR) to true; a node is the
    OR/AND over its criteria, each true when some name satisfies it, inverted by ``negate``.
    Negated nodes and configurations never name an affected CPE.
    """
    return _evaluate(configs, _Names(component_cpes), None)


def evaluate_for_component(
    configs: Sequence[CpeConfiguration], component: Cpe, platform: Sequence[Cpe] = ()
) -> list[CpeVerdict]:
    """Verdicts naming ``component`` itself; ``platform`` holds the other CPEs of its release."""
    return _evaluate(configs, _Names(platform).with_extra(component), component)


@dataclass(frozen=True, slots=True)
class CpeComponent:
    """A component to match: its id, its own CPE (or None) and the other CPEs of its release."""

    component_id: str
    cpe: str | None
    platform_cpes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CpeHit:
    """A record that applies to a component, with every criterion verdict that named it."""

    component_id: str
    record_id: str
    source: str
    verdicts: tuple[CpeVerdict, ...]


@dataclass(frozen=True, slots=True)
class CpeMiss:
    """A component that matched no record, and why (no CPE, invalid CPE, no criteria apply)."""

    component_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class CpeMatchReport:
    """The outcome of one batch: hits and the components left unmatched."""

    hits: tuple[CpeHit, ...]
    unmatched: tuple[CpeMiss, ...]


class CpeIndex:
    """Records bucketed by the (vendor, product) of their vulnerable criteria, for batches."""

    def __init__(
        self, buckets: dict[tuple[str, str], list[VulnRecord]], invalid: list[str]
    ) -> None:
        """Use ``CpeIndex.build``; ``invalid`` lists criteria that did not parse."""
        self.buckets = buckets
        self.invalid_criteria = tuple(invalid)  # "record id: criteria: reason" for bad criteria

    @classmethod
    def build(cls, records: Iterable[VulnRecord]) -> CpeIndex:
        """Index every record with configurations; criteria that do not parse are listed."""
        buckets: dict[tuple[str, str], list[VulnRecord]] = defaultdict(list)
        invalid: list[str] = []
        for rec in records:
            keys: dict[tuple[str, str], None] = {}
            for cfg in rec.configurations:
                for node in cfg.nodes:
                    for m in node.matches:
                        try:
                            crit = parse_cpe(m.criteria)
                        except InvalidCpe as exc:
                            invalid.append(f"{rec.id}: {m.criteria}: {exc}")
                            continue
                        if m.vulnerable:
                            keys[(crit.vendor.lower(), crit.product.lower())] = None
            for k in keys:
                buckets[k].append(rec)
        return cls(dict(buckets), invalid)

    def may_name(self, cpe: str) -> bool:
        """False when the CPE is valid and no vulnerable criterion names its vendor and product."""
        try:
            parsed = parse_cpe(cpe)
        except InvalidCpe:
            return True  # ``match`` reports it
        return (parsed.vendor.lower(), parsed.product.lower()) in self.buckets

    def match(
        self, components: Iterable[CpeComponent], *, explain_unnamed: bool = True
    ) -> CpeMatchReport:
        """Match components (own CPE + release platform CPEs) against the indexed records;
        ``explain_unnamed=False`` leaves out the misses of CPEs no record names (most of them)."""
        hits: list[CpeHit] = []
        misses: list[CpeMiss] = []
        platforms: dict[tuple[str, ...], _Names] = {}
        last: tuple[tuple[str, ...] | None, _Names] = (None, _Names(()))
        for comp in components:
            if not comp.cpe:
                misses.append(CpeMiss(comp.component_id, "no CPE: CPE criteria cannot apply"))
                continue
            try:
                cpe = parse_cpe(comp.cpe)
            except InvalidCpe as exc:
                misses.append(CpeMiss(comp.component_id, f"invalid CPE {comp.cpe!r}: {exc}"))
                continue
            records = self.buckets.get((cpe.vendor.lower(), cpe.product.lower()), [])
            if not records:
                if explain_unnamed:
                    label = f"{cpe.text('vendor')}:{cpe.text('product')}"
                    reason = f"no vulnerable criterion names {label}"
                    misses.append(CpeMiss(comp.component_id, reason))
                continue
            label = f"{cpe.text('vendor')}:{cpe.text('product')}"
            if comp.platform_cpes is not last[0]:  # a release shares one tuple: skip hashing it
                names = platforms.get(comp.platform_cpes)
                if names is None:
                    names = platforms[comp.platform_cpes] = _Names(_valid(comp.platform_cpes))
                last = (comp.platform_cpes, names)
            names = last[1]
            found = 0
            for rec in records:
                verdicts = _evaluate(rec.configurations, names.with_extra(cpe), cpe)
                if verdicts:
                    found += 1
                    hits.append(CpeHit(comp.component_id, rec.id, rec.source, tuple(verdicts)))
            if not found:
                reason = f"{len(records)} record(s) name {label}; no configuration applies"
                misses.append(CpeMiss(comp.component_id, reason))
        return CpeMatchReport(tuple(hits), tuple(misses))


def _valid(cpes: Iterable[str]) -> Iterable[Cpe]:
    for text in cpes:
        try:
            yield parse_cpe(text)
        except InvalidCpe:
            continue
