"""endoflife.date product files (``products/<name>.md``, YAML front matter) into frozen DTOs.

Pure: bytes in, ``LifecycleProduct`` and per-entry problems out. The front matter is read with
YAML's base loader, so every scalar stays text (``releaseCycle: 3.10`` is never the float 3.1,
dates are never guessed) and medsec decides what a value means:

- ``eol``/``eoas``/``eoes``/``support``/``extendedSupport``: an ISO date, or ``true``/``false``.
  ``eol: true`` means "ended, date not published": kept (the cycle counts as ended) and reported,
  since no horizon can be computed from it.
- A cycle with an invalid date, no ``releaseCycle``, or a duplicate cycle is reported and left
  out; the rest of the file is kept. Cycles are expected newest first (by release date); a cycle
  out of that order is reported and kept.
- A file with no front matter, no ``title`` or no ``releases`` list is not a product file
  (an unknown product): reported, nothing kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

MAX_BYTES = 4 * 1024 * 1024
_FLAGS = {"true": True, "false": False}
# endoflife.date field -> our name; "eoas" is the newer name of "support" (end of active support)
DATE_FIELDS = ("eol", "eoas", "support", "eoes", "extendedSupport", "discontinued")


@dataclass(frozen=True, slots=True)
class LifecycleProblem:
    """One problem in a lifecycle file: the file, the place in it, and what is wrong."""

    source: str
    location: str
    message: str
    kept: bool = False  # True: the entry was kept despite the problem

    def __str__(self) -> str:
        return f"{self.source}: {self.location}: {self.message}"


@dataclass(frozen=True, slots=True)
class LifecycleCycle:
    """One release cycle of a product: when it came out, when support narrows and ends.

    ``eol``: a date, or True ("ended, date not published"), or None/False (not announced).
    ``active_until``: end of active support (limited, security-only support follows), if known.
    ``extended_until``: end of paid extended support, if any (informational).
    """

    cycle: str
    release_date: date | None = None
    eol: date | bool | None = None
    active_until: date | bool | None = None
    extended_until: date | bool | None = None
    lts: bool = False
    latest: str | None = None

    @property
    def eol_date(self) -> date | None:
        """The end-of-life date when one is published."""
        return self.eol if isinstance(self.eol, date) else None


@dataclass(frozen=True, slots=True)
class LifecycleProduct:
    """An endoflife.date product: its slug, title, identifiers and cycles (newest first)."""

    slug: str
    title: str
    purls: tuple[str, ...] = ()
    cpes: tuple[str, ...] = ()
    repology: tuple[str, ...] = ()
    cycles: tuple[LifecycleCycle, ...] = ()


def front_matter(text: str) -> str | None:
    """The YAML between the leading ``---`` line and the next ``---`` line, if any."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:i])
    return None


def _date_or_flag(raw: object, where: str, problems: list[str]) -> date | bool | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        problems.append(f"{where}: expected a date or true/false, found {type(raw).__name__}")
        return None
    value = raw.strip()
    if value.lower() in _FLAGS:
        return _FLAGS[value.lower()]
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"{where}: {value!r} is not a date (YYYY-MM-DD) nor true/false")
        return None


def _identifiers(raw: object) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    purls: list[str] = []
    cpes: list[str] = []
    repology: list[str] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            if not isinstance(value, str) or not value.strip():
                continue
            {"purl": purls, "cpe": cpes, "repology": repology}.get(key, []).append(value.strip())
    return tuple(purls), tuple(cpes), tuple(repology)


