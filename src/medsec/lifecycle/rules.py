"""Pure lifecycle decisions (seed 6.6): support phase on a date, component support from an
SBOM statement and endoflife.date, the support horizon, legacy determination and notices due.

Date convention, used everywhere here: a milestone date is the first day of the new phase. A
release whose end of life (EOL) is D is "supported" up to D-1 and in "limited support" from D;
from its end of support (EOS) E on it is "end of support". A component whose support ends on D is
still supported on D-1 and has ended on D (endoflife.date's ``eol`` is read the same way).

Component → endoflife.date product, the mapping table (documented in docs, user-extendable):
1. the user's own rows (``medsec lifecycle map``), then
2. the purls of the imported product files (``identifiers: - purl: pkg:TYPE/NS/NAME``), then
3. the built-in rows of ``BUILTIN_MAPPINGS`` below, then
4. for Linux distribution package types (deb, rpm, apk, alpm) the product's repology names,
5. the CPE vendor:product of the product files (``identifiers: - cpe:``).
A key is (purl type, name); the namespace is part of the name for every type except the
distribution types, whose namespace is the distribution (Debian's and Ubuntu's ``openssl`` are
the same upstream product). A key that two products claim at the same step is ambiguous: it maps
to nothing and is reported, never guessed; a user row that would fit two products is refused.
Version → cycle: the longest cycle name that the version starts with, followed by the end of the
version or a character other than a digit (``1.1.1n-0+deb11u5`` is in 1.1.1, ``3.10.2`` is in
3.10, not 3.1); a leading ``v`` and a Debian/RPM epoch (``1:``) are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal
from urllib.parse import unquote

from medsec.ingest.endoflife import LifecycleCycle, LifecycleProduct

Phase = Literal["supported", "limited_support", "end_of_support"]
PHASE_WORDS: dict[str, str] = {
    "supported": "supported",
    "limited_support": "limited support (security fixes only)",
    "end_of_support": "end of support",
    "unknown": "not stated",
}
LEVEL_WORDS: dict[str, str] = {
    "actively_maintained": "actively maintained",
    "limited_support": "limited support",
    "no_longer_maintained": "no longer maintained",
    "abandoned": "abandoned",
    "end_of_support": "support ended",
    "unknown": "not known",
}
DISTRO_TYPES = frozenset({"deb", "rpm", "apk", "alpm", "alpine"})
# Rows the product files lack, from the products' own packaging (documented; extend with
# `medsec lifecycle map`): (purl type, name) -> endoflife.date product slug.
BUILTIN_MAPPINGS: dict[tuple[str, str], str] = {
    ("generic", "openssl"): "openssl",
    ("github", "openssl/openssl"): "openssl",
    ("pypi", "django"): "django",
    ("npm", "express"): "express",
    ("npm", "node"): "nodejs",
    ("generic", "node"): "nodejs",
    ("generic", "nodejs"): "nodejs",
    ("github", "nodejs/node"): "nodejs",
    ("generic", "python"): "python",
    ("github", "python/cpython"): "python",
    ("generic", "linux"): "linux",
    ("github", "torvalds/linux"): "linux",
}
_DISTRO_PYTHON = re.compile(r"^python(3(\.\d+)?)?$")
_EPOCH = re.compile(r"^\d+:")


# --- release phase ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReleaseDates:
    """A release's EOL and EOS: planned (internal) and announced (told to customers)."""

    release_date: date | None = None
    eol_planned: date | None = None
    eol_announced: date | None = None
    eol_announced_on: date | None = None
    eos_planned: date | None = None
    eos_announced: date | None = None
    eos_announced_on: date | None = None

    @property
    def eol(self) -> date | None:
        """The EOL in force: the announced date, else the planned one."""
        return self.eol_announced or self.eol_planned

    @property
    def eos(self) -> date | None:
        """The EOS in force: the announced date, else the planned one."""
        return self.eos_announced or self.eos_planned


