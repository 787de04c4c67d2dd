"""The generic order against a real release history: OpenSSL's sorted versions (univers data)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from medsec.core.versions.generic import compare_generic, generic_key

pytestmark = pytest.mark.shared_data

DATA = Path("versions/univers/tests/data")
# OpenSSL ranks its "-cvs" and "-dev" snapshots *after* the release they name; the generic order
# ranks unknown words as pre-releases (documented), so these two are knowingly placed otherwise.
SNAPSHOTS = {"0.9.6-cvs", "1.0.2zc-dev"}


@pytest.fixture(scope="module")
def openssl_sorted(shared_data: Path) -> list[str]:
    rows = json.loads((shared_data / DATA / "openssl/openssl_versort_expected.json").read_bytes())
    return [r["string"] for r in rows]


def test_openssl_history_sorts_as_published(openssl_sorted: list[str]) -> None:
    expected = [v for v in openssl_sorted if v not in SNAPSHOTS]
    assert len(expected) > 150
    assert sorted(random.Random(7).sample(expected, len(expected)), key=generic_key) == expected


def test_openssl_snapshots_rank_before_their_release(openssl_sorted: list[str]) -> None:
    assert set(openssl_sorted) >= SNAPSHOTS
    assert compare_generic("0.9.6-cvs", "0.9.6") == -1
    assert compare_generic("1.0.2zc-dev", "1.0.2zc") == -1


def test_openssl_pairwise_comparisons(shared_data: Path) -> None:
    cases = json.loads((shared_data / DATA / "schema/openssl_version_cmp.json").read_bytes())
    checked = 0
    for case in cases:
        a, b = case["input"]["versions"]
        if {a, b} & SNAPSHOTS:
            continue
        if case["test_type"] == "comparison":
            assert case["expected_output"] in ([a, b], [b, a])
            low, high = case["expected_output"]
            if low == high:
                assert compare_generic(low, high) == 0
            else:
                assert generic_key(low) < generic_key(high), (low, high)
        elif case["test_type"] == "equality":
            assert (generic_key(a) == generic_key(b)) is case["expected_output"], (a, b)
        else:
            continue
        checked += 1
    assert checked > 20
