"""Refusals reach the audit log: every 403, every CSRF failure (a 403), requests refused as
"not found" because the caller may not see the object, and 429s (one per client and minute)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from threading import Lock

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from medsec.audit import service as audit
from medsec.db.uow import unit_of_work
from medsec.web import paths

RATE_LIMIT_EVERY = 60.0  # seconds: one 429 per client address is audited in this window


class _Once:
    """Remembers when a key was last seen, to audit floods once per window."""

    def __init__(self, window: float) -> None:
        self.window = window
        self.seen: dict[str, float] = {}
        self.lock = Lock()

    def first(self, key: str) -> bool:
        """True when ``key`` was not seen in the window (and remembers it now)."""
        now = time.monotonic()
        with self.lock:
            if len(self.seen) > 10_000:
                self.seen = {k: t for k, t in self.seen.items() if now - t < self.window}
            if now - self.seen.get(key, -self.window) < self.window:
                return False
            self.seen[key] = now
            return True


def install(app: FastAPI) -> None:
    """Audit the refusals of every route of ``app``."""
    once = _Once(RATE_LIMIT_EVERY)

    @app.middleware("http")
    async def audit_refusals(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        hidden = getattr(request.state, "refused", None)
        status = response.status_code
        if status != 403 and status != 429 and hidden is None:
            return response
        client = request.client.host if request.client else "unknown"
        if status == 429 and not once.first(client):
            return response
        details = {
            "method": request.method,
            "path": paths.shown(request.url.path)[:500],
            "status": status,
            "client": client,
        }
        if hidden is not None:
            details["reason"] = str(hidden)[:500]
        await run_in_threadpool(_record, request, details)
        return response


def _record(request: Request, details: dict[str, object]) -> None:
    actor = getattr(request.state, "actor", None) or f"client:{details['client']}"
    with unit_of_work(request.app.state.session_factory) as session:
        audit.record(
            session,
            actor=str(actor),
            action=f"refused.{details['status']}",
            object_type="request",
            details=details,
        )
