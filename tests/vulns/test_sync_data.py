"""`medsec feeds sync` against a local HTTP server that serves the real feeds from shared data.

Nothing here touches the internet: KEV, EPSS and an OSV all.zip are served from 127.0.0.1, and
the NVD CVE API 2.0 is emulated over the two real API pages (400 CVEs).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import socket
import threading
import zipfile
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from medsec.models import Advisory, AuditEvent, Base, EpssRow, FeedCursor, FeedSnapshot, KevEntryRow

pytestmark = pytest.mark.shared_data

KEV = "kev/known_exploited_vulnerabilities.json"
EPSS = "nvd/vunnel-fixtures/tests/unit/providers/epss/test-fixtures/example-1.csv"
NVD_PAGES = "nvd/nvd-api2-pages/nvd-api/testdata/responses"
NVD_PATH = "/rest/json/cves/2.0"
SECRET = "test-nvd-key-7f3a9c1e"


def _utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.now().astimezone().tzinfo)


class FeedServer:
    """Serves KEV/EPSS/OSV files with ETag + Last-Modified, and emulates the NVD CVE API 2.0."""

    def __init__(self, data: Path, osv_zip: Path) -> None:
        self.files = {
            "/kev.json": lambda: (data / KEV).read_bytes(),
            "/epss.csv.gz": lambda: gzip.compress((data / EPSS).read_bytes(), mtime=0),
            "/osv/Go/all.zip": osv_zip.read_bytes,
            "/garbage.json": lambda: b"<html><body>maintenance</body></html>",
        }
        self.cves = [
            item
            for name in ("cves-1999.json", "cves-2023.json")
            for item in json.loads((data / NVD_PAGES / name).read_bytes())["vulnerabilities"]
        ]
        self.requests: list[dict] = []
        self.fail_next: list[int] = []  # statuses answered to the next requests, any path
        self.nvd_broken_index: int | None = None  # answer 500 for this startIndex, always
        self.conditional = True
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep pytest output clean
                pass

            def do_GET(self) -> None:
                outer.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def nvd_requests(self) -> list[dict]:
        return [r for r in self.requests if r["path"] == NVD_PATH]

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        headers = {k.lower(): v for k, v in h.headers.items()}
        self.requests.append({"path": parts.path, "query": query, "headers": headers})
        if self.fail_next:
            return self.send(h, self.fail_next.pop(0), b"busy")
        if parts.path == NVD_PATH:
            return self.nvd(h, query)
        if parts.path not in self.files:
            return self.send(h, 404, b"not found")
        body = self.files[parts.path]()
        extra = {}
        if self.conditional:
            extra = {
                "ETag": f'"{hashlib.sha256(body).hexdigest()[:16]}"',
                "Last-Modified": "Mon, 25 Aug 2025 12:00:00 GMT",
            }
            if headers.get("if-none-match") == extra["ETag"]:
                return self.send(h, 304, b"", extra)
        self.send(h, 200, body, extra)

    def nvd(self, h: BaseHTTPRequestHandler, q: dict[str, str]) -> None:
        start, per_page = int(q.get("startIndex", 0)), int(q.get("resultsPerPage", 2000))
        if per_page > 2000 or ("lastModStartDate" in q) != ("lastModEndDate" in q):
            return self.send(h, 404, b"invalid parameters")
        if start == self.nvd_broken_index:
            return self.send(h, 500, b"internal error")
        items = self.cves
        if "lastModStartDate" in q:
            lo, hi = _utc(q["lastModStartDate"]), _utc(q["lastModEndDate"])
            if hi - lo > timedelta(days=120):
                return self.send(h, 404, b"date range exceeds 120 days")
            items = [v for v in items if lo <= _utc(v["cve"]["lastModified"] + "+00:00") <= hi]
        page = items[start : start + per_page]
        body = {
            "resultsPerPage": len(page),
            "startIndex": start,
            "totalResults": len(items),
            "format": "NVD_CVE",
            "version": "2.0",
            "timestamp": "2025-01-01T00:00:00.000",
            "vulnerabilities": page,
        }
        self.send(h, 200, json.dumps(body).encode())

    def send(self, h: BaseHTTPRequestHandler, status: int, body: bytes, extra=None) -> None:
        h.send_response(status)
        for k, v in (extra or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up
            h.wfile.write(body)


@pytest.fixture
def go_files(shared_data) -> list[Path]:
    """25 real Go vulnerability database records."""
    return sorted((shared_data / "advisories/go-vulndb/data/osv").glob("GO-2023-*.json"))[:25]


@pytest.fixture
def server(shared_data, tmp_path, go_files):
    """The local feed server, with an OSV Go all.zip built from real go-vulndb files."""
    osv_zip = tmp_path / "all.zip"
    with zipfile.ZipFile(osv_zip, "w") as zf:
        for f in go_files:
            zf.writestr(f.name, f.read_bytes())
    srv = FeedServer(shared_data, osv_zip)
    yield srv
    srv.close()


@pytest.fixture
def feed_env(server, monkeypatch):
    """Point every feed at the local server; no politeness delays in tests."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("MEDSEC_FEEDS_CONFIG", "MEDSEC_NVD_API_KEY", "MEDSEC_FEED_OSV_ECOSYSTEMS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEDSEC_FEED_OSV_URL", f"{server.base}/osv/{{ecosystem}}/all.zip")
    monkeypatch.setenv("MEDSEC_FEED_NVD_URL", f"{server.base}{NVD_PATH}")
    monkeypatch.setenv("MEDSEC_FEED_KEV_URL", f"{server.base}/kev.json")
    monkeypatch.setenv("MEDSEC_FEED_EPSS_URL", f"{server.base}/epss.csv.gz")
    monkeypatch.setenv("MEDSEC_FEED_NVD_DELAY", "0")
    monkeypatch.setenv("MEDSEC_FEED_BACKOFF", "0")
    monkeypatch.setenv("MEDSEC_FEED_NVD_PAGE_SIZE", "150")
    return server


