"""Pure sharing rules: whether a written sharing agreement (seed 6.2.4) allows an export.

An agreement allows sending an incident to a partner when all hold:
- the partner is the agreement's (names compared without case and surrounding spaces);
- it is in force: signed on or before today and not expired (``expires_on`` is the last day);
- its TLP is at least as restrictive as the incident's (an agreement for TLP:AMBER covers
  CLEAR, GREEN and AMBER incidents, not AMBER+STRICT or RED);
- its scope covers the incident's product: the scope text names the product, or says
  ``all products``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

TLP_ORDER = ("clear", "green", "amber", "amber+strict", "red")
ALL_PRODUCTS = "all products"


@dataclass(frozen=True, slots=True)
class Terms:
    """What an agreement says, as the rule reads it."""

    partner: str
    scope: str
    tlp: str
    signed_on: date
    expires_on: date | None


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def refusal(
    agreements: Sequence[Terms], *, partner: str, tlp: str, product: str | None, today: date
) -> str | None:
    """None when some agreement allows sending the incident to the partner; otherwise why not
    (each agreement with the partner and the first of its terms that fails)."""
    mine = [a for a in agreements if _same(a.partner, partner)]
    if not mine:
        return f"no sharing agreement with {partner.strip()!r} (medsec share agreement)"
    reasons = []
    for a in mine:
        if a.signed_on > today:
            reasons.append(f"the agreement with {a.partner} starts on {a.signed_on}")
        elif a.expires_on is not None and a.expires_on < today:
            reasons.append(f"the agreement with {a.partner} expired on {a.expires_on}")
        elif TLP_ORDER.index(tlp) > TLP_ORDER.index(a.tlp):
            reasons.append(
                f"the agreement with {a.partner} allows up to TLP:{a.tlp.upper()}, "
                f"the incident is TLP:{tlp.upper()}"
            )
        elif not covers(a.scope, product):
            what = product or "incidents without a product"
            reasons.append(
                f"the agreement with {a.partner} does not cover {what} "
                f"(its scope names neither the product nor {ALL_PRODUCTS!r})"
            )
        else:
            return None
    return "; ".join(reasons)


def covers(scope: str, product: str | None) -> bool:
    """True when the scope text names the product or says ``all products``."""
    text = scope.casefold()
    if ALL_PRODUCTS in text:
        return True
    return product is not None and product.strip().casefold() in text
