"""The generic firmware/vendor version order: documented examples and properties."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medsec.core.versions.generic import ZERO, compare_generic, generic_key, tokenize

ORDERED = [
    # each list strictly ascending, from public release histories and the documented rules
    ["1.9", "1.10", "1.11", "2", "10"],
    ["1.0.dev1", "1.0alpha", "1.0alpha2", "1.0beta1", "1.0pre1", "1.0rc1", "1.0", "1.0.1"],
    ["1.0", "1.0patch1", "1.0.1"],  # post-release word ranks between the release and 1.0.1
    ["7.4", "7.4p1", "7.4p2", "7.5", "7.5p1"],  # OpenSSH portable
    ["8", "8u20", "8u151", "9"],  # Java update numbering
    ["1.0.2", "1.0.2a", "1.0.2k", "1.0.2z", "1.0.2za", "1.0.3"],  # OpenSSL letter releases
    ["2.0alpha", "2.0", "2.0a", "2.0b", "2.0.1"],  # letter suffix after a release
    ["1.0.0.1", "1.0.1", "1.1"],
    ["5.0", "5.0-sp1", "5.0-sp2", "5.1"],
    ["2022-09-04", "2022-09-05", "2022-10-01", "2023-01-01"],
]

EQUAL = [
    ("1.0", "1.0.0"),
    ("1", "1.0.0.0"),
    ("1.0-1", "1.0.1"),
    ("1.0_1", "1.0+1"),
    ("01.2", "1.2"),
    ("1.0RC1", "1.0rc1"),
    ("1.0a1", "1.0alpha1"),
    ("1.0b2", "1.0-beta2"),
    ("1.0c1", "1.0rc1"),
    ("1.0-final", "1.0"),
    ("2.0.GA", "2"),
    ("1.0-preview1", "1.0pre1"),
]


@pytest.mark.parametrize("versions", ORDERED, ids=lambda v: v[0])
def test_documented_orderings(versions: list[str]) -> None:
    for a, b in itertools.pairwise(versions):
        assert generic_key(a) < generic_key(b), (a, b)
        assert compare_generic(a, b) == -1
        assert compare_generic(b, a) == 1
    assert sorted(random.Random(7).sample(versions, len(versions)), key=generic_key) == versions


@pytest.mark.parametrize(("a", "b"), EQUAL)
def test_documented_equalities(a: str, b: str) -> None:
    assert generic_key(a) == generic_key(b)
    assert compare_generic(a, b) == 0


def test_numbers_compare_numerically_not_as_text() -> None:
    assert generic_key("1.10") > generic_key("1.9")
    assert generic_key("1.0.100") > generic_key("1.0.99")
    assert generic_key("99999999999999999999") > generic_key("99999999999999999998")


def test_empty_and_separator_only_strings_are_zero() -> None:
    assert generic_key("") == generic_key("0") == generic_key("...")
    assert generic_key("") < generic_key("0.1")


# ---------------------------------------------------------------- properties

_PIECES = st.one_of(
    st.integers(0, 12).map(str),
    st.sampled_from(["00", "007", "alpha", "beta", "rc", "pre", "dev", "a", "b", "c", "k", "z"]),
    st.sampled_from(["za", "p", "u", "patch", "post", "sp", "final", "foo", "ZZ", "Beta"]),
)
_SEPS = st.sampled_from([".", "-", "_", "+", "", "~"])
VERSIONS = st.lists(st.tuples(_SEPS, _PIECES), min_size=0, max_size=6).map(
    lambda parts: "".join(s + p for s, p in parts).lstrip(".-_+~")
)


def _reference_cmp(a: str, b: str) -> int:
    """Compare by padding the shorter token list with ZERO components (the documented rule)."""
    ta, tb = list(tokenize(a)), list(tokenize(b))
    size = max(len(ta), len(tb))
    ta += [(ZERO, 0)] * (size - len(ta))
    tb += [(ZERO, 0)] * (size - len(tb))
    for (ra, va), (rb, vb) in zip(ta, tb, strict=True):
        if ra != rb:
            return -1 if ra < rb else 1
        if va != vb:
            return -1 if va < vb else 1  # type: ignore[operator]
    return 0


@settings(max_examples=400, deadline=None)
@given(VERSIONS, VERSIONS)
def test_key_agrees_with_padded_component_comparison(a: str, b: str) -> None:
    assert compare_generic(a, b) == _reference_cmp(a, b)


@settings(max_examples=300, deadline=None)
@given(VERSIONS, VERSIONS, VERSIONS)
def test_total_order(a: str, b: str, c: str) -> None:
    assert compare_generic(a, b) == -compare_generic(b, a)  # antisymmetry
    assert compare_generic(a, a) == 0
    if compare_generic(a, b) <= 0 and compare_generic(b, c) <= 0:  # transitivity
        assert compare_generic(a, c) <= 0
    if compare_generic(a, b) == 0 and compare_generic(b, c) == 0:
        assert compare_generic(a, c) == 0


@settings(max_examples=300, deadline=None)
@given(VERSIONS, st.integers(1, 4))
def test_padding_with_zero_is_equal(v: str, zeros: int) -> None:
    assert generic_key(v) == generic_key(v + ".0" * zeros)


@settings(max_examples=300, deadline=None)
@given(VERSIONS)
def test_appending_components_moves_the_version_the_documented_way(v: str) -> None:
    assert generic_key(v + ".1") > generic_key(v)
    assert generic_key(v + ".alpha") < generic_key(v)
    assert generic_key(v + ".patch") > generic_key(v)
    assert generic_key(v.upper()) == generic_key(v)
