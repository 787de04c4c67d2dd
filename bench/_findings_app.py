"""The app for uvicorn's ``--factory`` in bench_findings_api.py (settings from MEDSEC_*)."""

from __future__ import annotations

from typing import Any


def create() -> Any:
    """The medsec app (API and web UI) on the database MEDSEC_DATABASE_URL names."""
    from medsec.app.api import create_app
    from medsec.config import get_settings

    return create_app(get_settings())
