"""Shared types of the version schemes: the key type and the parse error."""

from __future__ import annotations

from typing import Any

Key = Any
"""A totally ordered, hashable sort key; keys of one scheme compare with each other only."""


class InvalidVersion(ValueError):
    """A version string that the named scheme cannot parse."""

    def __init__(self, scheme: str, version: str, why: str = "") -> None:
        detail = f": {why}" if why else ""
        super().__init__(f"invalid {scheme} version {version!r}{detail}")
        self.scheme = scheme
        self.version = version
