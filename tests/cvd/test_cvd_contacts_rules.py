"""Annex B coordination contacts."""

from __future__ import annotations

import pytest

from medsec.cvd.contacts import ANNEX_B, ContactRole, contacts_for, countries
from medsec.errors import InvalidInput


def test_lookup_by_code_and_name() -> None:
    japan = contacts_for("JP")
    assert len(japan) == 1 and "JPCERT/CC" in japan[0].organisation
    assert japan[0].urls == (
        "https://www.jpcert.or.jp/vh/top.html",
        "https://www.jpcert.or.jp/english/",
    )
    assert contacts_for("japan") == japan == contacts_for(" jp ")
    assert {c.organisation for c in contacts_for("United States")} == {
        "Industrial Control Systems CERT (ICS-CERT)",
        "US-CERT",
    }
    assert contacts_for("usa") == contacts_for("US")
    assert contacts_for("europe")[0].urls == ("https://cert.europa.eu",)


def test_france_regulators_and_certs() -> None:
    regulators = contacts_for("FR", role="regulator")
    assert len(regulators) == 2 and all(c.role is ContactRole.REGULATOR for c in regulators)
    assert regulators[0].organisation.startswith("ANSM") and len(regulators[0].urls) == 2
    certs = contacts_for("France", role=ContactRole.CERT)
    assert {c.urls[0] for c in certs} == {
        "https://www.cyberveille-sante.gouv.fr/",
        "https://www.ssi.gouv.fr/en/",
    }


def test_unknown_country_and_bad_role() -> None:
    assert contacts_for("NZ") == ()
    assert contacts_for("Atlantis") == ()
    with pytest.raises(InvalidInput, match="police"):
        contacts_for("FR", role="police")


def test_annex_b_shape() -> None:
    assert [code for code, _ in countries()] == [
        "AU",
        "BR",
        "CA",
        "EU",
        "FR",
        "DE",
        "IT",
        "JP",
        "SG",
        "US",
    ]
    assert len(ANNEX_B) == 15
    for contact in ANNEX_B:
        assert contact.organisation and contact.urls
        assert all(u.startswith("https://") for u in contact.urls)
        assert contact.organisation.isascii()  # English, no Japanese text
    regulators = [c for c in ANNEX_B if c.role is ContactRole.REGULATOR]
    assert {c.country_code for c in regulators} == {"FR"}
