"""`medsec serve`: the web UI and the API (uvicorn) on this process's database."""

from __future__ import annotations

import typer

from medsec.cli import runtime
from medsec.config import Settings
from medsec.jobs import scheduler


def run_server(settings: Settings, *, host: str, port: int) -> None:
    """Serve the app with uvicorn until interrupted."""
    import uvicorn  # imported here: the CLI starts fast and only `serve` needs the server

    from medsec.app.api import create_app
    from medsec.core.gcpause import tune_for_server

    runtime.console.print(f"medsec web UI and API at http://{host}:{port}/ (Ctrl+C stops)")
    jobs = scheduler.start_if_embedded(settings)  # background jobs
    app = create_app(settings)
    tune_for_server()
    try:
        uvicorn.run(  # proxy headers: only MEDSEC_TRUSTED_PROXIES, decided by the app
            app, host=host, port=port, log_level="info", proxy_headers=False
        )
    finally:
        if jobs is not None:
            jobs.stop()


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Serve the web UI and the JSON API (/api/v1, OpenAPI at /api/openapi.json)."""
    runtime.engine()  # migrates the embedded database, or refuses a server schema that is behind
    run_server(runtime.settings(), host=host, port=port)
