"""Batching helpers: split work into pieces that stay under every driver's parameter limit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

CHUNK = 900


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    """Split a sequence for IN lists that stay under every driver's parameter limit."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
