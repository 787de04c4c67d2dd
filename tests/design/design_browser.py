"""The browser fixtures of the web tests (tests/web/_browser.py), for the design pages' tests."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))

from _browser import browser, live_server, login, page, shoot  # noqa: F401
