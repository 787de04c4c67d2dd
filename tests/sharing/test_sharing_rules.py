"""The agreement rule at its boundaries: partner names, days in force, TLP order, scope."""

from __future__ import annotations

from datetime import date

import pytest

from medsec.sharing.rules import TLP_ORDER, Terms, covers, refusal

TODAY = date(2026, 6, 1)


def _t(**kw) -> Terms:
    base = {
        "partner": "Health-ISAC",
        "scope": "all products",
        "tlp": "amber",
        "signed_on": TODAY,
        "expires_on": TODAY,
    }
    return Terms(**{**base, **kw})


def _ok(terms, tlp="green", product="Pump", partner="Health-ISAC") -> str | None:
    return refusal(terms, partner=partner, tlp=tlp, product=product, today=TODAY)


def test_first_and_last_day_are_in_force() -> None:
    assert _ok([_t()]) is None
    assert "starts on 2026-06-02" in (_ok([_t(signed_on=date(2026, 6, 2))]) or "")
    assert "expired on 2026-05-31" in (_ok([_t(expires_on=date(2026, 5, 31))]) or "")
    assert _ok([_t(expires_on=None)]) is None


@pytest.mark.parametrize("level", TLP_ORDER)
def test_tlp_up_to_the_agreement(level: str) -> None:
    allowed = TLP_ORDER.index(level) <= TLP_ORDER.index("amber")
    assert (_ok([_t()], tlp=level) is None) is allowed


def test_partner_and_scope() -> None:
    assert _ok([_t()], partner="  HEALTH-isac ") is None
    assert "no sharing agreement with 'ISAO'" in (_ok([_t()], partner="ISAO") or "")
    assert covers("Incidents of the PUMP line", "Pump") and not covers("Gateway", "Pump")
    assert not covers("Pump", None) and covers("All Products", None)
    both = [_t(scope="Gateway"), _t(tlp="clear")]
    why = _ok(both) or ""
    assert "does not cover Pump" in why and "allows up to TLP:CLEAR" in why
    assert _ok([*both, _t(scope="Pump and Gateway")]) is None
