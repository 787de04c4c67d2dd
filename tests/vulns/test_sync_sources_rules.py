"""The feed catalogue: URL overrides, OSV/NVD URL building, NVD windows and resume plans."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from medsec.errors import InvalidInput
from medsec.vulns import sources

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def test_defaults_are_the_public_feeds():
    config = sources.load_config({})
    urls = {s.name: s.url for s in config.sources(None, ["PyPI"])}
    assert urls == {
        "osv:PyPI": "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip",
        "nvd": "https://services.nvd.nist.gov/rest/json/cves/2.0",
        "kev": "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
        "epss": "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz",
    }
    assert config.nvd.delay == 6.0 and config.nvd.page_size == 2000
    assert config.nvd.window_days == 120


def test_api_key_speeds_up_and_is_never_in_repr():
    config = sources.load_config({"MEDSEC_NVD_API_KEY": "k-123456"})
    assert config.nvd.delay == 0.6
    nvd = config.sources(["nvd"])[0]
    assert nvd.api_key == "k-123456"
    assert "k-123456" not in repr(config) and "k-123456" not in repr(nvd)
    assert sources.mask_secret("k-123456") == "****" and sources.mask_secret(None) == "not set"


def test_environment_beats_config_file_beats_defaults(tmp_path):
    toml = tmp_path / "feeds.toml"
    toml.write_text(
        '[kev]\nurl = "https://mirror.local/kev.json"\n'
        '[epss]\nurl = "/srv/mirror/epss.csv.gz"\n'
        '[osv]\necosystems = ["npm", "Debian:12"]\n'
        "[nvd]\ndelay = 1.5\npage_size = 500\n"
        "[http]\ntimeout = 5\nretries = 2\n"
    )
    env = {"MEDSEC_FEEDS_CONFIG": str(toml), "MEDSEC_FEED_KEV_URL": "http://other/kev.json"}
    config = sources.load_config(env)
    assert config.urls["kev"] == "http://other/kev.json"
    assert config.urls["epss"] == "/srv/mirror/epss.csv.gz"
    assert config.urls["nvd"] == sources.DEFAULT_URLS["nvd"]
    assert config.ecosystems == ("npm", "Debian:12")
    assert (config.nvd.delay, config.nvd.page_size) == (1.5, 500)
    assert (config.http.timeout, config.http.retries) == (5.0, 2)
    assert config.config_file == str(toml)
    env["MEDSEC_FEED_OSV_ECOSYSTEMS"] = "PyPI, Go"
    assert sources.load_config(env).ecosystems == ("PyPI", "Go")


def test_json_config_file(tmp_path):
    path = tmp_path / "feeds.json"
    path.write_text('{"nvd": {"url": "https://nvd.mirror/cves/2.0", "window_days": 30}}')
    config = sources.load_config({"MEDSEC_FEEDS_CONFIG": str(path)})
    assert config.urls["nvd"] == "https://nvd.mirror/cves/2.0" and config.nvd.window_days == 30


@pytest.mark.parametrize(
    "env",
    [
        {"MEDSEC_FEED_NVD_PAGE_SIZE": "2001"},
        {"MEDSEC_FEED_NVD_WINDOW_DAYS": "121"},
        {"MEDSEC_FEED_TIMEOUT": "soon"},
        {"MEDSEC_FEED_KEV_URL": "ftp://mirror/kev.json"},
        {"MEDSEC_FEED_OSV_ECOSYSTEMS": "../etc"},
        {"MEDSEC_FEEDS_CONFIG": "/nonexistent/feeds.toml"},
    ],
)
def test_bad_settings_are_refused(env):
    with pytest.raises(InvalidInput):
        sources.load_config(env)


def test_bad_config_file_names_the_file(tmp_path):
    path = tmp_path / "feeds.toml"
    path.write_text("[kev\nurl=")
    with pytest.raises(InvalidInput, match=r"feeds\.toml"):
        sources.load_config({"MEDSEC_FEEDS_CONFIG": str(path)})


def test_unknown_feed_is_refused():
    with pytest.raises(InvalidInput, match="unknown feed"):
        sources.load_config({}).sources(["ghsa"])


def test_osv_urls_for_templates_bases_and_paths():
    tpl = sources.DEFAULT_URLS["osv"]
    assert sources.osv_url(tpl, "GitHub Actions").endswith("/GitHub%20Actions/all.zip")
    assert sources.osv_url(tpl, "Debian:12").endswith("/Debian:12/all.zip")
    assert sources.osv_url("https://m.local/osv/", "npm") == "https://m.local/osv/npm/all.zip"
    assert sources.osv_url("/srv/osv/{ecosystem}", "GitHub Actions") == "/srv/osv/GitHub Actions"
    for bad in ("../x", "a/b", "", "x" * 80):
        with pytest.raises(InvalidInput):
            sources.osv_url(tpl, bad)


def test_location_schemes():
    assert sources.location_scheme("https://x/y") == "https"
    assert sources.location_scheme("file:///srv/kev.json") == "file"
    assert sources.location_scheme("/srv/kev.json") == "path"
    assert sources.location_scheme("C:\\mirror\\kev.json") == "path"
    for bad in ("ftp://x/kev.json", "gopher://x", "javascript:alert(1)"):
        with pytest.raises(InvalidInput):
            sources.location_scheme(bad)


def test_nvd_query_encodes_dates_that_round_trip():
    start = datetime(2024, 1, 1, tzinfo=UTC)
    url = sources.nvd_query(
        "https://nvd/cves/2.0", start_index=4000, page_size=2000, window=(start, NOW)
    )
    assert "%2B00:00" in url  # a raw '+' would arrive as a space
    q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert q["startIndex"] == "4000" and q["resultsPerPage"] == "2000"
    assert datetime.fromisoformat(q["lastModStartDate"]) == start
    assert datetime.fromisoformat(q["lastModEndDate"]) == NOW
    full = sources.nvd_query("https://nvd/cves/2.0?noRejected", start_index=0, page_size=10)
    assert full == "https://nvd/cves/2.0?noRejected&startIndex=0&resultsPerPage=10"


def test_nvd_windows_split_at_120_days():
    start = datetime(2023, 1, 1, tzinfo=UTC)
    end = datetime(2023, 12, 31, 6, tzinfo=UTC)
    windows = sources.nvd_windows(start, end)
    assert len(windows) == 4  # 364 days in slices of 120
    assert windows[0][0] == start and windows[-1][1] == end
    assert all(timedelta(0) < b - a <= timedelta(days=120) for a, b in windows)
    assert all(windows[i][1] == windows[i + 1][0] for i in range(3))
    assert sources.nvd_windows(end, end) == []
    assert len(sources.nvd_windows(start, end, days=30)) == 13
    naive = sources.nvd_windows(datetime(2023, 1, 1), datetime(2023, 1, 2))
    assert naive[0][0].tzinfo is not None


def test_nvd_plan_first_incremental_resume_and_since():
    assert sources.nvd_plan({}, None, NOW, 120) == [(None, NOW, 0)]
    done = NOW - timedelta(days=200)
    plan = sources.nvd_plan({"done_until": done.isoformat()}, None, NOW, 120)
    assert [(a, b) for a, b, _ in plan] == sources.nvd_windows(done, NOW)
    assert {i for _, _, i in plan} == {0}
    w0, w1 = NOW - timedelta(days=150), NOW - timedelta(days=40)
    pending = {"done_until": w0.isoformat(), "window": [w0.isoformat(), w1.isoformat()]}
    plan = sources.nvd_plan({**pending, "start_index": 4000}, None, NOW, 120)
    assert plan == [(w0, w1, 4000), (w1, NOW, 0)]
    interrupted_full = {"window": [None, w1.isoformat()], "start_index": 2000}
    assert sources.nvd_plan(interrupted_full, None, NOW, 120)[0] == (None, w1, 2000)
    since = NOW - timedelta(days=10)
    assert sources.nvd_plan({**pending, "start_index": 4000}, since, NOW, 120) == [(since, NOW, 0)]


def test_parse_since():
    assert sources.parse_since("2024-02-29") == datetime(2024, 2, 29, tzinfo=UTC)
    assert sources.parse_since("2024-02-29T10:00:00+02:00") == datetime(2024, 2, 29, 8, tzinfo=UTC)
    with pytest.raises(InvalidInput, match="--since"):
        sources.parse_since("yesterday")
