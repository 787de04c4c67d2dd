"""Settings read from the environment through a factory; nothing is read at import time."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

DEFAULT_MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


FEED_MIN_BYTES = 512 * 1024 * 1024  # an OSV ecosystem dump is hundreds of MB


@dataclass(frozen=True, slots=True)
class Settings:
    """Runtime settings: where data lives, which database, and input limits."""

    home: Path
    database_url: str
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES
    actor: str = "cli"
    secret_key: str | None = None  # MEDSEC_SECRET_KEY; else MEDSEC_HOME/secret.key is made
    report_burst: int = 5  # MEDSEC_REPORT_BURST: public reports at once per client address
    report_per_hour: float = 6.0  # MEDSEC_REPORT_PER_HOUR: then this many more per hour
    public_base_url: str | None = None  # MEDSEC_PUBLIC_BASE_URL: where the CSAF directory is

    @property
    def feed_max_bytes(self) -> int:
        """The size limit of one feed document (dumps are large): the document limit, but never
        below FEED_MIN_BYTES."""
        return max(self.max_document_bytes, FEED_MIN_BYTES)

    @property
    def is_embedded(self) -> bool:
        """True when the database is the embedded SQLite default."""
        return self.database_url.startswith("sqlite")


def get_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from MEDSEC_* environment variables (or the mapping given)."""
    env = os.environ if environ is None else environ
    home = Path(env.get("MEDSEC_HOME") or user_data_dir("medsec", appauthor=False)).expanduser()
    url = env.get("MEDSEC_DATABASE_URL") or f"sqlite:///{home / 'medsec.db'}"
    max_bytes = int(env.get("MEDSEC_MAX_DOCUMENT_BYTES") or DEFAULT_MAX_DOCUMENT_BYTES)
    user = env.get("MEDSEC_ACTOR") or env.get("USER") or env.get("USERNAME") or "unknown"
    return Settings(
        home=home,
        database_url=url,
        max_document_bytes=max_bytes,
        actor=user,
        secret_key=env.get("MEDSEC_SECRET_KEY") or None,
        report_burst=int(env.get("MEDSEC_REPORT_BURST") or 5),
        report_per_hour=float(env.get("MEDSEC_REPORT_PER_HOUR") or 6.0),
        public_base_url=env.get("MEDSEC_PUBLIC_BASE_URL") or None,
    )
