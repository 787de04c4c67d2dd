"""Encoded slashes in URL path segments: a product named ``Pump A/B`` is reached at
``/products/Pump%20A%2FB``.

The server decodes ``%2F`` into ``/`` before routing, so such a segment would split in two and
every page of the product answer 404. The middleware re-decodes the raw path segment by segment,
writing a slash inside a segment as a private marker; the path parameter convertors turn the
marker back into ``/``. Paths without ``%2F`` are left as they are.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from starlette import convertors
from starlette.types import ASGIApp, Receive, Scope, Send

MARK = "\uffff"  # a Unicode noncharacter: never part of a name a person writes
_SLASH, _MARK = MARK + "s", MARK + "m"


def encode_segment(decoded: str) -> str:
    """A decoded path segment with its slashes (and any marker) written as markers."""
    return decoded.replace(MARK, _MARK).replace("/", _SLASH)


def decode_segment(value: str) -> str:
    """The segment's text back from ``encode_segment``."""
    if MARK not in value:
        return value
    return value.replace(_SLASH, "/").replace(_MARK, MARK)


def shown(path: str) -> str:
    """A routed path as a URL writes it: a segment holding a slash percent-encoded whole (its
    slash as ``%2F``), the other segments as they were."""
    if MARK not in path:
        return path
    return "/".join(
        quote(decode_segment(part), safe="") if MARK in part else part for part in path.split("/")
    )


def routing_path(raw_path: bytes) -> str | None:
    """The path to route on when ``raw_path`` holds an encoded slash or a marker, else None."""
    lowered = raw_path.lower()
    if b"%2f" not in lowered and b"%ef%bf%bf" not in lowered:
        return None
    parts = raw_path.split(b"/")
    return "/".join(encode_segment(unquote(part.decode("latin-1"))) for part in parts)


class EncodedSlashes:
    """ASGI middleware: route on segments whose encoded slashes are kept inside the segment."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Rewrite ``scope["path"]`` when the raw path holds ``%2F``."""
        raw = scope.get("raw_path") if scope["type"] in ("http", "websocket") else None
        if isinstance(raw, bytes):
            path = routing_path(raw)
            if path is not None:
                root = str(scope.get("root_path") or "")
                prefix = root if root and str(scope.get("path", "")).startswith(root) else ""
                scope = dict(scope, path=prefix + path)
        await self.app(scope, receive, send)


def _convert(_convertor: object, value: str) -> str:
    return decode_segment(value)


def install_convertors() -> None:
    """Make ``{x}`` and ``{x:path}`` parameters give back encoded slashes.

    Set on the convertor classes, so routes compiled before this call follow it too; without a
    marker in the value the conversion is the identity it was.
    """
    for cls in (convertors.StringConvertor, convertors.PathConvertor):
        setattr(cls, "convert", _convert)  # noqa: B010 (a method replaced on the class)
