"""The fast purl path gives exactly what packageurl-python gives (and package keys follow)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medsec.core.purl import purl_identity, slow_identity
from medsec.ingest.sbom import parse_sbom
from medsec.sbom.convert import package_key


def _expected(purl: str) -> tuple[str | None, str | None]:
    ident = slow_identity(purl.strip())
    return (ident.family, ident.name) if ident else (None, None)


@pytest.mark.shared_data
def test_package_key_equals_purl_identity_on_every_real_purl(shared_data):
    purls: set[str] = set()
    for path in sorted((shared_data / "sboms").rglob("*")):
        if path.suffix not in (".json", ".xml") or not path.is_file():
            continue
        try:
            sbom = parse_sbom(path.read_bytes(), source=str(path), strict=False)
        except Exception:  # not an SBOM, or SPDX 3: refused elsewhere
            continue
        purls.update(c.purl for c in sbom.components if c.purl)
    assert len(purls) > 5000
    wrong = [p for p in purls if package_key(p) != _expected(p)]
    assert wrong == []
    assert [p for p in purls if purl_identity(p) != slow_identity(p.strip())] == []
    print(f"{len(purls)} distinct purls: package key == purl identity")


SEGMENT = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._~+-]{0,12}", fullmatch=True)


@given(
    st.sampled_from(
        ["pypi", "npm", "maven", "golang", "nuget", "cargo", "gem", "composer", "deb", "github"]
    ),
    st.lists(SEGMENT, max_size=2),
    SEGMENT,
    st.one_of(st.none(), SEGMENT),
    st.sampled_from(["", "?arch=x86_64", "?distro=debian-12", "#sub/path", "?Type=jar"]),
)
def test_package_key_equals_purl_identity_on_generated_purls(ptype, namespace, name, version, tail):
    purl = f"pkg:{ptype}/" + "".join(f"{n}/" for n in namespace) + name
    purl += f"@{version}" if version else ""
    purl += tail
    assert package_key(purl) == _expected(purl)
    assert purl_identity(purl) == slow_identity(purl)


@pytest.mark.parametrize(
    "purl",
    [
        "pkg:npm/%40scope/name@1.0.0",
        "pkg:npm/@scope/Name@1.0.0",
        "pkg:maven/artifact@1",
        "pkg:composer/name@1",
        "pkg:pypi/Django_REST.framework@3.2#sub/path",
        "pkg:golang/github.com/Foo/Bar@v1.2.3+incompatible",
        "pkg:gem/rails@7.0.0.rc1",
        "pkg:npm/a@",
        "pkg:NPM/a@1",
        "pkg:nuget/Newtonsoft.Json@13.0.1",
        "pkg:cargo/serde@1.0.0?arch=x86_64",
    ],
)
def test_fast_and_slow_paths_agree_on_edge_cases(purl):
    assert purl_identity(purl) == slow_identity(purl)
