"""Version orders against the univers and vers-spec test suites (real third-party data)."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest

from medsec.core.versions import InvalidVersion, version_key
from medsec.core.versions.distro import rpmvercmp_key
from medsec.core.versions.vers import vers_contains

pytestmark = pytest.mark.shared_data

# (file under versions/, our scheme); the suites' other schemes (alpm, conan, gentoo, openssl,
# datetime, lexicographic, nginx) are not version orders medsec supports.
CMP_SUITES = [
    ("vers-spec/tests/maven_version_cmp_test.json", "maven"),
    ("vers-spec/tests/nuget_version_cmp_test.json", "nuget"),
    ("vers-spec/tests/alpine_version_cmp_test.json", "alpine"),
    ("univers/tests/data/schema/maven_version_cmp.json", "maven"),
    ("univers/tests/data/schema/nuget_version_cmp.json", "nuget"),
    ("univers/tests/data/schema/alpine_version_cmp.json", "alpine"),
    ("univers/tests/data/schema/deb_version_python_pkg_test.json", "debian"),
]


def _tests(path: Path) -> list[dict]:
    data = json.loads(path.read_text())
    return data["tests"] if isinstance(data, dict) else data


@pytest.mark.parametrize(("rel", "scheme"), CMP_SUITES)
def test_comparison_suite(shared_data: Path, rel: str, scheme: str) -> None:
    tests = _tests(shared_data / "versions" / rel)
    failures = []
    for t in tests:
        versions, expected = t["input"]["versions"], t["expected_output"]
        if t["test_type"] == "equality":
            ok = (version_key(scheme, versions[0]) == version_key(scheme, versions[1])) is expected
        else:  # expected lists the same versions in order (case may be normalized)
            got = [
                version_key(scheme, v)
                for v in sorted(versions, key=lambda v: version_key(scheme, v))
            ]
            ok = got == [version_key(scheme, v) for v in expected]
        if not ok:
            failures.append((versions, expected))
    print(f"{rel}: {len(tests)} cases, {len(failures)} failures")
    assert len(tests) > 10
    assert failures == []


def test_alpine_apk_tools_list(shared_data: Path) -> None:
    lines = (shared_data / "versions/univers/tests/data/alpine_test.txt").read_text().splitlines()
    sign = {"<": -1, "=": 0, ">": 1}
    bad = []
    for line in filter(None, (ln.strip() for ln in lines)):
        a, op, b = line.split()
        ka, kb = version_key("alpine", a), version_key("alpine", b)
        if (ka > kb) - (ka < kb) != sign[op]:
            bad.append(line)
    print(f"alpine_test.txt: {len(lines)} cases, {len(bad)} failures")
    assert len(lines) > 700
    assert bad == []


def test_rpmvercmp_suite(shared_data: Path) -> None:
    text = (shared_data / "versions/univers/tests/data/rpmvercmp.at").read_text()
    cases = re.findall(r"^RPMVERCMP\(([^,]*), ([^,]*), (-?\d)\)", text, re.MULTILINE)
    bad = []
    for a, b, expected in cases:
        ka, kb = rpmvercmp_key(a), rpmvercmp_key(b)
        if (ka > kb) - (ka < kb) != int(expected):
            bad.append((a, b, expected))
        # the full-EVR key agrees on strings without epoch or release
        ra, rb = version_key("rpm", a), version_key("rpm", b)
        if (ra > rb) - (ra < rb) != int(expected):
            bad.append((a, b, expected, "evr"))
    print(f"rpmvercmp.at: {len(cases)} cases, {len(bad)} failures")
    assert len(cases) > 80
    assert bad == []


@pytest.mark.parametrize(
    "rel",
    [
        "vers-spec/tests/pypi_range_containment_test.json",
        "vers-spec/tests/npm_range_containment_test.json",
        "univers/tests/data/schema/range/pypi_range_containment.json",
    ],
)
def test_vers_containment(shared_data: Path, rel: str) -> None:
    tests = _tests(shared_data / "versions" / rel)
    bad = [
        t
        for t in tests
        if vers_contains(t["input"]["vers"], t["input"]["version"]) != t["expected_output"]
    ]
    print(f"{rel}: {len(tests)} cases, {len(bad)} failures")
    assert tests
    assert bad == []


@pytest.mark.parametrize(
    ("rel", "scheme"),
    [
        ("golang_gitlab_range_from_native.json", "go"),
        ("composer_gitlab_range_from_native.json", "packagist"),
        ("gem_gitlab_range_from_native.json", "rubygems"),
        ("npm_gitlab_range_from_native.json", "semver"),
        ("pypi_gitlab_range_from_native.json", "pypi"),
    ],
)
def test_real_world_range_versions_parse(shared_data: Path, rel: str, scheme: str) -> None:
    """Every version named in GitLab's real advisory ranges parses, and ranges are ordered."""
    tests = _tests(shared_data / "versions/univers/tests/data/schema/range/gitlab" / rel)
    versions, bad, inverted = set(), [], 0
    for t in tests:
        if scheme == "packagist":  # univers' vers output mangles 4-part Composer versions
            constraints = [c for c in re.split(r"[|,\s]+", t["input"]["native_range"]) if c]
        else:  # native npm/go ranges hold partial versions; the vers form has full ones
            constraints = t["expected_output"].split("/", 1)[1].split("|")
        keys = []
        for c in constraints:
            v = c.lstrip("<>=!~^")
            versions.add(v)
            try:
                keys.append((c[:1], version_key(scheme, v)))
            except InvalidVersion:
                bad.append(v)
        # a ">=a|<=b" pair must have a <= b
        for (op1, k1), (op2, k2) in pairwise(keys):
            if op1 == ">" and op2 == "<" and k1 > k2:
                inverted += 1
    print(f"{rel}: {len(versions)} distinct versions, {len(bad)} unparsable, {inverted} inverted")
    assert len(versions) > 50
    assert len(bad) <= len(versions) // 100, sorted(set(bad))[:20]
    assert inverted == 0
