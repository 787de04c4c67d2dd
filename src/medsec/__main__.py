"""Run the medsec CLI with ``python -m medsec``."""

from medsec.app.cli import main

main()