def _count(session_factory, model, *where) -> int:
    with session_factory() as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _cursor(session_factory, name: str) -> FeedCursor | None:
    with session_factory() as s:
        row = s.get(FeedCursor, name)
        if row is not None:
            s.expunge(row)
        return row


def _sync(cli, *args: str) -> tuple[int, list[dict], str]:
    code, out, err = cli("feeds", "sync", *args, "--format", "json")
    return code, json.loads(out), err


def test_sync_downloads_then_conditional_requests_get_304(
    cli, session_factory, feed_env, shared_data, go_files, tmp_path
):
    kev_total = len(json.loads((shared_data / KEV).read_bytes())["vulnerabilities"])
    epss_lines = (shared_data / EPSS).read_text().splitlines()
    epss_total = sum(1 for line in epss_lines if line.startswith("CVE-"))
    args = ("--feed", "kev", "--feed", "epss", "--feed", "osv", "--osv-ecosystem", "Go")
    code, rows, err = _sync(cli, *args)
    assert code == 0, err
    by = {r["feed"]: r for r in rows}
    assert set(by) == {"kev", "epss", "osv:Go"}
    assert all(r["status"] == "imported" and r["http"] == [200] for r in rows)
    assert by["kev"]["bytes"] == (shared_data / KEV).stat().st_size
    assert _count(session_factory, KevEntryRow) == kev_total
    assert _count(session_factory, EpssRow) == epss_total
    assert _count(session_factory, Advisory, Advisory.source == "osv") == len(go_files)
    assert by["osv:Go"]["imported"]["new"] == len(go_files)
    assert by["kev"]["etag"] and by["kev"]["last_modified"]
    snapshots = _count(session_factory, FeedSnapshot)
    with session_factory() as s:
        names = set(s.execute(select(FeedSnapshot.source_name)).scalars())
    assert names == {feed_env.base + p for p in ("/kev.json", "/epss.csv.gz", "/osv/Go/all.zip")}
    assert not any((tmp_path / "home/tmp/feed-sync").iterdir())  # temp downloads removed

    feed_env.requests.clear()
    code, rows, err = _sync(cli, *args)
    assert code == 0, err
    assert [r["status"] for r in rows] == ["not modified"] * 3
    assert all(r["http"] == [304] for r in rows)
    sent = {r["path"]: r["headers"] for r in feed_env.requests}
    assert sent["/kev.json"]["if-none-match"] == by["kev"]["etag"]
    assert sent["/kev.json"]["if-modified-since"] == by["kev"]["last_modified"]
    assert _count(session_factory, FeedSnapshot) == snapshots  # nothing re-imported
    assert _cursor(session_factory, "kev").status == "not modified (304)"
    code, out, _ = cli("feeds", "sync", "--feed", "kev")
    assert code == 0 and "nothing to import" in out


