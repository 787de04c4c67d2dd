"""Sending: e-mail over SMTP and webhooks signed with HMAC-SHA256 (standard library only)."""

from __future__ import annotations

import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage
from typing import Any

import orjson

from medsec.config import Settings
from medsec.notifications import rules

TIMEOUT = 10.0


class SendError(Exception):
    """A message could not be sent (the delivery is retried later)."""


def send_email(settings: Settings, to: str, message: dict[str, Any], *, now: str) -> None:
    """Send the message as plain-text e-mail through MEDSEC_SMTP_HOST."""
    if not settings.smtp_host:
        raise SendError("no SMTP server configured (MEDSEC_SMTP_HOST)")
    subject, text = rules.email_text(message)
    mail = EmailMessage()
    mail["From"] = settings.mail_from
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = now
    mail["Message-ID"] = (
        f"<medsec-notification-{message['id']}@{settings.mail_from.split('@')[-1]}>"
    )
    mail.set_content(text)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(f"SMTP {settings.smtp_host}:{settings.smtp_port}: {exc}") from exc


def send_webhook(url: str, secret: str, message: dict[str, Any], *, timestamp: str) -> int:
    """POST the message as JSON, signed in `X-Medsec-Signature`; the HTTP status or SendError."""
    body = orjson.dumps(message, option=orjson.OPT_SORT_KEYS)
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked: http or https only)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "medsec-notifications",
            "X-Medsec-Event": str(message["event"]),
            "X-Medsec-Delivery": str(message["id"]),
            "X-Medsec-Timestamp": timestamp,
            "X-Medsec-Signature": rules.signature(secret, timestamp, body),
        },
    )
    if not url.startswith(("http://", "https://")):
        raise SendError(f"{url}: not an http(s) URL")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        raise SendError(f"{url}: HTTP {exc.code}") from exc
    except (OSError, urllib.error.URLError) as exc:
        raise SendError(f"{url}: {exc}") from exc
