"""Composer/Packagist versions are read in linear time: a long run of digits in the stability
number made the version pattern backtrack exponentially (22 digits: 6 s; the 100,000-input fuzz
run managed under 100 inputs/s)."""

from __future__ import annotations

import threading

import pytest

from medsec.core.versions import InvalidVersion
from medsec.core.versions.gem import composer_normalize, packagist_key


def test_a_long_digit_run_that_fails_the_pattern_is_refused_at_once():
    outcome: list[object] = []

    def run() -> None:
        for n in (30, 40, 200):  # before the fix, 30 digits alone took about 25 minutes
            try:
                packagist_key("1.0rc" + "1" * n + "x")
            except InvalidVersion as exc:
                outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)  # a hang guard, not a speed figure (bench/fuzz_parsers.py measures)
    assert not worker.is_alive(), "the Composer pattern backtracks"
    assert len(outcome) == 3


@pytest.mark.parametrize(
    ("version", "normal"),
    [
        ("1.0rc1", "1.0.0.0-RC1"),
        ("1.0-beta.2.3", "1.0.0.0-beta2.3"),
        ("1.0RC-1", "1.0.0.0-RC1"),
        ("v1.2.3", "1.2.3.0"),
        ("2.0b.1", "2.0.0.0-beta1"),
        ("1.0pl1-dev", "1.0.0.0-patch1-dev"),
        ("1.0.0-alpha", "1.0.0.0-alpha"),
    ],
)
def test_composer_normalization_is_unchanged(version, normal):
    assert composer_normalize(version) == normal


def test_absurd_lengths_are_invalid_versions_not_crashes():
    for text in ("1." + "9" * 5000, "1.0-beta" + "9" * 300):
        with pytest.raises(InvalidVersion, match="longer than any Composer version"):
            packagist_key(text)
    assert packagist_key("1.0-beta2") < packagist_key("1.0")