def test_nvd_paging_resumes_from_the_stored_cursor(cli, session_factory, feed_env):
    total = len(feed_env.cves)
    feed_env.nvd_broken_index = 150
    code, rows, err = _sync(cli, "--feed", "nvd", "--feed", "epss")
    assert code == 1
    assert "error: feed nvd:" in err and f"{feed_env.base}{NVD_PATH}?startIndex=150" in err
    assert {r["feed"]: r["status"] for r in rows} == {"nvd": "failed", "epss": "imported"}
    assert _count(session_factory, Advisory, Advisory.source == "nvd") == 150  # page 1 stored
    cursor = _cursor(session_factory, "nvd")
    assert cursor.cursor["start_index"] == 150 and cursor.status.startswith("failed: ")
    assert cursor.cursor["window"][0] is None  # the first sync lists everything
    pending_end = cursor.cursor["window"][1]
    assert feed_env.nvd_requests()[0]["query"]["startIndex"] == "0"

    feed_env.nvd_broken_index = None
    feed_env.requests.clear()
    code, rows, err = _sync(cli, "--feed", "nvd")
    assert code == 0, err
    full = [r["query"] for r in feed_env.nvd_requests() if "lastModStartDate" not in r["query"]]
    assert [int(q["startIndex"]) for q in full] == list(range(150, total, 150))  # from page 2
    assert all(q["resultsPerPage"] == "150" for q in full)
    catch_up = [r["query"] for r in feed_env.nvd_requests()[len(full) :]]
    # then what changed since run 1 began (nothing to ask when still within the same second)
    assert [q["startIndex"] for q in catch_up] in ([], ["0"])
    assert all(_utc(q["lastModStartDate"]) == _utc(pending_end) for q in catch_up)
    assert _count(session_factory, Advisory, Advisory.source == "nvd") == total
    state = _cursor(session_factory, "nvd").cursor
    assert state["window"] is None and state["start_index"] == 0 and state["done_until"]


