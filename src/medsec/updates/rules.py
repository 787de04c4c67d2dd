"""Pure update rules: update methods with the user's responsibilities (seed 6.4.2, Table 2) and
the recommended level of regulatory oversight of an update (seed 6.4.3, Table 3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from medsec.core.updates import (
    UPDATE_METHODS,
    OversightLevel,
    UpdateEffect,
    UpdateMethod,
    UpdateMethodInfo,
)
from medsec.errors import InvalidInput

__all__ = [
    "UPDATE_METHODS",
    "AddressedFinding",
    "OversightDecision",
    "OversightLevel",
    "UpdateEffect",
    "UpdateMethod",
    "UpdateMethodInfo",
    "oversight_level",
    "refuse",
]


def refuse(rule: str, message: str) -> InvalidInput:
    """An InvalidInput whose message starts with the broken rule's name in brackets."""
    return InvalidInput(f"[{rule}] {message}")


_RANK = {OversightLevel.LOW: 0, OversightLevel.MEDIUM: 1, OversightLevel.HIGH: 2}


@dataclass(frozen=True, slots=True)
class AddressedFinding:
    """One item an update addresses, and whether its residual risk was acceptable before it."""

    ref: str
    effect: UpdateEffect
    residual_acceptable_before: bool | None = None


@dataclass(frozen=True, slots=True)
class OversightDecision:
    """The derived oversight level, the items that decide it, and the reasons."""

    level: OversightLevel
    deciding: tuple[str, ...]
    reasons: tuple[str, ...]
    review_before_release_possible: bool


def _item_level(item: AddressedFinding) -> tuple[OversightLevel, str]:
    if item.effect is UpdateEffect.CYBER_HYGIENE:
        if item.residual_acceptable_before is False:
            raise refuse(
                "updates.addressed.hygiene_with_unacceptable_risk",
                f"{item.ref}: an item with unacceptable residual risk is not cyber hygiene only; "
                "say whether the update fixes it or reduces its risk",
            )
        return OversightLevel.LOW, f"{item.ref}: cyber hygiene only → low"
    if item.residual_acceptable_before is None:
        raise refuse(
            "updates.addressed.residual_unknown",
            f"{item.ref}: state whether the residual risk of patient harm was acceptable before "
            "the update",
        )
    if item.residual_acceptable_before:
        return OversightLevel.MEDIUM, (
            f"{item.ref}: {item.effect.value.replace('_', ' ')}, residual risk was acceptable "
            "→ medium"
        )
    return OversightLevel.HIGH, (
        f"{item.ref}: {item.effect.value.replace('_', ' ')}, residual risk of patient harm was "
        "unacceptable → high"
    )


def oversight_level(
    addressed: Sequence[AddressedFinding],
    *,
    cyber_hygiene: bool = False,
    other_impact: bool = False,
) -> OversightDecision:
    """Oversight level of an update: the highest level among the items it addresses.

    Seed 6.4.3: "Where a proposed software change affects more than one vulnerability, or
    improves 'cyber hygiene' and affects at least one vulnerability, the manufacturer should
    consider applying the highest-level item of Table 3 when communicating its subsequent
    actions. For example, one software change may strengthen system security, reduce the risk of
    vulnerability A and fix vulnerability B; in that case the 'high' level of regulatory
    requirements associated with vulnerability B applies."
    Table 3: security strengthening (cyber hygiene) → low; a vulnerability fix, or a risk
    reduction strategy for a vulnerability that cannot be fixed, → medium; residual risk of
    patient harm unacceptable → high. ``cyber_hygiene`` marks an update that also strengthens
    security in general; ``other_impact`` marks a change that is not solely for cybersecurity
    (seed question 1): the regulator may then want to review it before release, at any level.
    """
    items = list(addressed)
    if cyber_hygiene:
        items.append(AddressedFinding("cyber hygiene", UpdateEffect.CYBER_HYGIENE))
    if not items:
        raise refuse(
            "updates.addressed.empty",
            "an update must address at least one finding or be marked as cyber hygiene",
        )
    graded = [(item, *_item_level(item)) for item in items]
    top = max((lv for _, lv, _ in graded), key=_RANK.__getitem__)
    reasons = [r for _, _, r in graded]
    reasons.append(f"highest level across {len(items)} item(s) applies → {top}")
    if other_impact:
        reasons.append(
            "the change is not solely for cybersecurity: the regulator may review it before release"
        )
    return OversightDecision(
        level=top,
        deciding=tuple(item.ref for item, lv, _ in graded if lv is top),
        reasons=tuple(reasons),
        review_before_release_possible=other_impact or top is OversightLevel.HIGH,
    )