def check_dates(d: ReleaseDates) -> list[str]:
    """What is wrong with a release's lifecycle dates (empty when they are consistent)."""
    bad: list[str] = []
    for label, eol, eos in (
        ("planned", d.eol_planned, d.eos_planned),
        ("announced", d.eol_announced, d.eos_announced),
    ):
        if eol and eos and eos < eol:
            bad.append(f"the {label} end of support {eos} is before the end of life {eol}")
    if not bad and d.eol and d.eos and d.eos < d.eol:
        bad.append(f"the end of support {d.eos} is before the end of life {d.eol}")
    if d.release_date:
        for label, value in (("end of life", d.eol), ("end of support", d.eos)):
            if value and value < d.release_date:
                bad.append(f"the {label} {value} is before the release date {d.release_date}")
    for label, value, on in (
        ("end of life", d.eol_announced, d.eol_announced_on),
        ("end of support", d.eos_announced, d.eos_announced_on),
    ):
        if on and not value:
            bad.append(f"an announcement date for the {label} needs the announced date")
        if value and not on:
            bad.append(f"the announced {label} needs the date it was announced")
    return bad


def phase_on(d: ReleaseDates, on: date) -> Phase | None:
    """The support phase on a date; None when neither EOL nor EOS is set."""
    if d.eos is not None and on >= d.eos:
        return "end_of_support"
    if d.eol is not None and on >= d.eol:
        return "limited_support"
    if d.eol is None and d.eos is None:
        return None
    return "supported"


# --- component -> product and cycle -----------------------------------------------------------


def _purl_parts(purl: str) -> tuple[str, str | None, str] | None:
    """(type, namespace, name) of a purl, lower-cased; None when it is not one."""
    if not purl.startswith("pkg:"):
        return None
    body = purl[4:].split("#", 1)[0].split("?", 1)[0].split("@", 1)[0].strip("/")
    parts = [unquote(p) for p in body.split("/") if p]
    if len(parts) < 2:
        return None
    kind, *middle, name = parts
    return kind.lower(), "/".join(middle).lower() or None, name.lower()


def purl_key(purl: str | None) -> tuple[str, str] | None:
    """The mapping key (purl type, name) of a purl; distribution namespaces are dropped."""
    parts = _purl_parts(purl or "")
    if parts is None:
        return None
    kind, ns, name = parts
    if kind == "alpine":
        kind = "apk"
    if kind in DISTRO_TYPES or not ns:
        return kind, name
    return kind, f"{ns}/{name}"


def cpe_key(cpe: str | None) -> str | None:
    """``vendor:product`` of a CPE 2.2 URI or 2.3 formatted string, lower-cased."""
    text = (cpe or "").strip().lower()
    if text.startswith("cpe:2.3:"):
        parts = text.split(":")
        return f"{parts[3]}:{parts[4]}" if len(parts) > 4 and parts[3] and parts[4] else None
    if text.startswith("cpe:/"):
        parts = text[5:].split(":")
        return f"{parts[1]}:{parts[2]}" if len(parts) > 2 and parts[1] and parts[2] else None
    return None


@dataclass(frozen=True, slots=True)
class MappingTable:
    """purl keys and CPE keys to product slugs, and the keys that are ambiguous."""

    purls: Mapping[tuple[str, str], str]
    cpes: Mapping[str, str]
    ambiguous: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    origin: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def product_for(self, purl: str | None, cpe: str | None) -> tuple[str, str] | None:
        """(product slug, how it was found) for a component's purl or CPE."""
        key = purl_key(purl)
        if key is not None:
            found = self.purls.get(key)
            if found is None and key[0] in DISTRO_TYPES and _DISTRO_PYTHON.match(key[1]):
                found = self.purls.get((key[0], "python")) or self.purls.get(("generic", "python"))
            if found is not None:
                return found, f"purl {key[0]}/{key[1]} ({self.origin.get(key, 'mapping')})"
        ck = cpe_key(cpe)
        if ck is not None and ck in self.cpes:
            return self.cpes[ck], f"CPE {ck}"
        return None


def _claim(
    table: dict[Any, str], ambiguous: dict[str, set[str]], claims: Iterable[tuple[Any, str]]
) -> dict[Any, str]:
    """Keys claimed at one step: a key two products claim is ambiguous (kept out)."""
    step: dict[Any, set[str]] = {}
    for key, slug in claims:
        step.setdefault(key, set()).add(slug)
    added: dict[Any, str] = {}
    for key, slugs in step.items():
        label = "/".join(key) if isinstance(key, tuple) else str(key)
        if key in table or label in ambiguous:
            continue
        if len(slugs) > 1:
            ambiguous[label] = slugs
            continue
        table[key] = added[key] = next(iter(slugs))
    return added


