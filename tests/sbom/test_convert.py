"""The import-time package key equals the matcher's purl identity (fast path included)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medsec.core.purl import purl_identity
from medsec.ingest.sbom import parse_sbom
from medsec.sbom.convert import package_key


def _expected(purl: str) -> tuple[str | None, str | None]:
    ident = purl_identity(purl)
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
