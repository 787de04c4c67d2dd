"""Render the data-flow diagram to SVG with Graphviz ``dot`` (Debian package ``graphviz``)."""

from __future__ import annotations

import shutil
import subprocess

from medsec.errors import Unavailable
from medsec.ingest.sysmodel_model import SystemModel
from medsec.sysmodel.rules import to_dot

TIMEOUT_SECONDS = 60


def render_svg(model: SystemModel) -> str:
    """The model's diagram as SVG text; Unavailable when ``dot`` is not installed."""
    dot = shutil.which("dot")
    if dot is None:
        raise Unavailable("Graphviz is not installed (apt-get install -y graphviz)")
    proc = subprocess.run(
        [dot, "-Tsvg"],
        input=to_dot(model).encode(),
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if proc.returncode != 0:
        raise Unavailable(f"Graphviz failed: {proc.stderr.decode(errors='replace')[:300]}")
    svg = proc.stdout.decode()
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
