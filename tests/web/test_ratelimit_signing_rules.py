"""Pure helpers for the lead's public forms: the token-bucket rate limiter and signed fields."""

from __future__ import annotations

import stat
import threading
import xml.dom.minidom
from pathlib import Path

import pytest

from medsec.config import Settings
from medsec.errors import InvalidInput
from medsec.web.ratelimit import RateLimiter
from medsec.web.signing import Signer, secret_key
from medsec.web.svg import heat_map_svg


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_the_burst_then_refills_at_the_rate():
    clock = Clock()
    limiter = RateLimiter(capacity=3, rate=0.5, clock=clock)
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("b")  # keys are independent
    assert limiter.retry_after("a") == pytest.approx(2.0)
    clock.now += 1.9
    assert not limiter.allow("a")
    clock.now += 0.2
    assert limiter.allow("a") and not limiter.allow("a")
    clock.now += 3600
    assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]  # capped at 3
    limiter.reset("a")
    assert limiter.allow("a")


def test_bucket_forgets_the_least_recently_used_keys():
    clock = Clock()
    limiter = RateLimiter(capacity=1, rate=0.001, max_keys=2, clock=clock)
    assert limiter.allow("a") and limiter.allow("b")
    assert not limiter.allow("a")  # "a" used again: now most recent
    assert limiter.allow("c")  # evicts "b"
    assert limiter.allow("b")  # forgotten, so full again
    assert not limiter.allow("c") or not limiter.allow("c")


def test_bucket_is_thread_safe():
    limiter = RateLimiter(capacity=100, rate=0.0001)
    results: list[bool] = []
    lock = threading.Lock()

    def hit() -> None:
        for _ in range(50):
            ok = limiter.allow("k")
            with lock:
                results.append(ok)

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 100 and len(results) == 200


def test_bucket_refuses_nonsense_settings():
    with pytest.raises(ValueError):
        RateLimiter(capacity=0, rate=1)
    with pytest.raises(ValueError):
        RateLimiter(capacity=1, rate=0)


def test_signed_fields_round_trip_and_refuse_tampering_purpose_and_age():
    key = b"k" * 40
    signer = Signer(key, "report-form")
    signed = signer.sign("case-42 ünïcode", now=5000)
    assert "case-42" not in signed  # the value is encoded, not shown raw
    assert signer.verify(signed, max_age=60, now=5030) == "case-42 ünïcode"
    payload, issued, mac = signed.split(".")
    for bad in (
        f"{payload}x.{issued}.{mac}",
        f"{payload}.{int(issued) + 1}.{mac}",
        f"{payload}.{issued}.{mac[:-1]}A",
        "garbage",
        "",
    ):
        with pytest.raises(InvalidInput):
            signer.verify(bad, max_age=60, now=5030)
    with pytest.raises(InvalidInput, match="expired"):
        signer.verify(signed, max_age=60, now=5061)
    with pytest.raises(InvalidInput):
        Signer(key, "login").verify(signed, max_age=60, now=5030)
    with pytest.raises(InvalidInput):
        Signer(b"o" * 40, "report-form").verify(signed, max_age=60, now=5030)


def test_secret_key_comes_from_the_setting_or_a_0600_file_made_once(tmp_path: Path):
    env_key = Settings(home=tmp_path / "a", database_url="sqlite://", secret_key="s" * 40)
    assert secret_key(env_key) == b"s" * 40
    assert not (tmp_path / "a").exists()
    cfg = Settings(home=tmp_path / "b", database_url="sqlite://")
    first = secret_key(cfg)
    path = tmp_path / "b" / "secret.key"
    assert len(first) >= 32 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(cfg) == first  # reused, not regenerated
    other = Settings(home=tmp_path / "c", database_url="sqlite://")
    assert secret_key(other) != first
    path.write_text("short\n")
    with pytest.raises(InvalidInput, match=r"secret\.key"):
        secret_key(cfg)


def _heat(before: dict[tuple[str, str], int]) -> dict:
    exp, sev = ["low", "high<&>"], ["minor", "critical"]
    return {
        "exploitability_levels": exp,
        "severity_levels": sev,
        "policy": {
            "cells": [
                [{"level": "low", "region": "acceptable"}, {"level": "m", "region": "alarp"}],
                [{"level": "m", "region": "alarp"}, {"level": "h", "region": "unacceptable"}],
            ]
        },
        "before": [
            {"exploitability": e, "severity": s, "count": before.get((e, s), 0)}
            for e in exp
            for s in sev
        ],
        "residual": [],
    }


def test_heat_map_svg_has_every_cell_with_its_count_region_and_escaped_labels():
    svg = heat_map_svg(_heat({("high<&>", "critical"): 3, ("low", "minor"): 1}), title="t<x>")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count('class="hm-cell"') == 4
    assert 'data-exploitability="high&lt;&amp;&gt;" data-severity="critical" data-count="3"' in svg
    assert "<x>" not in svg and "t&lt;x&gt;" in svg and "high<&>" not in svg
    assert "#f4b6b0" in svg and "#cfe8cf" in svg  # unacceptable and acceptable colours
    assert "style=" not in svg  # no inline styles: the CSP forbids them
    xml.dom.minidom.parseString(svg)  # well-formed
    top_row = svg.index('data-exploitability="high&lt;&amp;&gt;"')
    assert top_row < svg.index('data-exploitability="low"')  # highest exploitability on top
