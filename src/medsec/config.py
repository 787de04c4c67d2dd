"""Settings read from the environment through a factory; nothing is read at import time."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from medsec.errors import InvalidInput

DEFAULT_MAX_DOCUMENT_BYTES = 64 * 1024 * 1024


FEED_MIN_BYTES = 512 * 1024 * 1024  # an OSV ecosystem dump is hundreds of MB
FEED_PREFIXES = ("MEDSEC_FEED", "MEDSEC_NVD_")  # MEDSEC_FEEDS_CONFIG, MEDSEC_FEED_*_URL, ...


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
    smtp_host: str | None = None  # MEDSEC_SMTP_HOST: e-mail notifications go out through it
    smtp_port: int = 25  # MEDSEC_SMTP_PORT
    smtp_user: str | None = None  # MEDSEC_SMTP_USER (with MEDSEC_SMTP_PASSWORD)
    smtp_password: str | None = None  # MEDSEC_SMTP_PASSWORD: never printed or stored
    smtp_starttls: bool = False  # MEDSEC_SMTP_STARTTLS=1
    mail_from: str = "medsec@localhost"  # MEDSEC_MAIL_FROM
    scheduler: bool = True  # MEDSEC_SCHEDULER=0: `medsec serve` runs no background jobs
    worker_heartbeat: float = 10.0  # MEDSEC_WORKER_HEARTBEAT: seconds between a worker's beats
    worker_stalled_after: float = 60.0  # MEDSEC_WORKER_STALLED_AFTER: then its jobs are retried
    job_feeds: tuple[str, ...] = ()  # MEDSEC_JOB_FEEDS: feeds the scheduled sync takes (all)
    cvd_policy: str | None = None  # MEDSEC_CVD_POLICY: the CVD policy file (else the defaults)
    csaf_signing_key: str | None = None  # MEDSEC_CSAF_SIGNING_KEY: armored OpenPGP secret key
    csaf_signing_passphrase: str | None = None  # MEDSEC_CSAF_SIGNING_PASSPHRASE: never printed
    stix_schemas: str | None = None  # MEDSEC_STIX_SCHEMAS: the STIX 2.1 JSON schemas folder
    shared_data: str | None = None  # MEDSEC_SHARED_DATA: real third-party data (demo, tests)
    # MEDSEC_FEEDS_CONFIG, MEDSEC_FEED_* and MEDSEC_NVD_API_KEY, read by vulns.sources.load_config
    feed_vars: tuple[tuple[str, str], ...] = ()

    @property
    def feed_environ(self) -> dict[str, str]:
        """The feed variables as a mapping (what `vulns.sources.load_config` reads)."""
        return dict(self.feed_vars)

    # MEDSEC_TRUSTED_PROXIES: addresses or networks (comma-separated) whose X-Forwarded-For and
    # X-Forwarded-Proto are believed; from any other client those headers are ignored (default)
    trusted_proxies: tuple[str, ...] = ()
    db_pool_size: int = 5  # MEDSEC_DB_POOL_SIZE: PostgreSQL connections the server keeps open
    db_max_overflow: int = 10  # MEDSEC_DB_MAX_OVERFLOW: more it may open under load

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
        smtp_host=env.get("MEDSEC_SMTP_HOST") or None,
        smtp_port=int(env.get("MEDSEC_SMTP_PORT") or 25),
        smtp_user=env.get("MEDSEC_SMTP_USER") or None,
        smtp_password=env.get("MEDSEC_SMTP_PASSWORD") or None,
        smtp_starttls=_flag(env.get("MEDSEC_SMTP_STARTTLS"), default=False),
        mail_from=env.get("MEDSEC_MAIL_FROM") or "medsec@localhost",
        scheduler=_flag(env.get("MEDSEC_SCHEDULER"), default=True),
        worker_heartbeat=float(env.get("MEDSEC_WORKER_HEARTBEAT") or 10.0),
        worker_stalled_after=float(env.get("MEDSEC_WORKER_STALLED_AFTER") or 60.0),
        job_feeds=tuple(
            f.strip() for f in (env.get("MEDSEC_JOB_FEEDS") or "").split(",") if f.strip()
        ),
        cvd_policy=env.get("MEDSEC_CVD_POLICY") or None,
        csaf_signing_key=env.get("MEDSEC_CSAF_SIGNING_KEY") or None,
        csaf_signing_passphrase=env.get("MEDSEC_CSAF_SIGNING_PASSPHRASE") or None,
        stix_schemas=env.get("MEDSEC_STIX_SCHEMAS") or None,
        shared_data=env.get("MEDSEC_SHARED_DATA") or None,
        feed_vars=tuple(sorted((k, v) for k, v in env.items() if k.startswith(FEED_PREFIXES))),
        trusted_proxies=_networks(env.get("MEDSEC_TRUSTED_PROXIES")),
        db_pool_size=_count(env, "MEDSEC_DB_POOL_SIZE", 5, least=1),
        db_max_overflow=_count(env, "MEDSEC_DB_MAX_OVERFLOW", 10, least=0),
    )


def _networks(value: str | None) -> tuple[str, ...]:
    """MEDSEC_TRUSTED_PROXIES checked: each entry an IP address or network."""
    out = []
    for entry in (e.strip() for e in (value or "").split(",")):
        if not entry:
            continue
        try:
            out.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError:
            raise InvalidInput(
                f"MEDSEC_TRUSTED_PROXIES: {entry!r} is not an IP address or network"
            ) from None
    return tuple(out)


def _count(env: Mapping[str, str], name: str, default: int, *, least: int) -> int:
    """A whole number setting of at least ``least``; a clear error naming the variable."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < least:
        raise ValueError(f"{name}={raw!r}: a whole number of at least {least} is needed")
    return int(raw)


def _flag(value: str | None, *, default: bool) -> bool:
    """An on/off environment value (1/true/yes/on or 0/false/no/off)."""
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


KEY_FILE = "secret.key"
ANCHOR_FILE = "audit-anchor.json"  # the audit log's head anchor, kept outside the database


def secret_key(settings: Settings) -> bytes:
    """The app secret: MEDSEC_SECRET_KEY, else MEDSEC_HOME/secret.key (made once, mode 0600)."""
    if settings.secret_key:
        return settings.secret_key.encode()
    path = settings.home / KEY_FILE
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the home: owner only
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48) + "\n")
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    key = path.read_text().strip().encode()
    if len(key) < 32:
        raise InvalidInput(f"{path}: the secret key is shorter than 32 characters")
    return key
