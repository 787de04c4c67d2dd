"""Every environment variable is read through `Settings`; other modules only pass the
environment on to a child process."""

from __future__ import annotations

import re
from pathlib import Path

import medsec
from medsec.config import get_settings
from medsec.vulns import sources

SRC = Path(medsec.__file__).resolve().parent
CHILD_ENV = {  # each copies the environment for a child process, with why
    "jobs/launch.py": "a job's child process gets the same home and database",
    "jobs/scheduler.py": "the scheduler's job processes",
    "backup/service.py": "pg_dump / pg_restore get PGPASSWORD and the rest",
}


def test_only_config_reads_the_environment() -> None:
    reads = re.compile(r"os\.environ|os\.getenv|getenv\(")
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel == "config.py":
            continue
        found += [
            rel
            for line in path.read_text().splitlines()
            if reads.search(line) and not line.lstrip().startswith("#")
        ]
    assert sorted(set(found) - set(CHILD_ENV)) == []
    assert set(found) == set(CHILD_ENV)  # no stale allowance


def test_the_new_settings_come_from_their_variables() -> None:
    s = get_settings(
        {
            "MEDSEC_HOME": "/tmp/h",
            "MEDSEC_CVD_POLICY": "/etc/medsec/cvd.toml",
            "MEDSEC_CSAF_SIGNING_KEY": "/keys/psirt.asc",
            "MEDSEC_CSAF_SIGNING_PASSPHRASE": "pw",
            "MEDSEC_STIX_SCHEMAS": "/schemas",
            "MEDSEC_FEED_OSV_URL": "file:///feeds/osv",
            "MEDSEC_NVD_API_KEY": "k",
            "MEDSEC_FEEDS_CONFIG": "",
            "UNRELATED": "x",
        }
    )
    assert (s.cvd_policy, s.csaf_signing_key, s.stix_schemas) == (
        "/etc/medsec/cvd.toml",
        "/keys/psirt.asc",
        "/schemas",
    )
    assert s.csaf_signing_passphrase == "pw" and "pw" not in repr(s.feed_vars)
    assert s.feed_environ == {
        "MEDSEC_FEEDS_CONFIG": "",
        "MEDSEC_FEED_OSV_URL": "file:///feeds/osv",
        "MEDSEC_NVD_API_KEY": "k",
    }
    config = sources.load_config(s.feed_environ)
    assert config.urls["osv"] == "file:///feeds/osv" and config.nvd_api_key == "k"
