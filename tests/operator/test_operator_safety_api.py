"""Operator safety: the home and the database are private (0700 / 0600), MEDSEC_PUBLIC_BASE_URL
decides public URLs whatever the Host header says, file names in Content-Disposition are
escaped, and a huge offset is a 422, not a 500."""

from __future__ import annotations

import stat

from fastapi.testclient import TestClient

from medsec.advisories.api import content_disposition
from medsec.app.api import create_app
from medsec.config import Settings
from medsec.db import migrate
from medsec.db.engine import make_engine


def test_a_new_home_and_database_are_private(tmp_path):
    home = tmp_path / "home"
    engine = make_engine(f"sqlite:///{home / 'medsec.db'}")
    migrate.upgrade(engine)
    engine.dispose()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for f in home.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


def _client(tmp_path, **extra) -> TestClient:
    url = f"sqlite:///{tmp_path / 'h' / 'medsec.db'}"
    return TestClient(
        create_app(Settings(home=tmp_path / "h", database_url=url, secret_key="k" * 48, **extra))
    )


def test_the_public_base_url_setting_beats_the_host_header(tmp_path):
    with _client(tmp_path, public_base_url="https://psirt.example.com") as c:
        txt = c.get("/.well-known/security.txt", headers={"Host": "evil.example"}).text
        assert "evil.example" not in txt
        assert "Contact: https://psirt.example.com/report" in txt


def test_a_huge_offset_is_a_422(tmp_path):
    with _client(tmp_path) as c:
        r = c.get("/api/v1/products/P/findings?offset=99999999999999999999")
        assert r.status_code in (401, 422)  # checked before or after authentication, never 500
        assert r.status_code != 500


def test_content_disposition_escapes_the_file_name():
    header = content_disposition('a"b\\c;\r\nX-Evil: 1 é.json')
    assert "\r" not in header and "\n" not in header
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert '"' not in fallback and "\\" not in fallback and ";" not in fallback
    assert "filename*=UTF-8''a%22b%5Cc%3B%0D%0AX-Evil%3A%201%20%C3%A9.json" in header
