"""Run the medsec CLI with ``python -m medsec``."""

from medsec.cli.main import main

main()
