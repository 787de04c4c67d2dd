"""Constants shared by the sharing tests."""

from __future__ import annotations

ADMIN, ANALYST, VIEWER = "cli:ana", "cli:pam", "cli:vic"
CVE = "CVE-2099-0077"
