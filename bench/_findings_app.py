"""The app for uvicorn's ``--factory`` in bench_findings_api.py (settings from MEDSEC_*)."""

from __future__ import annotations

from typing import Any


def create() -> Any:
    """The medsec app (API and web UI) on the database MEDSEC_DATABASE_URL names."""
    try:
        from medsec.app.api import create_app  # the composition root after the arch move
    except ImportError:
        from medsec.api.app import create_app  # type: ignore[no-redef]
    from medsec.config import get_settings

    return create_app(get_settings())
