"""The redaction rules' text scrubbing on its own (pure)."""

from __future__ import annotations

import pytest

from medsec.sharing.redaction import REDACTED, known_values, mentions, scrub


@pytest.mark.parametrize(
    "text",
    [
        "Block 10.1.2.3.",
        "(10.1.2.3)",
        "host=10.1.2.3:443",
        "mail a.b+c@x.example now",
        "mac 0a:1b:2c:3d:4e:5f,",
        "v6 fd00:1:2::3 end",
        "v6 2001:db8:0:0:0:0:2:1.",
    ],
)
def test_addresses_are_scrubbed_wherever_they_stand(text):
    out = scrub(text, [])
    assert REDACTED in out
    for token in ("10.1.2.3", "a.b+c@x.example", "0a:1b:2c:3d:4e:5f", "fd00:1:2::3", "2001:db8"):
        assert token not in out


def test_versions_and_times_are_not_addresses():
    assert scrub("firmware 2.1.0 at 10:30", []) == "firmware 2.1.0 at 10:30"


def test_known_values_cover_parts_and_actors():
    known = known_values(["cli:ana", "GW-07 10.9.8.7 ICU", "ab", None, ""])
    assert {"cli:ana", "ana", "GW-07 10.9.8.7 ICU", "10.9.8.7", "GW-07"} <= set(known)
    assert "ab" not in known and "ICU" not in known
    assert known == sorted(known, key=lambda v: (-len(v), v))
    assert scrub("seen by ANA on gw-07", known) == f"seen by {REDACTED} on {REDACTED}"
    assert mentions("[domain-name:value = 'gw-07.example']", known)
    assert not mentions("[domain-name:value = 'evil.example']", known)