def parse_product(
    data: bytes | str, *, source: str, slug: str | None = None
) -> tuple[LifecycleProduct | None, list[LifecycleProblem]]:
    """One endoflife.date product file into a product (None when unusable) and its problems."""
    import yaml  # a small import, kept local like the other readers' heavy parts

    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            return None, [LifecycleProblem(source, "file", f"larger than {MAX_BYTES} bytes")]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return None, [LifecycleProblem(source, f"byte {exc.start}", "not UTF-8 text")]
    else:
        text = data
    name = slug or PurePath(source).stem
    head = front_matter(text)
    if head is None:
        return None, [LifecycleProblem(source, "line 1", "unknown product: no YAML front matter")]
    try:
        loader = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # libyaml when present
        doc = yaml.load(head, Loader=loader)  # noqa: S506 - base loaders build no objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}" if mark is not None else "front matter"
        return None, [LifecycleProblem(source, where, f"invalid YAML ({exc.__class__.__name__})")]
    if not isinstance(doc, dict) or not isinstance(doc.get("title"), str):
        return None, [LifecycleProblem(source, "/title", "unknown product: no title")]
    releases = doc.get("releases")
    if not isinstance(releases, list):
        return None, [LifecycleProblem(source, "/releases", "unknown product: no releases list")]
    problems: list[LifecycleProblem] = []
    cycles: list[LifecycleCycle] = []
    seen: set[str] = set()
    previous: date | None = None
    for i, entry in enumerate(releases):
        where = f"/releases/{i}"
        cycle, issues = _cycle(entry, where)
        released = cycle.release_date if cycle is not None else None
        if released and previous and released > previous:
            problems.append(
                LifecycleProblem(
                    source,
                    f"{where}/releaseDate",
                    f"cycle {cycle.cycle!r} ({released}) is out of order: it is newer "  # type: ignore[union-attr]
                    f"than the cycle listed before it ({previous})",
                    kept=True,
                )
            )
        previous = released or previous
        if cycle is None or issues:
            problems.extend(LifecycleProblem(source, w, m) for w, m in _split(issues, where))
            continue
        if cycle.cycle in seen:
            problems.append(
                LifecycleProblem(source, where, f"cycle {cycle.cycle!r} appears twice; left out")
            )
            continue
        seen.add(cycle.cycle)
        if cycle.eol is True:
            problems.append(
                LifecycleProblem(
                    source,
                    f"{where}/eol",
                    f"cycle {cycle.cycle!r}: eol is true without a date (kept as ended; "
                    "no end-of-life date to plan with)",
                    kept=True,
                )
            )
        cycles.append(cycle)
    purls, cpes, repology = _identifiers(doc.get("identifiers"))
    product = LifecycleProduct(
        slug=name,
        title=doc["title"].strip(),
        purls=purls,
        cpes=cpes,
        repology=repology,
        cycles=tuple(cycles),
    )
    return product, problems


def _split(issues: list[str], where: str) -> list[tuple[str, str]]:
    out = []
    for issue in issues or ["entry left out"]:
        place, sep, message = issue.partition(": ")
        out.append((place, message + "; entry left out") if sep else (where, issue))
    return out


def _cycle(entry: object, where: str) -> tuple[LifecycleCycle | None, list[str]]:
    if not isinstance(entry, dict):
        return None, [f"{where}: not a mapping"]
    name = entry.get("releaseCycle")
    if not isinstance(name, str) or not name.strip():
        return None, [f"{where}/releaseCycle: missing"]
    issues: list[str] = []
    released = _date_or_flag(entry.get("releaseDate"), f"{where}/releaseDate", issues)
    if isinstance(released, bool):
        issues.append(f"{where}/releaseDate: must be a date")
        released = None
    eol = _date_or_flag(entry.get("eol"), f"{where}/eol", issues)
    active_raw = entry.get("eoas", entry.get("support"))
    key = "eoas" if "eoas" in entry else "support"
    active = _date_or_flag(active_raw, f"{where}/{key}", issues)
    ext_key = "eoes" if "eoes" in entry else "extendedSupport"
    extended = _date_or_flag(entry.get(ext_key), f"{where}/{ext_key}", issues)
    if isinstance(eol, date) and isinstance(released, date) and eol < released:
        issues.append(f"{where}/eol: {eol} is before the release date {released}")
    if isinstance(eol, date) and isinstance(active, date) and active > eol:
        issues.append(f"{where}/{key}: {active} is after the end of life {eol}")
    lts = entry.get("lts")
    latest = entry.get("latest")
    return (
        LifecycleCycle(
            cycle=name.strip(),
            release_date=released,
            eol=eol,
            active_until=active,
            extended_until=extended,
            lts=isinstance(lts, str) and lts.strip().lower() not in ("false", ""),
            latest=latest.strip() if isinstance(latest, str) else None,
        ),
        issues,
    )