def test_nvd_windows_over_120_days_are_split(session_factory, feed_env, tmp_path):
    from medsec.db.uow import unit_of_work
    from medsec.vulns import sources, sync

    env = {"MEDSEC_FEED_NVD_URL": feed_env.base + NVD_PATH, "MEDSEC_NVD_API_KEY": SECRET}
    config = sources.load_config(env)
    since, now = _utc("2022-11-01T00:00:00+00:00"), _utc("2023-07-20T00:00:00+00:00")
    naps: list[float] = []
    results = sync.sync_feeds(
        lambda: unit_of_work(session_factory),
        config=config,
        work_dir=tmp_path / "dl",
        actor="tester",
        kinds=["nvd"],
        since=since,
        now=now,
        sleep=naps.append,
    )
    assert results[0].status == "imported", results[0].error
    windows = [
        (_utc(r["query"]["lastModStartDate"]), _utc(r["query"]["lastModEndDate"]))
        for r in feed_env.nvd_requests()
    ]
    assert len(windows) == 3
    assert windows[0][0] == since and windows[-1][1] == now
    assert all(b - a <= timedelta(days=120) for a, b in windows)
    assert all(windows[i][1] == windows[i + 1][0] for i in range(len(windows) - 1))
    assert all(r["headers"]["apikey"] == SECRET for r in feed_env.nvd_requests())
    assert naps == [0.6] * (len(windows) - 1)  # NVD's pace with a key, between requests
    expected = {
        v["cve"]["id"]
        for v in feed_env.cves
        if since <= _utc(v["cve"]["lastModified"] + "+00:00") <= now
    }
    assert 0 < len(expected) < len(feed_env.cves)
    with session_factory() as s:
        got = set(s.execute(select(Advisory.source_id).where(Advisory.source == "nvd")).scalars())
    assert got == expected
    assert _cursor(session_factory, "nvd").cursor["done_until"] == now.isoformat()

    # the next sync goes on from where the last one ended, without --since
    feed_env.requests.clear()
    later = now + timedelta(days=10)
    again = sync.sync_feeds(
        lambda: unit_of_work(session_factory),
        config=config,
        work_dir=tmp_path / "dl",
        actor="tester",
        kinds=["nvd"],
        now=later,
        sleep=naps.append,
    )
    assert again[0].status == "imported" and again[0].totals["records"] == 0
    (query,) = [r["query"] for r in feed_env.nvd_requests()]
    assert (_utc(query["lastModStartDate"]), _utc(query["lastModEndDate"])) == (now, later)


def test_api_key_is_sent_but_never_shown_or_stored(cli, session_factory, feed_env, monkeypatch):
    monkeypatch.setenv("MEDSEC_NVD_API_KEY", SECRET)
    code, out, err = cli("feeds", "sync", "--feed", "nvd", "--since", "2023-06-01")
    assert code == 0, err
    assert feed_env.nvd_requests() and all(
        r["headers"].get("apikey") == SECRET for r in feed_env.nvd_requests()
    )
    assert SECRET not in feed_env.nvd_requests()[0]["query"].values()
    outputs = [out, err]
    for args in (("feeds", "sources"), ("feeds", "sources", "-f", "json")):
        code, out, err = cli(*args)
        assert code == 0 and "****" in out
        outputs += [out, err]
    monkeypatch.setenv("MEDSEC_FEED_NVD_URL", feed_env.base + "/nowhere")
    code, out, err = cli("feeds", "sync", "--feed", "nvd", "--since", "2023-06-01")
    assert code == 1 and "error: feed nvd" in err
    outputs += [out, err]
    assert not any(SECRET in text for text in outputs)
    with session_factory() as s:
        dump = [
            repr(row)
            for table in Base.metadata.sorted_tables
            for row in s.execute(select(table)).all()
        ]
        audit = list(s.execute(select(AuditEvent)).scalars())
    assert any(e.action == "feed.sync" for e in audit)
    assert not any(SECRET in line for line in dump)
    assert not any(SECRET in json.dumps(e.details) for e in audit)


def test_503_is_retried_and_a_dead_host_fails_alone(cli, session_factory, feed_env, monkeypatch):
    feed_env.fail_next = [503]
    code, rows, err = _sync(cli, "--feed", "kev")
    assert code == 0, err
    assert rows[0]["requests"] == 2 and rows[0]["status"] == "imported"
    assert [r["path"] for r in feed_env.requests] == ["/kev.json", "/kev.json"]

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/kev.json"
    monkeypatch.setenv("MEDSEC_FEED_KEV_URL", dead)
    monkeypatch.setenv("MEDSEC_FEED_RETRIES", "1")
    code, out, err = cli("feeds", "sync", "--feed", "kev", "--feed", "epss")
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "feed kev" in lines[0] and dead in lines[0]
    assert "unreachable" in lines[0]
    assert "epss: imported" in out
    assert _count(session_factory, EpssRow) > 0
    code, out, _ = cli("feeds", "sources", "-f", "json")
    kev = next(f for f in json.loads(out)["feeds"] if f["feed"] == "kev")
    assert kev["url"] == dead and kev["status"].startswith("failed")


