"""Shared update vocabulary: update methods with the user's responsibilities (seed 6.4.2,
Table 2), the levels of regulatory oversight (seed 6.4.3, Table 3) and what an update does."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class UpdateMethod(StrEnum):
    """How an update reaches the device (seed Table 2, after the HSCC Joint Security Plan)."""

    REMOTE = "remote"
    USER_MANAGED = "user_managed"
    SERVICE_VISIT = "service_visit"


@dataclass(frozen=True, slots=True)
class UpdateMethodInfo:
    """Table 2 row: the method's summary and the user's main responsibility (seed, in English)."""

    title: str
    summary: str
    user_responsibility: str
    note: str | None = None


UPDATE_METHODS: dict[UpdateMethod, UpdateMethodInfo] = {
    UpdateMethod.REMOTE: UpdateMethodInfo(
        title="Remote update",
        summary=(
            "Updates applied through a secure, authorized remote service and support platform "
            "provided by the manufacturer."
        ),
        user_responsibility=(
            "Ensure remote connectivity, following the manufacturer's instructions."
        ),
    ),
    UpdateMethod.USER_MANAGED: UpdateMethodInfo(
        title="User-managed",
        summary=(
            "Approved updates that customers obtain themselves from a source designated by the "
            "manufacturer and install, including direct download from the third party that "
            "supplies the product or component."
        ),
        user_responsibility=(
            "Obtain and install the update, following the manufacturer's instructions."
        ),
    ),
    UpdateMethod.SERVICE_VISIT: UpdateMethodInfo(
        title="Service visit",
        summary=(
            "Cybersecurity updates managed by a local service facility (including on-site "
            "service). Used where applying an update incorrectly could cause serious harm and "
            "service on site is needed."
        ),
        user_responsibility=(
            "Hand the device to a service facility for the update, receive an on-site service "
            "visit, or go to a specialist healthcare facility for the update."
        ),
        note=(
            "For a service visit the user is responsible for coordinating with a professional "
            "qualified to install the update."
        ),
    ),
}


class OversightLevel(StrEnum):
    """Recommended level of regulatory oversight of a software update (seed Table 3)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class UpdateEffect(StrEnum):
    """What the update does for one item it addresses."""

    CYBER_HYGIENE = "cyber_hygiene"  # strengthens security; no known vulnerability involved
    FIXED = "fixed"  # fixes the vulnerability
    RISK_REDUCED = "risk_reduced"  # risk reduction for a vulnerability that cannot be fixed
