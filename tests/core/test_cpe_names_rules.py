"""CPE 2.3 formatted strings, CPE 2.2 URIs and NISTIR 7696 attribute matching."""

from __future__ import annotations

import pytest

from medsec.core.cpe import (
    ANY,
    NA,
    Cpe,
    InvalidCpe,
    Relation,
    compare_attribute,
    has_wildcard,
    is_valid_cpe,
    name_matches,
    parse_cpe,
)
from medsec.errors import InvalidInput


def test_formatted_string_attributes_in_order() -> None:
    c = parse_cpe("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*")
    assert (c.part, c.vendor, c.product) == ("a", "microsoft", "internet_explorer")
    assert c.text("version") == "8.0.6001"
    assert c.update == "beta"
    assert c.edition == ANY and c.other == ANY
    assert len(c.values()) == 11


def test_any_and_na_are_kept_apart() -> None:
    c = parse_cpe("cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:x64:*")
    assert c.version == NA
    assert c.update == ANY
    assert c.target_hw == "x64"


def test_escaped_punctuation_is_unescaped_for_text() -> None:
    c = parse_cpe("cpe:2.3:a:apache:xerces-c\\+\\+:2.5.0:*:*:*:*:*:*:*")
    assert c.text("product") == "xerces-c++"
    assert c.to_fs() == "cpe:2.3:a:apache:xerces-c\\+\\+:2.5.0:*:*:*:*:*:*:*"


def test_escaped_colon_does_not_split() -> None:
    c = parse_cpe("cpe:2.3:a:foo:bar\\:baz:1.0:*:*:*:*:*:*:*")
    assert c.text("product") == "bar:baz"
    assert c.text("version") == "1.0"
    assert c.to_fs() == "cpe:2.3:a:foo:bar\\:baz:1.0:*:*:*:*:*:*:*"


def test_escaped_backslash_before_a_separator() -> None:
    c = parse_cpe("cpe:2.3:a:foo:bar\\\\:1.0:*:*:*:*:*:*:*")
    assert c.text("product") == "bar\\"
    assert c.text("version") == "1.0"


def test_literal_lone_hyphen_is_not_na() -> None:
    c = parse_cpe("cpe:2.3:a:foo:bar:\\-:*:*:*:*:*:*:*")
    assert c.version != NA
    assert c.text("version") == "-"
    assert c.to_fs() == "cpe:2.3:a:foo:bar:\\-:*:*:*:*:*:*:*"
    assert parse_cpe(c.to_fs()) == c


def test_redundant_escapes_are_canonicalised() -> None:
    c = parse_cpe("cpe:2.3:a:foo:node\\.js:1\\.2:*:*:*:*:*:*:*")
    assert c == parse_cpe("cpe:2.3:a:foo:node.js:1.2:*:*:*:*:*:*:*")
    assert c.to_fs() == "cpe:2.3:a:foo:node.js:1.2:*:*:*:*:*:*:*"


def test_case_is_kept_but_ignored_in_matching() -> None:
    c = parse_cpe("cpe:2.3:A:Zlib:Zlib:1.2.11:*:*:*:*:*:*:*")
    assert c.part == "a"
    assert c.vendor == "Zlib"
    assert name_matches(parse_cpe("cpe:2.3:a:zlib:zlib:1.2.11:*:*:*:*:*:*:*"), c)


@pytest.mark.parametrize(
    ("value", "wild"),
    [("1.*", True), ("*1.2", True), ("??1", True), ("1.2??", True), ("1\\*", False)],
)
def test_wildcards_at_the_ends_are_accepted(value: str, wild: bool) -> None:
    c = parse_cpe(f"cpe:2.3:a:foo:bar:{value}:*:*:*:*:*:*:*")
    assert has_wildcard(c.version) is wild


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("cpe:2.3:a:foo:bar", "11 attributes"),
        ("cpe:2.3:a:foo:bar:1:*:*:*:*:*:*:*:*", "11 attributes"),
        ("cpe:2.3:x:foo:bar:1:*:*:*:*:*:*:*", "part"),
        ("cpe:2.3:a::bar:1:*:*:*:*:*:*:*", "empty"),
        ("cpe:2.3:a:foo:b ar:1:*:*:*:*:*:*:*", "not allowed"),
        ("cpe:2.3:a:foo:bär:1:*:*:*:*:*:*:*", "not allowed"),
        ("cpe:2.3:a:foo:bar:1.*.2:*:*:*:*:*:*:*", "embedded"),
        ("cpe:2.3:a:foo:bar:**:*:*:*:*:*:*:*", "wildcards"),
        ("cpe:2.3:a:foo:bar:1?*:*:*:*:*:*:*:*", "wildcard"),
        ("cpe:2.3:a:foo:bar:1:*:*:*:*:*:*:x\\", "escape"),
        ("pkg:pypi/django@3.2", "not a CPE"),
        ("cpe:/a:foo:bar:1:2:3:4:5", "at most 7"),
        ("cpe:/a:foo:bar%zz", "percent"),
        ("cpe:/a:foo:bar:1::~a~b", "packed edition"),
        ("cpe:2.3:a:foo:" + "x" * 3000 + ":1:*:*:*:*:*:*:*", "longer"),
    ],
)
def test_invalid_cpes_are_refused_with_a_reason(text: str, fragment: str) -> None:
    with pytest.raises(InvalidCpe) as err:
        parse_cpe(text)
    assert fragment in str(err.value)
    assert isinstance(err.value, ValueError)
    assert isinstance(err.value, InvalidInput)
    assert is_valid_cpe(text) is False


