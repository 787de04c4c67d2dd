"""purl -> OSV identity, against the official purl-spec test suite and OSV naming rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medsec.core.purl import normalize_name, purl_identity

_JOIN = {"maven": ":", "npm": "/", "golang": "/", "composer": "/", "swift": "/"}


def _expected_name(e: dict) -> str:
    sep = _JOIN.get(e["type"])
    return f"{e['namespace']}{sep}{e['name']}" if sep and e["namespace"] else e["name"]


@pytest.mark.shared_data
def test_purl_spec_parse_suite(shared_data: Path) -> None:
    checked = refused = unsupported = 0
    wrong = []
    for f in sorted((shared_data / "versions/purl-spec/tests").glob("*/*.json")):
        for t in json.loads(f.read_text())["tests"]:
            if t["test_type"] != "parse":
                continue
            ident = purl_identity(t["input"])
            if t["expected_failure"]:
                refused += ident is None
                if ident is not None:
                    wrong.append(("accepted", t["input"]))
                continue
            if ident is None:
                unsupported += 1  # types with no OSV ecosystem (docker, oci, generic ...)
                continue
            e = t["expected_output"]
            want = normalize_name(ident.ecosystem, _expected_name(e))
            if ident.name != want or ident.version != e["version"]:
                wrong.append((t["input"], ident, want))
            checked += 1
    print(
        f"purl-spec parse: {checked} identities checked, {refused} invalid refused, "
        f"{unsupported} without OSV ecosystem, {len(wrong)} wrong"
    )
    assert checked > 60 and refused > 30
    assert wrong == []


@pytest.mark.parametrize(
    ("purl", "ecosystem", "name", "version", "scheme"),
    [
        ("pkg:pypi/Django_Package@1.11.1", "PyPI", "django-package", "1.11.1", "pypi"),
        ("pkg:pypi/zope.interface@5.0", "PyPI", "zope-interface", "5.0", "pypi"),
        (
            "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.10",
            "Maven",
            "com.fasterxml.jackson.core:jackson-databind",
            "2.9.10",
            "maven",
        ),
        ("pkg:npm/%40angular/core@12.0.0", "npm", "@angular/core", "12.0.0", "semver"),
        (
            "pkg:golang/github.com/gin-gonic/gin@v1.6.0",
            "Go",
            "github.com/gin-gonic/gin",
            "v1.6.0",
            "go",
        ),
        ("pkg:nuget/Newtonsoft.Json@13.0.1", "NuGet", "newtonsoft.json", "13.0.1", "nuget"),
        ("pkg:gem/rails@7.0.0", "RubyGems", "rails", "7.0.0", "rubygems"),
        ("pkg:cargo/Serde@1.0.0", "crates.io", "serde", "1.0.0", "semver"),
        (
            "pkg:composer/Laravel/Framework@8.0.0",
            "Packagist",
            "laravel/framework",
            "8.0.0",
            "packagist",
        ),
        (
            "pkg:deb/debian/curl@7.74.0-1.3?distro=debian-11",
            "Debian:11",
            "curl",
            "7.74.0-1.3",
            "debian",
        ),
        (
            "pkg:deb/debian/curl@7.88.1-10?distro=bookworm",
            "Debian:12",
            "curl",
            "7.88.1-10",
            "debian",
        ),
        (
            "pkg:deb/ubuntu/openssl@3.0.2-0ubuntu1?distro=ubuntu-22.04",
            "Ubuntu:22.04",
            "openssl",
            "3.0.2-0ubuntu1",
            "debian",
        ),
        (
            "pkg:apk/alpine/busybox@1.36.1-r2?distro=alpine-3.18.4",
            "Alpine:v3.18",
            "busybox",
            "1.36.1-r2",
            "alpine",
        ),
        ("pkg:rpm/redhat/openssl@1:1.1.1k-7.el8", "Red Hat", "openssl", "1:1.1.1k-7.el8", "rpm"),
    ],
)
def test_identity_per_ecosystem(
    purl: str, ecosystem: str, name: str, version: str, scheme: str
) -> None:
    ident = purl_identity(purl)
    assert ident is not None
    assert (ident.ecosystem, ident.name, ident.version, ident.scheme) == (
        ecosystem,
        name,
        version,
        scheme,
    )


def test_advisory_names_normalize_like_purls() -> None:
    assert normalize_name("PyPI", "Zope.Interface") == normalize_name("PyPI", "zope_interface")
    assert normalize_name("NuGet", "Newtonsoft.Json") == "newtonsoft.json"
    assert normalize_name("Go", "github.com/BurntSushi/toml") == "github.com/BurntSushi/toml"
    assert normalize_name("Maven", "org.Foo:Bar") == "org.Foo:Bar"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "not a purl",
        "pkg:",
        "pkg:pypi",
        "pkg:docker/library/nginx@1.0",
        "pkg:maven/onlyname@1.0",
    ],
)
def test_invalid_or_non_osv_purls_give_none(bad: str) -> None:
    assert purl_identity(bad) is None
