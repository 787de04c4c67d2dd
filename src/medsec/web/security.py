"""Security headers on every response (pages, API, errors, static files)."""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}

_KEEP = ("content-security-policy",)
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def notice_csp(html: str) -> str:
    """A CSP for a notice page (advisory or end-of-support notice): nothing but its own inline
    stylesheet (by hash)."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
        for m in _STYLE.findall(html)
    )
    styles = hashes or "'none'"
    return (
        f"default-src 'none'; style-src {styles}; img-src data:; "
        "frame-ancestors 'none'; form-action 'none'; base-uri 'none'"
    )


class SecurityHeaders:
    """ASGI middleware: the strict CSP and friends everywhere; no-store except static files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to the response start message."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = message.get("headers", [])
                own_csp = any(k.decode().lower() == "content-security-policy" for k, _ in given)
                keep = _KEEP if own_csp else ()  # a page may set a stricter CSP of its own
                headers = [
                    (k, v)
                    for k, v in given
                    if k.decode().lower() in keep
                    or (k.decode().lower() not in HEADERS and k.decode().lower() != "cache-control")
                ]
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items() if k not in keep]
                cache = "public, max-age=3600" if static else "no-store"
                headers.append((b"cache-control", cache.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
