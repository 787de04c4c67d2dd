"""Pure spam-resistance helpers for the public report form; the web layer decides what to do.

- Honeypot: a field hidden from people by CSS (``HONEYPOT_FIELD``); bots fill every field.
- Fill time: the form's render time travels in a signed hidden field (signing is the web
  layer's job); a submission faster than ``MIN_FILL_TIME`` or older than ``MAX_FORM_AGE`` is
  suspect, one from the future is refused.
- Content score: points for link-spam signs only. Markup such as ``<script>`` is NOT scored: a
  cross-site-scripting proof of concept is a legitimate report. Points: each URL beyond
  ``FREE_LINKS`` (1), link markup ``<a href`` / ``[url`` (3), more than ``MAX_DOMAINS``
  distinct link domains (2), a spam keyword (2 each), a description shorter than 20 characters
  (1), mostly upper-case letters (1). ``SPAM_THRESHOLD`` or more → likely spam (hold for
  review rather than drop: false positives cost a vulnerability report).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

HONEYPOT_FIELD = "website"
MIN_FILL_TIME = timedelta(seconds=5)
MAX_FORM_AGE = timedelta(hours=24)
FREE_LINKS = 5
MAX_DOMAINS = 3
SPAM_THRESHOLD = 5
MIN_DESCRIPTION = 20
SPAM_WORDS = (
    "casino",
    "viagra",
    "cialis",
    "seo service",
    "backlinks",
    "loan offer",
    "crypto investment",
    "forex",
    "escort",
)
_URL = re.compile(r"\b(?:https?://|www\.)([^\s/<>\"')\]]+)", re.IGNORECASE)
_LINK_MARKUP = re.compile(r"<a\s[^>]*href|\[url[=\]]", re.IGNORECASE)


def honeypot_triggered(fields: Mapping[str, Any], name: str = HONEYPOT_FIELD) -> bool:
    """True when the hidden honeypot field came back with anything but blanks."""
    value = fields.get(name)
    if value is None:
        return False
    if isinstance(value, bytes):
        return bool(value.strip())
    return bool(str(value).strip())


@dataclass(frozen=True, slots=True)
class FillTimeCheck:
    """Outcome of the fill-time check: ``ok`` or the ``problem`` found."""

    ok: bool
    problem: str | None = None


def check_fill_time(
    rendered_at: datetime,
    submitted_at: datetime,
    *,
    minimum: timedelta = MIN_FILL_TIME,
    maximum: timedelta = MAX_FORM_AGE,
) -> FillTimeCheck:
    """Was the form filled by a person: not too fast, not stale, not rendered in the future."""
    elapsed = submitted_at - rendered_at
    if elapsed < timedelta(0):
        return FillTimeCheck(False, "form rendered after submission")
    if elapsed < minimum:
        return FillTimeCheck(False, f"submitted {elapsed.total_seconds():.1f}s after rendering")
    if elapsed > maximum:
        return FillTimeCheck(False, "form expired; reload it")
    return FillTimeCheck(True)


@dataclass(frozen=True, slots=True)
class SpamScore:
    """Heuristic score with the reason for each point awarded."""

    score: int
    reasons: tuple[str, ...]

    @property
    def likely_spam(self) -> bool:
        """True at or above ``SPAM_THRESHOLD``."""
        return self.score >= SPAM_THRESHOLD


def spam_score(texts: Iterable[str], *, description: str | None = None) -> SpamScore:
    """Score the report's text fields (see the module docstring for the points)."""
    joined = "\n".join(texts)
    if description is not None:
        joined = f"{joined}\n{description}"
    score = 0
    reasons: list[str] = []
    domains = [m.group(1).lower().removeprefix("www.") for m in _URL.finditer(joined)]
    if len(domains) > FREE_LINKS:
        score += len(domains) - FREE_LINKS
        reasons.append(f"{len(domains)} links (more than {FREE_LINKS})")
    if _LINK_MARKUP.search(joined):
        score += 3
        reasons.append("link markup (<a href> or [url])")
    if len(set(domains)) > MAX_DOMAINS:
        score += 2
        reasons.append(f"{len(set(domains))} distinct link domains")
    lowered = joined.casefold()
    for word in SPAM_WORDS:
        if word in lowered:
            score += 2
            reasons.append(f"spam keyword {word!r}")
    if description is not None and len(description.strip()) < MIN_DESCRIPTION:
        score += 1
        reasons.append("description shorter than 20 characters")
    letters = [c for c in joined if c.isalpha()]
    if len(letters) >= MIN_DESCRIPTION and sum(c.isupper() for c in letters) > len(letters) * 0.7:
        score += 1
        reasons.append("mostly upper-case text")
    return SpamScore(score, tuple(reasons))
