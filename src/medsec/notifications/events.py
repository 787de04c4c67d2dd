"""Event constructors for the sources that emit in one line (advisories, later lifecycle)."""

from __future__ import annotations

from typing import Any

from medsec.notifications.schemas import Event


def advisory_published(tracking_id: str, revision: Any, product: str, title: str) -> Event:
    """``advisory.published`` for a revision (its number, status and TLP)."""
    return Event(
        kind="advisory.published",
        key=f"advisory.published:{tracking_id}:{revision.number}",
        title=f"Advisory {tracking_id} {revision.status} revision {revision.number}: {title}",
        product=product,
        data={
            "advisory": tracking_id,
            "revision": revision.number,
            "status": revision.status,
            "tlp": revision.tlp,
        },
    )


def end_of_support(key: str, *, product: str, release: str, milestone: str, date: str) -> Event:
    """``lifecycle.end_of_support``: the hook the lifecycle domain will call."""
    return Event(
        kind="lifecycle.end_of_support",
        key=f"lifecycle.end_of_support:{key}",
        title=f"{product} {release}: {milestone} on {date}",
        product=product,
        data={"release": release, "milestone": milestone, "date": date},
    )