def test_is_valid_cpe_accepts_both_bindings() -> None:
    assert is_valid_cpe("cpe:2.3:a:zlib:zlib:1.2.11:*:*:*:*:*:*:*")
    assert is_valid_cpe("cpe:/a:zlib:zlib:1.2.11")
    assert is_valid_cpe("  cpe:/o:redhat:linux  ")


def test_uri_binding_unbinds_like_the_formatted_string() -> None:
    uri = parse_cpe("cpe:/a:microsoft:internet_explorer:8.0.6001:beta")
    fs = parse_cpe("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*")
    assert uri == fs


def test_uri_packed_edition_unpacks_into_five_attributes() -> None:
    c = parse_cpe("cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~")
    assert c.edition == ANY and c.update == ANY
    assert (c.sw_edition, c.target_sw, c.target_hw, c.other) == ("online", "win2003", "x64", ANY)
    assert c.to_fs() == "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:*:*:*:online:win2003:x64:*"
    assert c.to_uri() == "cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~"


def test_uri_percent_encoding_and_wildcards() -> None:
    c = parse_cpe("cpe:/a:foo:big%24money:2.%02")
    assert c.text("product") == "big$money"
    assert has_wildcard(c.version)
    assert c.to_fs() == "cpe:2.3:a:foo:big\\$money:2.*:*:*:*:*:*:*:*"
    assert c.to_uri() == "cpe:/a:foo:big%24money:2.%02"


def test_uri_omitted_and_na_components() -> None:
    c = parse_cpe("cpe:/o:redhat:linux::-")
    assert c.version == ANY and c.update == NA and c.language == ANY
    assert c.to_uri() == "cpe:/o:redhat:linux::-"


# NISTIR 7696 Table 6-2 (source = criterion, target = name)
@pytest.mark.parametrize(
    ("source", "target", "relation"),
    [
        (ANY, ANY, Relation.EQUAL),
        (ANY, NA, Relation.SUPERSET),
        (ANY, "1\\.0", Relation.SUPERSET),
        (NA, ANY, Relation.SUBSET),
        (NA, NA, Relation.EQUAL),
        (NA, "1\\.0", Relation.DISJOINT),
        ("1\\.0", ANY, Relation.SUBSET),
        ("1\\.0", NA, Relation.DISJOINT),
        ("1\\.0", "1\\.0", Relation.EQUAL),
        ("Beta", "beta", Relation.EQUAL),
        ("1\\.0", "1\\.1", Relation.DISJOINT),
        ("1\\.*", "1\\.2\\.3", Relation.SUPERSET),
        ("1\\.*", "2\\.1", Relation.DISJOINT),
        ("*\\.0", "10\\.0", Relation.SUPERSET),
        ("1\\.?", "1\\.2", Relation.SUPERSET),
        ("1\\.?", "1\\.23", Relation.DISJOINT),
        ("1\\.0", "1\\.*", Relation.UNDEFINED),
        ("1\\*", "1x", Relation.DISJOINT),
        ("1\\*", "1\\*", Relation.EQUAL),
    ],
)
def test_attribute_relations(source: str, target: str, relation: Relation) -> None:
    assert compare_attribute(source, target) is relation


def test_name_match_needs_every_attribute_superset_or_equal() -> None:
    crit = parse_cpe("cpe:2.3:a:nodejs:node.js:*:*:*:*:lts:*:*:*")
    assert name_matches(crit, parse_cpe("cpe:2.3:a:nodejs:node.js:16.13.0:*:*:*:lts:*:*:*"))
    assert not name_matches(crit, parse_cpe("cpe:2.3:a:nodejs:node.js:16.13.0:*:*:*:-:*:*:*"))
    assert not name_matches(crit, parse_cpe("cpe:2.3:a:nodejs:node.js:16.13.0:*:*:*:*:*:*:*"))
    assert not name_matches(crit, parse_cpe("cpe:2.3:a:nodejs:nodejs:16.13.0:*:*:*:lts:*:*:*"))


def test_cpe_is_frozen_and_hashable() -> None:
    c = Cpe(part="a", vendor="x", product="y")
    assert c.to_fs() == "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*"
    assert str(c) == c.to_fs()
    assert {c, parse_cpe(c.to_fs())} == {c}
    with pytest.raises(AttributeError):
        c.vendor = "z"  # type: ignore[misc]
