"""The app for uvicorn's ``--factory`` in bench_findings_api.py (settings from MEDSEC_*)."""

from __future__ import annotations

from typing import Any


def create() -> Any:
    """The medsec app (API and web UI) on the database MEDSEC_DATABASE_URL names, with the
    collector tuned as `medsec serve` tunes it (MEDSEC_BENCH_GC=default: left as it is)."""
    import os

    from medsec.app.api import create_app
    from medsec.config import get_settings
    from medsec.core.gcpause import tune_for_server

    app = create_app(get_settings())
    if os.environ.get("MEDSEC_BENCH_GC") != "default":
        tune_for_server()
    return app
