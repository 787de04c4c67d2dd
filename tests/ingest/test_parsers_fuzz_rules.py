"""Property-based fuzzing of every parser of untrusted input (issue 10): accepted or refused.

Each parser gets Hypothesis-generated inputs (random bytes, and its valid seeds with bytes
inserted, replaced or cut) and must return or raise one of its documented refusals; any other
exception is a bug. The budget is bounded (``max_examples`` per parser); the long run is
``python bench/fuzz_parsers.py --inputs 100000``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from fuzz_targets import TARGETS, Target, check

BUDGET = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


@st.composite
def _inputs(draw: st.DrawFn, target: Target) -> bytes:
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=256))
    seed = draw(st.sampled_from(target.seeds))
    out = bytearray(seed)
    for _ in range(draw(st.integers(1, 3))):
        pos = draw(st.integers(0, len(out)))
        op = draw(st.integers(0, 2))
        if op == 0:
            out[pos:pos] = draw(
                st.one_of(
                    st.binary(min_size=1, max_size=16),
                    st.sampled_from([b"{}", b"[]", b"null", b"<", b":", b"\x00", b"%", b"\n"]),
                )
            )
        elif op == 1:
            del out[pos : pos + draw(st.integers(1, 32))]
        else:
            del out[pos:]
    return bytes(out)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_valid_seeds_are_accepted(name: str) -> None:
    target = TARGETS[name]
    for seed in target.seeds:
        target.call(seed)  # raises (fails the test) if a valid seed is refused


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_parser_accepts_or_refuses_every_input(name: str) -> None:
    target = TARGETS[name]

    @BUDGET
    @given(_inputs(target))
    def prop(data: bytes) -> None:
        bug = check(target, data)
        assert bug is None, f"{name}: {type(bug).__name__}: {bug} on {data[:200]!r}"

    prop()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        # found by the fuzzer: a package line after DocumentName crashed (KeyError)
        ("spdx-tag-value", b"SPDXVersion: SPDX-2.3\nDocumentName: x\nExternalRef: a b c\n"),
        # found by the fuzzer: creationInfo as a string crashed (AttributeError)
        ("spdx-yaml", b"spdxVersion: SPDX-2.3\ncreationInfo: now\n"),
        (
            "spdx-json",
            b'{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"a","name":"a","externalRefs":"x"}]}',
        ),
        ("spdx-json", b'{"spdxVersion":"SPDX-2.3","relationships":[1]}'),
        # found by the long run: digits int() cannot read ("²", "⑥") crashed (ValueError)
        *((f"version-{s}", "2\u00b92 1.\u2465".encode()) for s in ("maven", "generic", "debian")),
        *((f"version-{s}", "1.\u00b2".encode()) for s in ("rpm", "semver", "rubygems", "pypi")),
        ("version-alpine", b"\xc2\xb9,1"),
    ],
)
def test_fuzzer_findings_stay_fixed(name: str, data: bytes) -> None:
    assert check(TARGETS[name], data) is None
