"""SPDX 3.0 JSON-LD: recognised and refused for now."""

from __future__ import annotations

from typing import Any

from medsec.errors import UnsupportedFormat
from medsec.ingest.sbom_model import ParsedSbom


def read_spdx3(doc: dict[str, Any], *, source: str, strict: bool = True) -> ParsedSbom:
    """Refuse SPDX 3.0 with a clear message."""
    raise UnsupportedFormat("SPDX 3.0 is not supported yet", source=source, location="$.@context")