def build_mapping(
    products: Sequence[LifecycleProduct], user_rows: Iterable[tuple[str, str, str]] = ()
) -> MappingTable:
    """The mapping table from the user's rows, the product files and the built-in rows."""
    known = {p.slug for p in products}
    purls: dict[tuple[str, str], str] = {}
    origin: dict[tuple[str, str], str] = {}
    ambiguous: dict[str, set[str]] = {}
    steps: list[tuple[str, list[tuple[tuple[str, str], str]]]] = [
        (
            "your mapping",
            [(k, s) for t, n, s in user_rows if (k := purl_key(f"pkg:{t}/{n}")) is not None],
        ),
        (
            "product file",
            [(k, p.slug) for p in products for u in p.purls if (k := purl_key(u)) is not None],
        ),
        ("built-in", [(k, s) for k, s in BUILTIN_MAPPINGS.items() if s in known]),
        (
            "repology name",
            [((t, r.lower()), p.slug) for p in products for r in p.repology for t in DISTRO_TYPES],
        ),
    ]
    for label, claims in steps:
        for key in _claim(purls, ambiguous, claims):
            origin[key] = label
    cpes: dict[str, str] = {}
    _claim(
        cpes,
        ambiguous,
        [(ck, p.slug) for p in products for c in p.cpes if (ck := cpe_key(c)) is not None],
    )
    return MappingTable(
        purls, cpes, {k: tuple(sorted(v)) for k, v in sorted(ambiguous.items())}, origin
    )


def check_user_mapping(
    purl_type: str, name: str, product: str, products: Sequence[LifecycleProduct]
) -> list[str]:
    """Why a user mapping row is refused (empty: accepted): unknown product, or a key that
    another product's files already claim (it would fit two products)."""
    slugs = {p.slug for p in products}
    if product not in slugs:
        return [f"unknown product {product!r}: import its endoflife.date file first"]
    key = purl_key(f"pkg:{purl_type}/{name}")
    if key is None:
        return [f"pkg:{purl_type}/{name} is not a package URL type and name"]
    table = build_mapping(products)
    other = table.purls.get(key)
    if other is not None and other != product:
        return [
            f"pkg:{key[0]}/{key[1]} already maps to {other!r} ({table.origin.get(key)}); "
            f"mapping it to {product!r} too would fit two products"
        ]
    if "/".join(key) in table.ambiguous:
        fits = ", ".join(table.ambiguous["/".join(key)])
        return [f"pkg:{key[0]}/{key[1]} fits several products ({fits}); refused"]
    return []


def _clean_version(version: str) -> str:
    text = version.strip()
    text = _EPOCH.sub("", text)
    if text[:1] in ("v", "V") and text[1:2].isdigit():
        text = text[1:]
    return text


def cycle_for(version: str | None, cycles: Sequence[LifecycleCycle]) -> LifecycleCycle | None:
    """The product cycle a version belongs to (longest boundary-respecting prefix)."""
    if not version:
        return None
    text = _clean_version(version).lower()
    best: LifecycleCycle | None = None
    for c in cycles:
        name = c.cycle.lower()
        if not text.startswith(name):
            continue
        rest = text[len(name) :]
        if rest and rest[0].isdigit():
            continue
        if best is None or len(name) > len(best.cycle):
            best = c
    return best


# --- component support ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComponentFacts:
    """What is known of a component: identity and the SBOM's (or a person's) support statement."""

    ref: str
    name: str
    version: str | None = None
    purl: str | None = None
    cpe: str | None = None
    stated_level: str | None = None
    stated_end: date | None = None
    stated_source: str | None = None  # "sbom" | "manual"


