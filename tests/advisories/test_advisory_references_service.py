"""One invalid reference URL in a feed record no longer makes the advisory fail CSAF
validation: it is dropped with a warning naming the record and its place; the publisher
namespace (typed by a person) is refused at input."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import orjson
import pytest
from _seed import add_accounts, add_feed_record, seed
from test_advisory_build_service import CASES, VECTOR

from medsec.advisories import publish, service
from medsec.db.uow import unit_of_work
from medsec.errors import InvalidInput
from medsec.ingest.csaf import validate_csaf

BAD = ["https://exa mple.org/space", "http://[::1/broken", "https://example.org/%zz"]
GOOD = ["https://example.org/advisory", "https://example.org/patch?id=1"]


def test_an_invalid_reference_is_dropped_with_a_warning(session_factory, caplog) -> None:
    with unit_of_work(session_factory) as s:
        add_accounts(s)
        seed(s, "InfuSafe", CASES)
        add_feed_record(
            s,
            "CVE-2021-3711",
            summary="SM2 decryption buffer overflow",
            details="A buffer overflow in SM2 decryption.",
            cwes=["CWE-120"],
            vector=VECTOR,
            published=datetime(2021, 8, 24, tzinfo=UTC),
            references=[GOOD[0], BAD[0], BAD[1], GOOD[1], BAD[2]],
        )
    with caplog.at_level(logging.WARNING), unit_of_work(session_factory) as s:
        adv = service.create(
            s,
            product="InfuSafe",
            title="CVE-2021-3711",
            actor="cli:ana",
            releases=["2.0"],
            vulnerabilities=["CVE-2021-3711"],
            profile="vex",
        )
        _, data = publish.document(s, tracking_id=adv.tracking_id, fmt="csaf")
    doc = orjson.loads(data)
    result = validate_csaf(data, source="t.json")
    assert result.valid, result.failures
    urls = [r["url"] for r in doc["vulnerabilities"][0]["references"]]
    assert urls == ["https://nvd.nist.gov/vuln/detail/CVE-2021-3711", *GOOD]
    dropped = sorted(
        {r.getMessage() for r in caplog.records if "reference dropped" in r.getMessage()}
    )
    assert len(dropped) == 3
    assert "nvd CVE-2021-3711 /references/1" in dropped[0] and repr(BAD[0]) in dropped[0]


def test_an_invalid_publisher_namespace_is_refused_at_input(session_factory) -> None:
    with unit_of_work(session_factory) as s:
        add_accounts(s)
        seed(s, "InfuSafe", CASES)
        with pytest.raises(InvalidInput, match="publisher namespace"):
            service.create(
                s,
                product="InfuSafe",
                title="t",
                actor="cli:ana",
                releases=["2.0"],
                vulnerabilities=["CVE-2021-3711"],
                profile="vex",
                namespace="https://psirt.example .com",
            )
