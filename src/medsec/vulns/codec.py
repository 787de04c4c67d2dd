"""Store vulnerability records as rows and get them back as DTOs; derive their lookup keys."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from sys import intern
from typing import Any

import orjson

from medsec.core.cpe import cpe_key
from medsec.core.purl import normalize_name
from medsec.core.versions import ecosystem_base
from medsec.ingest.vuln_model import (
    AffectedPackage,
    AffectedRange,
    CpeConfiguration,
    CpeMatch,
    CpeNode,
    RangeEvent,
    SeverityScore,
    VulnRecord,
)
from medsec.vulns.schemas import AdvisoryValues


def content_hash(record: VulnRecord) -> str:
    """A digest of everything a record says (re-importing identical content changes nothing)."""
    return hashlib.sha256(orjson.dumps(record, option=orjson.OPT_SORT_KEYS)).hexdigest()


def record_values(record: VulnRecord) -> AdvisoryValues:
    """The advisory columns that come from the record itself."""
    values: AdvisoryValues = {
        "source": record.source,
        "source_id": record.id,
        "modified": record.modified,
        "published": record.published,
        "withdrawn": record.withdrawn,
        "summary": record.summary,
        "details": record.details,
        "aliases": list(record.aliases),
        "severities": _plain(record.severities),
        "references": list(record.references),
        "cwes": list(record.cwes),
        "affected": _plain(record.affected),
        "configurations": _plain(record.configurations),
        "content_hash": content_hash(record),
    }
    values["match_form"] = match_form(values)
    return values


def match_form(values: Any) -> str:
    """The compact JSON text matching reads instead of the full record (stored per advisory).

    ``[withdrawn?, [[ecosystem, name, [[range type, [[kind, value], ...]], ...], versions],
    ...], configurations]`` from the plain ``withdrawn``, ``affected`` and ``configurations``
    values (a mapping or row with those names).
    """
    get = values.__getitem__ if isinstance(values, dict) else values.__getattribute__
    affected = [
        [
            a["ecosystem"],
            a["name"],
            [
                [r["type"], [[e["kind"], e["value"]] for e in r["events"]]]
                for r in a.get("ranges") or ()
            ],
            list(a.get("versions") or ()),
        ]
        for a in get("affected") or ()
    ]
    form = [get("withdrawn") is not None, affected, list(get("configurations") or ())]
    return orjson.dumps(form).decode()


def match_parts(
    rows: Iterable[Any], cpe_records: list[VulnRecord]
) -> Iterator[tuple[str, list[Any]]]:
    """From rows (source, source_id, match_form), one at a time: the compact affected packages
    of every non-withdrawn record; records with CPE configurations are appended to
    ``cpe_records`` (only what matching reads). Version strings are interned: the same
    versions recur across records, and the index keeps them."""
    for row in rows:
        withdrawn, affected, configurations = orjson.loads(row.match_form)
        if affected and not withdrawn:
            for package in affected:
                for rng in package[2]:
                    rng[1] = [(kind, intern(value)) for kind, value in rng[1]]
                package[3] = [intern(v) for v in package[3]]
            yield row.source_id, affected
        if configurations:
            cpe_records.append(
                VulnRecord(
                    source=row.source,
                    id=row.source_id,
                    configurations=tuple(_configuration(c) for c in configurations),
                )
            )


def _plain(items: tuple[Any, ...]) -> list[Any]:
    """Dataclasses as plain lists/dicts (orjson serialises dataclasses natively and fast)."""
    return orjson.loads(orjson.dumps(items)) if items else []


def to_record(row: Any) -> VulnRecord:
    """An advisory row (ORM object or mapping with the same names) back as a VulnRecord."""
    get = row.__getitem__ if isinstance(row, dict) else row.__getattribute__
    return VulnRecord(
        source=get("source"),
        id=get("source_id"),
        modified=get("modified"),
        published=get("published"),
        withdrawn=get("withdrawn"),
        aliases=tuple(get("aliases") or ()),
        summary=get("summary"),
        details=get("details"),
        severities=tuple(SeverityScore(**s) for s in get("severities") or ()),
        affected=tuple(_affected(a) for a in get("affected") or ()),
        configurations=tuple(_configuration(c) for c in get("configurations") or ()),
        references=tuple(get("references") or ()),
        cwes=tuple(get("cwes") or ()),
    )


def to_shown_record(row: Any) -> VulnRecord:
    """A VulnRecord with only what a finding shows (source, id, dates, withdrawn, summary,
    severities) from a light advisory row."""
    return VulnRecord(
        source=row.source,
        id=row.source_id,
        modified=row.modified,
        published=row.published,
        withdrawn=row.withdrawn,
        summary=row.summary,
        severities=tuple(SeverityScore(**s) for s in row.severities or ()),
    )


def to_match_record(row: Any) -> VulnRecord:
    """A VulnRecord with only what matching reads (id, aliases, withdrawn, affected, CPEs)."""
    return VulnRecord(
        source=row.source,
        id=row.source_id,
        withdrawn=row.withdrawn,
        aliases=tuple(row.aliases or ()),
        affected=tuple(_affected(a) for a in row.affected or ()),
        configurations=tuple(_configuration(c) for c in row.configurations or ()),
    )


def _affected(data: dict[str, Any]) -> AffectedPackage:
    return AffectedPackage(
        ecosystem=data["ecosystem"],
        name=data["name"],
        purl=data.get("purl"),
        ranges=tuple(
            AffectedRange(r["type"], tuple(RangeEvent(**e) for e in r["events"]), r.get("repo"))
            for r in data.get("ranges") or ()
        ),
        versions=tuple(data.get("versions") or ()),
    )


def _configuration(data: dict[str, Any]) -> CpeConfiguration:
    return CpeConfiguration(
        operator=data["operator"],
        negate=data["negate"],
        nodes=tuple(
            CpeNode(n["operator"], n["negate"], tuple(CpeMatch(**m) for m in n["matches"]))
            for n in data["nodes"]
        ),
    )


def lookup_keys(record: VulnRecord) -> set[tuple[str, str, str]]:
    """(kind, space, name) keys: ("pkg", ecosystem family, normalised name) and
    ("cpe", "nvd", vendor:product) for every vulnerable criterion."""
    keys: set[tuple[str, str, str]] = set()
    for aff in record.affected:
        if aff.ecosystem and aff.name:
            keys.add(
                ("pkg", ecosystem_base(aff.ecosystem), normalize_name(aff.ecosystem, aff.name))
            )
    for cfg in record.configurations:
        for node in cfg.nodes:
            for m in node.matches:
                key = cpe_key(m.criteria) if m.vulnerable else None
                if key:
                    keys.add(("cpe", "cpe", key))
    return keys


def all_ids(record: VulnRecord) -> list[str]:
    """The record's own id followed by its aliases (deduplicated, order kept)."""
    return list(dict.fromkeys((record.id, *record.aliases)))