def test_retry_backoff_and_no_retry_on_404(session_factory, feed_env, tmp_path):
    from medsec.db.uow import unit_of_work
    from medsec.vulns import sources, sync

    env = {"MEDSEC_FEED_KEV_URL": feed_env.base + "/kev.json", "MEDSEC_FEED_BACKOFF": "1.5"}
    naps: list[float] = []

    def run(**env_extra: str) -> sync.FeedSyncResult:
        return sync.sync_feeds(
            lambda: unit_of_work(session_factory),
            config=sources.load_config({**env, **env_extra}),
            work_dir=tmp_path / "dl",
            actor="tester",
            kinds=["kev"],
            sleep=naps.append,
        )[0]

    feed_env.fail_next = [503, 429]
    assert run().status == "imported" and naps == [1.5, 3.0]
    naps.clear()
    result = run(MEDSEC_FEED_KEV_URL=feed_env.base + "/gone.json")
    assert result.status == "failed" and "HTTP 404" in result.error and naps == []
    assert "/gone.json" in result.error and "attempts" not in result.error


def test_bad_content_and_size_limit_are_refused(cli, session_factory, feed_env, monkeypatch):
    monkeypatch.setenv("MEDSEC_FEED_KEV_URL", feed_env.base + "/garbage.json")
    code, _, err = cli("feeds", "sync", "--feed", "kev")
    assert code == 1 and f"error: feed kev: {feed_env.base}/garbage.json" in err
    assert _count(session_factory, FeedSnapshot) == 0
    monkeypatch.setenv("MEDSEC_FEED_KEV_URL", feed_env.base + "/kev.json")
    monkeypatch.setenv("MEDSEC_FEED_MAX_BYTES", "100000")
    code, _, err = cli("feeds", "sync", "--feed", "kev")
    assert code == 1 and "limit" in err and "feed kev" in err
    assert _count(session_factory, KevEntryRow) == 0


def test_air_gapped_mirror_on_disk(cli, session_factory, shared_data, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror" / "Go"
    mirror.mkdir(parents=True)
    go = sorted((shared_data / "advisories/go-vulndb/data/osv").glob("GO-2022-*.json"))[:5]
    for f in go:
        (mirror / f.name).write_bytes(f.read_bytes())
    monkeypatch.setenv("MEDSEC_FEED_KEV_URL", str(shared_data / KEV))
    monkeypatch.setenv("MEDSEC_FEED_EPSS_URL", (shared_data / EPSS).as_uri())
    monkeypatch.setenv("MEDSEC_FEED_OSV_URL", str(tmp_path / "mirror" / "{ecosystem}"))
    args = ("--feed", "kev", "--feed", "epss", "--feed", "osv", "--osv-ecosystem", "Go")
    code, rows, err = _sync(cli, *args)
    assert code == 0, err
    assert [r["status"] for r in rows] == ["imported"] * 3
    assert _count(session_factory, Advisory) == len(go)
    assert _count(session_factory, KevEntryRow) > 1000
    code, rows, _ = _sync(cli, *args)
    status = {r["feed"]: r["status"] for r in rows}
    assert status == {"kev": "not modified", "epss": "not modified", "osv:Go": "imported"}
    assert rows[0]["imported"]["unchanged"] == len(go)  # a directory has no validator


def test_dry_run_fetches_and_stores_nothing(cli, session_factory, feed_env):
    code, out, err = cli("feeds", "sync", "--dry-run", "--feed", "nvd", "--since", "2020-01-01")
    assert code == 0, err
    assert feed_env.requests == []
    assert _count(session_factory, FeedCursor) == 0
    assert "would fetch 2020-01-01T00:00:00+00:00 .. " in out and "more windows" in out
