"""Pure notification rules: who wants an event, who may see it, what leaves medsec, signing."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from medsec.notifications.schemas import WebhookPayload

EVENT_KINDS = {
    "finding.new": "a new finding at or above the preference's severity",
    "kev.hit": "a CISA KEV entry (known exploited) matches a component in the portfolio",
    "cvd.deadline": "a CVD case deadline is within the preference's days, or has passed",
    "advisory.published": "a security advisory revision was published",
    "lifecycle.end_of_support": "a component or release reaches an end-of-support milestone",
    "incident.notification_overdue": "an incident's notification (regulator, customers, ...) "
    "is past its deadline and not sent",
}
CHANNELS = ("email", "webhook")
SEVERITIES = ("none", "low", "medium", "high", "critical")
SECURITY_ROLES = {"admin", "reviewer", "analyst"}
# cases and incidents are confidential to the security roles
CONFIDENTIAL_KINDS = {"cvd.deadline", "incident.notification_overdue"}
MAX_ATTEMPTS = 6
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600

# The only event fields that ever leave medsec, per kind: never tokens, passwords, the finder's
# contact data or report text, nor anything the event source kept beside them.
PUBLIC_FIELDS: dict[str, tuple[str, ...]] = {
    "finding.new": ("finding_id", "release", "component", "vulnerability", "severity", "kev"),
    "kev.hit": ("finding_id", "release", "component", "vulnerability", "kev_date_added"),
    "cvd.deadline": ("case", "deadline", "due", "overdue", "days_left"),
    "advisory.published": ("advisory", "revision", "status", "tlp", "url"),
    "lifecycle.end_of_support": ("release", "component", "milestone", "date"),
    "incident.notification_overdue": ("incident", "obligation", "authority", "due"),
}
_EMAIL = re.compile(r"^[^@\s<>,;:\"]+@[^@\s<>,;:\"]+\.[^@\s<>,;:\"]+$")


def check_kinds(kinds: Iterable[str]) -> list[str]:
    """The event kinds, or ValueError naming the unknown one."""
    out = []
    for kind in kinds:
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event {kind!r}; one of: {', '.join(EVENT_KINDS)}")
        out.append(kind)
    return sorted(set(out))


def check_target(channel: str, target: str) -> str:
    """An e-mail address or an http(s) URL, or ValueError saying what is wrong."""
    value = target.strip()
    if channel == "email":
        if not _EMAIL.match(value):
            raise ValueError(f"{target!r} is not an e-mail address")
        return value
    if channel == "webhook":
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"{target!r} is not an http(s) URL")
        if parts.username or parts.password:
            raise ValueError("a webhook URL must not carry a user name or password")
        return value
    raise ValueError(f"unknown channel {channel!r}; one of: {', '.join(CHANNELS)}")


def check_severity(value: str) -> str:
    """A severity name, or ValueError."""
    if value.lower() not in SEVERITIES:
        raise ValueError(f"unknown severity {value!r}; one of: {', '.join(SEVERITIES)}")
    return value.lower()


def at_or_above(severity: str | None, threshold: str) -> bool:
    """True when ``severity`` is at or above ``threshold`` (unknown severities never are)."""
    if severity is None or severity.lower() not in SEVERITIES:
        return False
    return SEVERITIES.index(severity.lower()) >= SEVERITIES.index(threshold)


def wants(
    pref: Mapping[str, Any], kind: str, product: str | None, severity: str | None, data: Any
) -> bool:
    """True when the preference asks for this event (kind, product, severity, deadline days)."""
    if not pref["enabled"] or kind not in pref["events"]:
        return False
    if pref["product"] is not None and pref["product"] != product:
        return False
    if kind == "finding.new":
        return at_or_above(severity, pref["min_severity"])
    if kind == "cvd.deadline":
        days = data.get("days_left")
        return bool(data.get("overdue")) or (days is not None and days <= pref["deadline_days"])
    return True


def entitled(roles: Iterable[str], products: Iterable[str], kind: str, product: str | None) -> bool:
    """True when an account with these roles and product list may be told about the event."""
    held = set(roles)
    if not held:
        return False
    allowed = set(products)
    if allowed and (product is None or product not in allowed):
        return False
    return not (kind in CONFIDENTIAL_KINDS and not held & SECURITY_ROLES)


def payload(
    *, delivery_id: int, kind: str, title: str, product: str | None, data: Mapping[str, Any]
) -> WebhookPayload:
    """The message body: the event's public fields only (see PUBLIC_FIELDS)."""
    public = {k: data[k] for k in PUBLIC_FIELDS.get(kind, ()) if k in data}
    return {"id": delivery_id, "event": kind, "title": title, "product": product, **public}


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``timestamp.body`` with the preference's secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """True when ``header`` is the signature of the body (constant-time comparison)."""
    return hmac.compare_digest(signature(secret, timestamp, body), header)


def backoff_seconds(attempts: int) -> int:
    """Seconds before the next try after ``attempts`` failed ones (30 s doubling, 1 h cap)."""
    return int(min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0)))


def email_text(message: Mapping[str, Any]) -> tuple[str, str]:
    """Subject and plain text of an e-mail: what to do first, then the facts."""
    kind = message["event"]
    action = {
        "finding.new": "Review and triage this finding.",
        "kev.hit": "Act now: this vulnerability is known to be exploited.",
        "cvd.deadline": "Act on this case before its deadline.",
        "advisory.published": "Read the advisory and tell the customers it concerns.",
        "lifecycle.end_of_support": "Plan the replacement before support ends.",
        "incident.notification_overdue": "Send this notification now: its deadline has passed.",
    }.get(kind, "Review this event.")
    lines = [action, "", str(message["title"])]
    if message.get("product"):
        lines.append(f"Product: {message['product']}")
    lines.extend(
        f"{key.replace('_', ' ').capitalize()}: {message[key]}"
        for key in PUBLIC_FIELDS.get(kind, ())
        if message.get(key) is not None
    )
    lines += ["", f"medsec notification {message['id']}"]
    return f"[medsec] {message['title']}"[:200], "\n".join(lines) + "\n"