@dataclass(frozen=True, slots=True)
class ComponentSupport:
    """A component's support on a date, where it comes from, and any disagreement."""

    ref: str
    name: str
    version: str | None
    level: str  # one of LEVEL_WORDS
    end_of_support: date | None
    ended_undated: bool  # endoflife.date says ended without a date
    limited_from: date | None
    source: str | None  # "sbom" | "manual" | "endoflife.date" | None
    product: str | None = None
    cycle: str | None = None
    matched_by: str | None = None
    conflict: str | None = None

    @property
    def ended(self) -> bool:
        """True when its support has ended on the date it was computed for."""
        return self.level == "end_of_support"

    def to_dict(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {
            "ref": self.ref,
            "name": self.name,
            "version": self.version,
            "level": self.level,
            "end_of_support": self.end_of_support.isoformat() if self.end_of_support else None,
            "ended_without_date": self.ended_undated,
            "limited_support_from": self.limited_from.isoformat() if self.limited_from else None,
            "source": self.source,
            "lifecycle_product": self.product,
            "lifecycle_cycle": self.cycle,
            "matched_by": self.matched_by,
            "conflict": self.conflict,
        }


def component_support(
    facts: ComponentFacts,
    on: date,
    *,
    cycle: LifecycleCycle | None = None,
    product: str | None = None,
    matched_by: str | None = None,
) -> ComponentSupport:
    """The support level on ``on``: the SBOM's (or a person's) end of support takes precedence
    over endoflife.date's; a disagreement between them is returned as ``conflict``."""
    known_end = cycle.eol_date if cycle else None
    undated = bool(cycle and cycle.eol is True)
    limited = (
        cycle.active_until if cycle and isinstance(cycle.active_until, date) else None
    ) or None
    conflict = None
    end: date | None
    source: str | None
    if facts.stated_end is not None:
        end, source = facts.stated_end, facts.stated_source or "sbom"
        if known_end is not None and known_end != facts.stated_end:
            conflict = (
                f"the {'SBOM' if source == 'sbom' else 'manual entry'} says support ends "
                f"{facts.stated_end}; endoflife.date says {product} {cycle.cycle if cycle else ''} "
                f"ends {known_end}"
            )
        elif undated:
            conflict = (
                f"the SBOM says support ends {facts.stated_end}; endoflife.date says {product} "
                f"{cycle.cycle if cycle else ''} has already ended (no date published)"
            )
        undated = False
    elif cycle is not None:
        end, source = known_end, "endoflife.date"
    else:
        end, source = None, facts.stated_source if facts.stated_level else None
    if (end is not None and on >= end) or undated:
        level = "end_of_support"
    elif facts.stated_level in ("abandoned", "no_longer_maintained", "end_of_support"):
        level = facts.stated_level
    elif limited is not None and on >= limited:
        level = "limited_support"
    elif end is not None or cycle is not None:
        level = "actively_maintained"
    elif facts.stated_level and facts.stated_level != "unknown":
        # a stated label with no date: true only as of when it was written
        level = facts.stated_level
    else:
        level = "unknown"
    if (
        conflict is None
        and facts.stated_level in ("actively_maintained",)
        and level == "end_of_support"
        and facts.stated_end is None
    ):
        conflict = (
            f"the SBOM says actively maintained; endoflife.date says {product} "
            f"{cycle.cycle if cycle else ''} support ended {end or '(no date published)'}"
        )
    return ComponentSupport(
        ref=facts.ref,
        name=facts.name,
        version=facts.version,
        level=level,
        end_of_support=end,
        ended_undated=undated,
        limited_from=limited,
        source=source,
        product=product,
        cycle=cycle.cycle if cycle else None,
        matched_by=matched_by,
        conflict=conflict,
    )


def assess_components(
    components: Iterable[ComponentFacts],
    on: date,
    table: MappingTable,
    cycles: Mapping[str, Sequence[LifecycleCycle]],
) -> list[ComponentSupport]:
    """Support of many components on a date: one pass, lookups in dicts (no per-row queries)."""
    out: list[ComponentSupport] = []
    product_cache: dict[tuple[str | None, str | None], tuple[str, str] | None] = {}
    cycle_cache: dict[tuple[str, str | None], LifecycleCycle | None] = {}
    for f in components:
        key = (f.purl.split("@", 1)[0] if f.purl else None, cpe_key(f.cpe))
        if key not in product_cache:
            product_cache[key] = table.product_for(f.purl, f.cpe)
        found = product_cache[key]
        cycle = None
        if found is not None:
            ckey = (found[0], f.version)
            if ckey not in cycle_cache:
                cycle_cache[ckey] = cycle_for(f.version, cycles.get(found[0], ()))
            cycle = cycle_cache[ckey]
        out.append(
            component_support(
                f,
                on,
                cycle=cycle,
                product=found[0] if found and cycle else None,
                matched_by=found[1] if found and cycle else None,
            )
        )
    return out


# --- horizon ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Horizon:
    """A release's support horizon: the earliest component end of support, and the warnings."""

    end: date | None
    components: tuple[ComponentSupport, ...]  # the ones ending first (ties)
    warnings: tuple[str, ...]
    counted: int
    with_date: int
    ended: tuple[ComponentSupport, ...]
    conflicts: tuple[ComponentSupport, ...]

    def to_dict(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {
            "horizon": self.end.isoformat() if self.end else None,
            "set_by": [c.to_dict() for c in self.components],
            "warnings": list(self.warnings),
            "components": self.counted,
            "components_with_end_of_support": self.with_date,
            "ended": [c.to_dict() for c in self.ended],
            "conflicts": [c.to_dict() for c in self.conflicts],
        }


def horizon(supports: Sequence[ComponentSupport], dates: ReleaseDates, on: date) -> Horizon:
    """The earliest component end of support and the warnings (seed 6.6.1, 6.6.2 b)."""
    dated = [s for s in supports if s.end_of_support is not None]
    end = min((s.end_of_support for s in dated), default=None)  # type: ignore[type-var]
    first = tuple(s for s in dated if s.end_of_support == end)
    warnings: list[str] = []
    shipped = dates.release_date
    for s in sorted(dated, key=lambda s: (s.end_of_support, s.name)):
        eos = s.end_of_support
        assert eos is not None
        label = f"{s.name} {s.version or ''}".strip()
        if shipped and eos <= shipped:
            warnings.append(
                f"{label}: support had already ended ({eos}) when the release shipped ({shipped})"
            )
        elif dates.eos and eos < dates.eos:
            warnings.append(
                f"{label}: support ends {eos}, before the release's end of support {dates.eos}"
            )
    for s in supports:
        if s.ended_undated:
            label = f"{s.name} {s.version or ''}".strip()
            warnings.append(f"{label}: support has ended ({s.product} {s.cycle}; no date given)")
    ended = tuple(s for s in supports if s.ended)
    return Horizon(
        end=end,
        components=first,
        warnings=tuple(warnings),
        counted=len(supports),
        with_date=len(dated),
        ended=ended,
        conflicts=tuple(s for s in supports if s.conflict),
    )


# --- legacy -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Control:
    """A compensating control that keeps an at-risk device reasonably protected, until a date."""

    name: str
    until: date | None = None

    def active(self, on: date) -> bool:
        """True while the control is in force (``until`` is its last day)."""
        return self.until is None or on <= self.until


LegacyStatus = Literal["legacy", "at_risk", "not_legacy", "unknown"]


@dataclass(frozen=True, slots=True)
class LegacyVerdict:
    """Legacy determination with its reasons and the controls that matter."""

    status: LegacyStatus
    reasons: tuple[str, ...]
    controls: tuple[Control, ...] = ()
    protected_until: date | None = None

    def to_dict(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {
            "status": self.status,
            "reasons": list(self.reasons),
            "controls": [
                {"name": c.name, "until": c.until.isoformat() if c.until else None}
                for c in self.controls
            ],
            "protected_until": self.protected_until.isoformat() if self.protected_until else None,
        }


def legacy(
    *,
    eos: date | None,
    ended: Sequence[tuple[str, date | None]],
    controls: Sequence[Control],
    on: date,
    patchable: bool = False,
) -> LegacyVerdict:
    """Legacy per seed 6.6: past EOS is legacy (the residual risk passes to the provider);
    before EOS, components past their support that cannot be patched make it at risk, reasonably
    protected only while a compensating control is in force. Works for releases and assets."""
    if eos is not None and on >= eos:
        return LegacyVerdict(
            "legacy",
            (
                f"past its cybersecurity end of support ({eos}): the manufacturer no longer "
                "provides security updates and the residual risk passes to the provider",
            ),
        )
    if not ended:
        if eos is None:
            return LegacyVerdict("unknown", ("no end of support is set for this release",))
        return LegacyVerdict("not_legacy", (f"supported until {eos}",))
    reasons = [
        f"{name}: support ended {when}" if when else f"{name}: support has ended (no date given)"
        for name, when in ended
    ]
    if patchable:
        reasons.append("an update that replaces these components can be installed")
        return LegacyVerdict("not_legacy", tuple(reasons))
    active = tuple(c for c in controls if c.active(on))
    if active:
        ends = [c.until for c in active if c.until is not None]
        until = None if len(ends) < len(active) else max(ends)
        reasons.append(
            "reasonably protected by compensating controls" + (f" until {until}" if until else "")
        )
        return LegacyVerdict("at_risk", tuple(reasons), active, until)
    expired = [c for c in controls if not c.active(on)]
    reasons.append(
        "no compensating control in force"
        + (f" (expired: {', '.join(f'{c.name} on {c.until}' for c in expired)})" if expired else "")
    )
    return LegacyVerdict("at_risk", tuple(reasons), ())


# --- notices ----------------------------------------------------------------------------------

Milestone = Literal["eol", "eos", "component_eos"]


@dataclass(frozen=True, slots=True)
class NoticeRule:
    """Send a notice ``months_before`` a milestone (0: on the day)."""

    milestone: Milestone
    months_before: int


DEFAULT_SCHEDULE: tuple[NoticeRule, ...] = (
    NoticeRule("eol", 24),
    NoticeRule("eol", 12),
    NoticeRule("eos", 6),
    NoticeRule("component_eos", 0),
)
DEFAULT_WINDOW_DAYS = 90


def parse_schedule(obj: object, *, source: str) -> tuple[tuple[NoticeRule, ...], int]:
    """A schedule from ``{"notices": [{"milestone": "eol", "months_before": 24}, ...],
    "window_days": 90}``; ValueError naming the place of the first problem."""
    if not isinstance(obj, dict) or not isinstance(obj.get("notices"), list):
        raise ValueError(f"{source}: /notices: expected a list of notices")
    rules: list[NoticeRule] = []
    for i, item in enumerate(obj["notices"]):
        where = f"{source}: /notices/{i}"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: expected an object")
        milestone, months = item.get("milestone"), item.get("months_before", 0)
        if milestone not in ("eol", "eos", "component_eos"):
            raise ValueError(f"{where}/milestone: one of eol, eos, component_eos")
        if not isinstance(months, int) or isinstance(months, bool) or not 0 <= months <= 120:
            raise ValueError(f"{where}/months_before: a whole number from 0 to 120")
        rules.append(NoticeRule(milestone, months))
    window = obj.get("window_days", DEFAULT_WINDOW_DAYS)
    if not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= 366:
        raise ValueError(f"{source}: /window_days: a whole number from 1 to 366")
    return tuple(rules), window


def months_before(d: date, months: int) -> date:
    """The same day ``months`` earlier (clamped to the month's last day)."""
    total = d.year * 12 + d.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True, slots=True)
class NoticeDue:
    """A notice to send: which milestone, its date, when the notice is due, and about what."""

    key: str
    milestone: Milestone
    milestone_date: date
    months_before: int
    due_on: date
    subject: str  # the release, or the component
    component: ComponentSupport | None = None

    def to_dict(self) -> dict[str, Any]:
        """Stable JSON form."""
        return {
            "key": self.key,
            "milestone": self.milestone,
            "milestone_date": self.milestone_date.isoformat(),
            "months_before": self.months_before,
            "due_on": self.due_on.isoformat(),
            "subject": self.subject,
            "component": self.component.to_dict() if self.component else None,
        }


def notices_due(
    dates: ReleaseDates,
    components: Sequence[ComponentSupport],
    schedule: Sequence[NoticeRule],
    on: date,
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    release: str = "",
) -> list[NoticeDue]:
    """Notices due on ``on``: a notice is due from its due date for ``window_days`` days
    (so a notice missed by a day is still listed, and old ones drop off)."""
    out: list[NoticeDue] = []
    window = timedelta(days=window_days)

    def add(rule: NoticeRule, when: date, subject: str, comp: ComponentSupport | None) -> None:
        due = months_before(when, rule.months_before)
        if due <= on < due + window:
            key = f"{rule.milestone}-{rule.months_before}m-{subject}".replace(" ", "_")
            out.append(NoticeDue(key, rule.milestone, when, rule.months_before, due, subject, comp))

    for rule in schedule:
        if rule.milestone == "eol" and dates.eol:
            add(rule, dates.eol, release, None)
        elif rule.milestone == "eos" and dates.eos:
            add(rule, dates.eos, release, None)
        elif rule.milestone == "component_eos":
            seen: set[str] = set()
            for c in components:
                label = f"{c.name}@{c.version or ''}"
                if c.end_of_support is not None and label not in seen:
                    seen.add(label)
                    add(rule, c.end_of_support, label, c)
    return sorted(out, key=lambda n: (n.due_on, n.key))
