"""Pure STIX 2.1 export: incidents, the vulnerabilities they involve, the shareable indicators
and the patches and mitigations (course-of-action) as one bundle built with the ``stix2``
library, marked with TLP 2.0 and redacted by the rules in ``sharing.redaction``."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson

from medsec.errors import InvalidInput
from medsec.sharing import redaction
from medsec.sharing.rules import TLP_ORDER
from medsec.sharing.schemas import IncidentOut, StixBundle, StixObject

# TLP 2.0 marking definitions (FIRST TLP 2.0 as a STIX 2.1 property extension; the ids and the
# extension id are the ones OASIS publishes for TLP 2.0).
TLP_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_IDS: dict[str, str] = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
NAMESPACE = uuid.UUID("6f1c6a2e-3d59-4f0b-9a7e-2f7f3c6b5a10")  # medsec's STIX id namespace


def tlp_marking(level: str) -> StixObject:
    """The TLP 2.0 marking-definition object of a level."""
    if level not in TLP_IDS:
        raise InvalidInput(f"tlp {level!r} is not one of {', '.join(TLP_ORDER)}")
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP_IDS[level],
        "created": "2022-10-01T00:00:00.000Z",
        "name": f"TLP:{level.upper()}",
        "extensions": {TLP_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level}},
    }


def strictest(levels: Sequence[str]) -> str:
    """The most restrictive TLP level of several."""
    return max(levels, key=TLP_ORDER.index) if levels else "clear"


def _sid(kind: str, *parts: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, '|'.join(parts))}"


def build_bundle(
    incidents: Sequence[IncidentOut], *, organisation: str, now: datetime
) -> StixBundle:
    """The STIX 2.1 bundle (as JSON-ready dict) for the incidents, redacted and marked."""
    import stix2

    if not organisation.strip():
        raise InvalidInput("organisation: name the sharing organisation")
    stamp = now.replace(microsecond=(now.microsecond // 1000) * 1000)
    identity = stix2.v21.Identity(
        id=_sid("identity", "org", organisation.strip()),
        name=organisation.strip(),
        identity_class="organization",
        created=stamp,
        modified=stamp,
    )
    objects: list[Any] = [identity]
    levels = sorted({i.tlp for i in incidents}, key=TLP_ORDER.index) or ["clear"]
    objects.extend(stix2.parse(tlp_marking(level)) for level in levels)
    seen_vulns: dict[str, Any] = {}
    for inc in incidents:
        known = redaction.known_values(inc.known)
        marking = [TLP_IDS[inc.tlp]]
        common = {"created_by_ref": identity.id, "object_marking_refs": marking}
        what = inc.product or "a medical device"
        if inc.releases:
            what += " " + ", ".join(inc.releases)
        name = f"Security incident affecting {what} (detected {inc.detected_at:%Y-%m})"
        incident = stix2.v21.Incident(
            id=_sid("incident", organisation, inc.ref),
            name=redaction.scrub(name, known),
            description=redaction.scrub(inc.share_summary, known) or None,
            created=stamp,
            modified=stamp,
            **common,
        )
        objects.append(incident)
        for cve in inc.cves:
            vuln = seen_vulns.get(cve)
            if vuln is None:
                vuln = stix2.v21.Vulnerability(
                    id=_sid("vulnerability", cve),
                    name=cve,
                    external_references=[{"source_name": "cve", "external_id": cve}],
                    created=stamp,
                    modified=stamp,
                    **common,
                )
                seen_vulns[cve] = vuln
                objects.append(vuln)
            objects.append(_related(stix2, incident.id, vuln.id, stamp, common))
        for remedy in inc.remedies:
            coa = stix2.v21.CourseOfAction(
                id=_sid("course-of-action", organisation, inc.ref, remedy.kind, remedy.name),
                name=redaction.scrub(remedy.name, known),
                description=redaction.scrub(remedy.description, known) or None,
                created=stamp,
                modified=stamp,
                **common,
            )
            objects.append(coa)
            targets = [seen_vulns[c].id for c in remedy.cves if c in seen_vulns]
            verb = "remediates" if remedy.kind == "patch" else "mitigates"
            objects.extend(_related(stix2, coa.id, t, stamp, common, verb) for t in targets)
            if not targets:
                objects.append(_related(stix2, coa.id, incident.id, stamp, common))
        for ind in inc.indicators:
            if not ind.shareable or redaction.mentions(ind.pattern, known):
                continue
            indicator = stix2.v21.Indicator(
                id=_sid("indicator", organisation, inc.ref, ind.pattern),
                name=redaction.scrub(ind.name, known),
                pattern=ind.pattern,
                pattern_type="stix",
                valid_from=inc.detected_at,
                created=stamp,
                modified=stamp,
                **common,
            )
            objects.append(indicator)
            objects.append(_related(stix2, indicator.id, incident.id, stamp, common))
    bundle = stix2.v21.Bundle(objects=objects)
    data: dict[str, Any] = orjson.loads(bundle.serialize())
    return data


def _related(
    stix2: Any,
    source: str,
    target: str,
    stamp: datetime,
    common: dict[str, Any],
    verb: str = "related-to",
) -> Any:
    return stix2.v21.Relationship(
        id=_sid("relationship", source, target),
        relationship_type=verb,
        source_ref=source,
        target_ref=target,
        created=stamp,
        modified=stamp,
        **common,
    )


def counts(bundle: StixBundle) -> dict[str, int]:
    """Objects per type in a bundle."""
    return dict(sorted(Counter(o["type"] for o in bundle.get("objects", [])).items()))


def parse_check(bundle: StixBundle) -> None:
    """Parse the bundle back with ``stix2`` (strict: no custom content)."""
    import stix2

    stix2.parse(bundle, allow_custom=False)
