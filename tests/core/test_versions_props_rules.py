"""Unit and hypothesis property tests of the version keys (no shared data)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from medsec.core.versions import (
    InvalidVersion,
    compare,
    ecosystem_release,
    scheme_for_ecosystem,
    version_key,
)

_pep440 = st.builds(
    lambda epoch, rel, pre, post, dev, local: (
        (f"{epoch}!" if epoch else "")
        + ".".join(map(str, rel))
        + (f"{pre[0]}{pre[1]}" if pre else "")
        + (f".post{post}" if post is not None else "")
        + (f".dev{dev}" if dev is not None else "")
        + (f"+{local}" if local else "")
    ),
    st.integers(0, 2),
    st.lists(st.integers(0, 12), min_size=1, max_size=4),
    st.none() | st.tuples(st.sampled_from(["a", "b", "rc"]), st.integers(0, 3)),
    st.none() | st.integers(0, 3),
    st.none() | st.integers(0, 3),
    st.none() | st.sampled_from(["1", "ubuntu.1", "abc.2", "2.x"]),
)


@settings(max_examples=400, deadline=None)
@given(_pep440, _pep440)
def test_pypi_order_agrees_with_packaging(a: str, b: str) -> None:
    va, vb = Version(a), Version(b)
    ka, kb = version_key("pypi", a), version_key("pypi", b)
    assert (ka < kb) == (va < vb)
    assert (ka == kb) == (va == vb)
    assert (hash(ka) == hash(kb)) or ka != kb


_semver = st.builds(
    lambda maj, mi, pa, pre, build: (
        f"{maj}.{mi}.{pa}" + (f"-{pre}" if pre else "") + (f"+{build}" if build else "")
    ),
    st.integers(0, 3),
    st.integers(0, 3),
    st.integers(0, 3),
    st.none()
    | st.sampled_from(
        ["alpha", "alpha.1", "alpha.beta", "beta.2", "beta.11", "rc.1", "1", "0.3.7"]
    ),
    st.none() | st.sampled_from(["build.1", "sha.5114f85"]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["debian", "rpm", "maven", "semver", "rubygems", "alpine"]),
        min_size=1,
        max_size=1,
    ),
    st.data(),
)
def test_total_order_transitive(schemes: list[str], data: st.DataObject) -> None:
    """For random triples, key comparisons are a total order (antisymmetric, transitive)."""
    scheme = schemes[0]
    alphabet = {
        "debian": "0123.~+a",
        "rpm": "0123.~^a",
        # no letters for Maven: ComparableVersion itself is not transitive when a qualifier
        # after "." meets one that opens a sub-list after a digit (e.g. "1." < "1.b", "1.b" <
        # "1b0" because a string sorts before a list, yet "1b0" = 1-beta < "1"); the key
        # reproduces Maven, and the Maven suites (977 cases) check the orders that matter
        "maven": "0123.-",
        "rubygems": "0123.a",
        "alpine": "0123.",
        "semver": "",
    }[scheme]
    if scheme == "semver":
        vs = [data.draw(_semver) for _ in range(3)]
    else:
        text = st.text(alphabet=alphabet, min_size=1, max_size=8).map(lambda s: "1" + s)
        vs = [data.draw(text) for _ in range(3)]
    keys = []
    for v in vs:
        try:
            keys.append(version_key(scheme, v))
        except InvalidVersion:
            return
    a, b, c = keys
    assert (a < b) + (a == b) + (a > b) == 1
    if a <= b and b <= c:
        assert a <= c
    if a == b:
        assert hash(a) == hash(b)


def test_semver_precedence_examples_from_spec() -> None:
    # SemVer 2.0 §11 example chain
    chain = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
    ]
    keys = [version_key("semver", v) for v in chain]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert compare("semver", "1.0.0+build.1", "1.0.0") == 0
    with pytest.raises(InvalidVersion):
        version_key("semver", "1.2")
    with pytest.raises(InvalidVersion):
        version_key("semver", "01.2.3")


def test_go_pseudo_versions_and_incompatible() -> None:
    assert compare("go", "v0.0.0-20191109021931-daa7c04131f5", "v0.0.1") == -1
    assert compare("go", "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3") == 1
    assert compare("go", "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4") == -1
    assert compare("go", "v2.0.0+incompatible", "2.0.0") == 0
    assert compare("go", "v1.10.0", "v1.9.9") == 1


@pytest.mark.parametrize(
    ("scheme", "lower", "higher"),
    [
        ("pypi", "2!1.0", "3.0") and ("pypi", "3.0", "2!1.0"),
        ("pypi", "1.0.dev1", "1.0a1"),
        ("pypi", "1.0", "1.0.post1"),
        ("maven", "1.0-SNAPSHOT", "1.0"),
        ("maven", "1.0-alpha-1", "1.0-beta-1"),
        ("maven", "1.0", "1.0-sp1"),
        ("debian", "2.0", "1:0.9"),
        ("debian", "1.0~rc1", "1.0"),
        ("debian", "1.0", "1.0+deb9u1"),
        ("rpm", "1.0.2k-19.el7", "1.0.2k-21.el7"),
        ("rpm", "1.0~rc1", "1.0"),
        ("rpm", "1.0", "1.0^git1"),
        ("rpm", "9:1.0", "10:0.1"),
        ("alpine", "1.2.3_rc1", "1.2.3"),
        ("alpine", "1.2.3-r0", "1.2.3-r1"),
        ("alpine", "1.2.3", "1.2.3_p1"),
        ("nuget", "1.0.0-beta", "1.0.0"),
        ("nuget", "1.0.0", "1.0.0.1"),
        ("rubygems", "1.0.0.pre", "1.0.0"),
        ("rubygems", "1.0.a.0.b", "1.0.a"),
        ("rubygems", "1.9", "1.10"),
        ("packagist", "1.0.0-beta1", "1.0.0"),
        ("packagist", "1.0.0", "1.0.0-patch1"),
        ("packagist", "v1.2.9", "1.2.10"),
    ],
)
def test_known_orders(scheme: str, lower: str, higher: str) -> None:
    assert version_key(scheme, lower) < version_key(scheme, higher)
    assert compare(scheme, higher, lower) == 1


@pytest.mark.parametrize(
    ("scheme", "a", "b"),
    [
        ("pypi", "1.0", "1.0.0"),
        ("maven", "1.0", "1.0.0"),
        ("maven", "1-ga", "1"),
        ("debian", "0.5", "0:0.5"),
        ("rpm", "10.0001", "10.1"),
        ("nuget", "1.0", "1.0.0.0"),
        ("rubygems", "1.0", "1"),
        ("packagist", "1.0", "1.0.0.0"),
    ],
)
def test_equal_versions_share_a_key(scheme: str, a: str, b: str) -> None:
    assert version_key(scheme, a) == version_key(scheme, b)
    assert hash(version_key(scheme, a)) == hash(version_key(scheme, b))


@pytest.mark.parametrize(
    ("scheme", "bad"),
    [
        ("pypi", "not a version"),
        ("debian", "abc"),
        ("alpine", "1.0_bogus"),
        ("nuget", "x.y"),
        ("rubygems", "1..2"),
        ("packagist", "dev-master"),
        ("go", "latest"),
        ("rpm", ""),
    ],
)
def test_invalid_versions_raise_value_error(scheme: str, bad: str) -> None:
    with pytest.raises(ValueError, match="invalid"):
        version_key(scheme, bad)


def test_scheme_for_ecosystem_and_release() -> None:
    assert scheme_for_ecosystem("PyPI") == "pypi"
    assert scheme_for_ecosystem("Debian:12") == "debian"
    assert scheme_for_ecosystem("Alpine:v3.18") == "alpine"
    assert scheme_for_ecosystem("Ubuntu:22.04:LTS") == "debian"
    assert scheme_for_ecosystem("Ubuntu:Pro:18.04:LTS") == "debian"
    assert scheme_for_ecosystem("Red Hat:rhel_aus:8.4::appstream") == "rpm"
    assert scheme_for_ecosystem("Root:PyPI") == "pypi"
    assert scheme_for_ecosystem("crates.io") == "semver"
    assert scheme_for_ecosystem("Hackage") is None
    assert ecosystem_release("Ubuntu:22.04:LTS") == "22.04"
    assert ecosystem_release("Alpine:v3.18") == "3.18"
    assert ecosystem_release("Maven:https://maven.google.com") is None
    assert ecosystem_release("PyPI") is None


def test_every_ecosystem_listed_by_osv_is_mapped_or_documented(
    shared_data_optional: None = None,
) -> None:
    import medsec.core.versions as mod

    doc = mod.__doc__ or ""
    for eco in ["Android", "GHC", "Hackage", "CRAN", "Julia", "opam", "VSCode", "FreeBSD"]:
        assert scheme_for_ecosystem(eco) is None
        assert eco in doc
