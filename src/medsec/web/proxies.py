"""Proxy headers believed only from the proxies named in ``MEDSEC_TRUSTED_PROXIES``.

Behind a reverse proxy every request comes from the proxy's address; the proxy says who the
client was in ``X-Forwarded-For`` and whether it spoke https in ``X-Forwarded-Proto``. Any client
can send those headers, so they are believed only when the request comes from a listed proxy.
Then the client is the right-most address of ``X-Forwarded-For`` that is not a listed proxy, and
the request's scheme is the proxy's ``X-Forwarded-Proto``: rate limits, audited client addresses
and secure cookies all follow. Default: no proxy is trusted and the headers are ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
SCHEMES = {"http": ("http", "https"), "websocket": ("ws", "wss")}


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


class TrustedProxies:
    """ASGI middleware: the client address and scheme from a trusted proxy's headers."""

    def __init__(self, app: ASGIApp, *, networks: Iterable[str] = ()) -> None:
        self.app = app
        self.networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(n, strict=False) for n in networks
        )

    def trusted(self, host: str) -> bool:
        """True when ``host`` is an address inside a listed proxy network."""
        address = _address(host)
        return address is not None and any(address in n for n in self.networks)

    def client(self, peer: str, forwarded_for: str) -> str:
        """The client's address: the right-most forwarded address that is not a trusted proxy
        (the peer when the header holds none or an entry that is not an address)."""
        for entry in reversed([e for e in forwarded_for.split(",") if e.strip()]):
            address = _address(entry)
            if address is None:
                return peer  # garbage from a proxy: keep what is known for sure
            if not any(address in n for n in self.networks):
                return str(address)
            peer = str(address)
        return peer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Rewrite ``scope["client"]`` and ``scope["scheme"]`` for a trusted proxy's request."""
        peer = scope.get("client")
        if scope["type"] not in SCHEMES or not self.networks or not peer:
            await self.app(scope, receive, send)
            return
        if not self.trusted(str(peer[0])):
            await self.app(scope, receive, send)
            return
        values: dict[bytes, list[str]] = {}
        for key, value in scope.get("headers", []):
            values.setdefault(key.lower(), []).append(value.decode("latin-1"))
        scope = dict(scope)
        forwarded_for = ",".join(values.get(b"x-forwarded-for", []))
        if forwarded_for.strip():
            scope["client"] = (self.client(str(peer[0]), forwarded_for), 0)
        proto = ",".join(values.get(b"x-forwarded-proto", [])).split(",")[-1].strip().lower()
        plain, secure = SCHEMES[scope["type"]]
        if proto in ("http", "ws"):
            scope["scheme"] = plain
        elif proto in ("https", "wss"):
            scope["scheme"] = secure
        await self.app(scope, receive, send)
