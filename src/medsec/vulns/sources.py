"""The catalogue of online feeds and how their URLs are built; pure, no I/O beyond the config file.

Every URL can point at a mirror: environment variables (``MEDSEC_FEED_<NAME>_URL``) win over the
file named by ``MEDSEC_FEEDS_CONFIG`` (TOML or JSON), which wins over the public defaults. A URL
may be http(s), file:// or a plain path (an air-gapped mirror on disk).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import orjson

from medsec.errors import InvalidInput

KINDS = ("osv", "nvd", "kev", "epss")
DEFAULT_URLS = {
    "osv": "https://osv-vulnerabilities.storage.googleapis.com/{ecosystem}/all.zip",
    "nvd": "https://services.nvd.nist.gov/rest/json/cves/2.0",
    "kev": "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json",
    "epss": "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz",
}
DEFAULT_ECOSYSTEMS = ("PyPI", "npm", "Maven", "Go", "NuGet", "crates.io", "RubyGems", "Packagist")
NVD_MAX_PAGE = 2000
NVD_MAX_WINDOW_DAYS = 120
NVD_DELAY_WITHOUT_KEY = 6.0
NVD_DELAY_WITH_KEY = 0.6
Window = tuple[datetime | None, datetime, int]  # (lastMod start or None = all, end, startIndex)
_ECOSYSTEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .:_+-]{0,63}")


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """Transport limits: timeout per socket operation, retries with backoff, download size."""

    timeout: float = 60.0
    retries: int = 4
    backoff: float = 2.0
    max_bytes: int = 1024 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class NvdSettings:
    """NVD CVE API 2.0 paging and politeness."""

    delay: float = NVD_DELAY_WITHOUT_KEY
    page_size: int = NVD_MAX_PAGE
    window_days: int = NVD_MAX_WINDOW_DAYS


@dataclass(frozen=True, slots=True)
class FeedSource:
    """One configured feed: its cursor name, kind and location."""

    name: str
    kind: str
    url: str
    api_key: str | None = field(default=None, repr=False)

    @property
    def scheme(self) -> str:
        """http, https, file or path."""
        return location_scheme(self.url)

    @property
    def is_api(self) -> bool:
        """True for the paged NVD API (a local NVD mirror is read as documents)."""
        return self.kind == "nvd" and self.scheme in ("http", "https")


@dataclass(frozen=True, slots=True)
class SyncConfig:
    """Everything `medsec feeds sync` needs to know about where the feeds are."""

    urls: Mapping[str, str]
    ecosystems: tuple[str, ...] = DEFAULT_ECOSYSTEMS
    nvd_api_key: str | None = field(default=None, repr=False)
    nvd: NvdSettings = NvdSettings()
    http: HttpSettings = HttpSettings()
    config_file: str | None = None

    def sources(
        self, kinds: Sequence[str] | None = None, ecosystems: Sequence[str] | None = None
    ) -> list[FeedSource]:
        """The feeds to sync, in catalogue order; OSV gives one source per ecosystem."""
        wanted = list(kinds) if kinds else list(KINDS)
        for kind in wanted:
            if kind not in KINDS:
                raise InvalidInput(f"unknown feed {kind!r}; expected one of {', '.join(KINDS)}")
        out: list[FeedSource] = []
        for kind in KINDS:
            if kind not in wanted:
                continue
            if kind == "osv":
                tpl = self.urls["osv"]
                out += [
                    FeedSource(f"osv:{e}", "osv", osv_url(tpl, e))
                    for e in ecosystems or self.ecosystems
                ]
            else:
                key = self.nvd_api_key if kind == "nvd" else None
                out.append(FeedSource(kind, kind, self.urls[kind], key))
        return out


def location_scheme(url: str) -> str:
    """The kind of a feed location: http, https, file or path; InvalidInput otherwise."""
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("http", "https", "file"):
        return scheme
    if scheme == "" or len(scheme) == 1:  # a plain path, or a Windows drive letter
        return "path"
    raise InvalidInput(f"feed URL {url!r}: only http, https, file:// or a path are allowed")


def check_ecosystem(name: str) -> str:
    """An OSV ecosystem name safe to put in a URL or path ("PyPI", "Debian:12", "crates.io")."""
    if not _ECOSYSTEM.fullmatch(name) or ".." in name:
        raise InvalidInput(f"invalid OSV ecosystem name {name!r}")
    return name


def osv_url(template: str, ecosystem: str) -> str:
    """The all.zip location of one ecosystem: ``{ecosystem}`` filled in, or appended to a base."""
    eco = check_ecosystem(ecosystem)
    if location_scheme(template) != "path":
        eco = quote(eco, safe=":")
    if "{ecosystem}" in template:
        return template.replace("{ecosystem}", eco)
    return f"{template.rstrip('/')}/{eco}/all.zip"


def nvd_time(moment: datetime) -> str:
    """An NVD API timestamp: extended ISO-8601 with milliseconds and an explicit UTC offset."""
    return aware(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+00:00")


def nvd_query(
    base: str,
    *,
    start_index: int,
    page_size: int,
    window: tuple[datetime, datetime] | None = None,
) -> str:
    """The URL of one NVD CVE API 2.0 page, optionally limited to a lastModified window."""
    params: dict[str, str | int] = {"startIndex": start_index, "resultsPerPage": page_size}
    if window is not None:
        params["lastModStartDate"] = nvd_time(window[0])
        params["lastModEndDate"] = nvd_time(window[1])
    sep = "&" if urlsplit(base).query else "?"
    return f"{base}{sep}{urlencode(params, safe=':')}"


def nvd_windows(
    start: datetime, end: datetime, days: int = NVD_MAX_WINDOW_DAYS
) -> list[tuple[datetime, datetime]]:
    """Split [start, end] into consecutive windows of at most ``days`` days (the API limit)."""
    if not 1 <= days <= NVD_MAX_WINDOW_DAYS:
        raise InvalidInput(f"an NVD window must be 1 to {NVD_MAX_WINDOW_DAYS} days, not {days}")
    start, end = aware(start), aware(end)
    out: list[tuple[datetime, datetime]] = []
    while start < end:
        stop = min(start + timedelta(days=days), end)
        out.append((start, stop))
        start = stop
    return out


def iso(moment: datetime | None) -> str | None:
    """A datetime as ISO-8601 in UTC (None stays None)."""
    return None if moment is None else moment.astimezone(UTC).isoformat()


def parse_iso(value: Any) -> datetime | None:
    """An ISO-8601 string from a stored cursor as a datetime; None when absent."""
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def nvd_plan(
    state: dict[str, Any], since: datetime | None, now: datetime, days: int
) -> list[Window]:
    """The windows still to fetch: resume the pending one, then up to now in API-sized slices."""
    if since is not None:
        return [(a, b, 0) for a, b in nvd_windows(since, now, days)]
    pending = state.get("window")
    plan: list[Window] = []
    if isinstance(pending, list) and len(pending) == 2 and parse_iso(pending[1]):
        end = parse_iso(pending[1])
        assert end is not None
        plan.append((parse_iso(pending[0]), end, int(state.get("start_index") or 0)))
        start = end
    else:
        done = parse_iso(state.get("done_until"))
        if done is None:
            return [(None, now, 0)]  # first sync: the whole database, no date filter
        start = done
    return plan + [(a, b, 0) for a, b in nvd_windows(start, now, days)]


def aware(moment: datetime) -> datetime:
    """A datetime with a time zone; naive ones are taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def parse_since(value: str) -> datetime:
    """A --since value (a date or an ISO date-time) as an aware UTC datetime."""
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
        return aware(datetime.fromisoformat(value))
    except ValueError:
        raise InvalidInput(f"--since {value!r}: expected YYYY-MM-DD or an ISO date-time") from None


def mask_secret(secret: str | None) -> str:
    """How a secret is shown: never any of its characters."""
    return "****" if secret else "not set"


def load_config(environ: Mapping[str, str]) -> SyncConfig:
    """Build the sync configuration from defaults, MEDSEC_FEEDS_CONFIG and MEDSEC_FEED_* vars."""
    path = environ.get("MEDSEC_FEEDS_CONFIG") or None
    data = _read_file(Path(path)) if path else {}
    urls = {}
    for kind in KINDS:
        section = _section(data, kind)
        url = environ.get(f"MEDSEC_FEED_{kind.upper()}_URL") or section.get("url")
        urls[kind] = str(url or DEFAULT_URLS[kind])
        location_scheme(urls[kind])
    eco_env = environ.get("MEDSEC_FEED_OSV_ECOSYSTEMS")
    ecos = eco_env.split(",") if eco_env else _section(data, "osv").get("ecosystems")
    ecosystems = tuple(check_ecosystem(e.strip()) for e in ecos or DEFAULT_ECOSYSTEMS if e.strip())
    key = environ.get("MEDSEC_NVD_API_KEY") or None
    nvd_cfg, http_cfg = _section(data, "nvd"), _section(data, "http")

    def pick(env: str, section: dict[str, Any], item: str, default: Any, cast: Any) -> Any:
        raw = environ.get(env) or section.get(item)
        try:
            return default if raw is None or raw == "" else cast(raw)
        except (TypeError, ValueError):
            raise InvalidInput(f"{env} / {item}: not a valid {cast.__name__}: {raw!r}") from None

    default_delay = NVD_DELAY_WITH_KEY if key else NVD_DELAY_WITHOUT_KEY
    nvd = NvdSettings(
        delay=max(0.0, pick("MEDSEC_FEED_NVD_DELAY", nvd_cfg, "delay", default_delay, float)),
        page_size=pick("MEDSEC_FEED_NVD_PAGE_SIZE", nvd_cfg, "page_size", NVD_MAX_PAGE, int),
        window_days=pick(
            "MEDSEC_FEED_NVD_WINDOW_DAYS", nvd_cfg, "window_days", NVD_MAX_WINDOW_DAYS, int
        ),
    )
    if not 1 <= nvd.page_size <= NVD_MAX_PAGE:
        raise InvalidInput(f"NVD page size must be 1 to {NVD_MAX_PAGE}, not {nvd.page_size}")
    nvd_windows(datetime(2000, 1, 1, tzinfo=UTC), datetime(2000, 1, 2, tzinfo=UTC), nvd.window_days)
    http = HttpSettings(
        timeout=pick("MEDSEC_FEED_TIMEOUT", http_cfg, "timeout", 60.0, float),
        retries=max(0, pick("MEDSEC_FEED_RETRIES", http_cfg, "retries", 4, int)),
        backoff=max(0.0, pick("MEDSEC_FEED_BACKOFF", http_cfg, "backoff", 2.0, float)),
        max_bytes=pick("MEDSEC_FEED_MAX_BYTES", http_cfg, "max_bytes", 1024**3, int),
    )
    return SyncConfig(urls, ecosystems, key, nvd, http, path)


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise InvalidInput(f"MEDSEC_FEEDS_CONFIG: [{name}] must be a table/object")
    return value


def _read_file(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"MEDSEC_FEEDS_CONFIG {path}: {exc.strerror or exc}") from None
    try:
        data = orjson.loads(raw) if path.suffix.lower() == ".json" else tomllib.loads(raw.decode())
    except (orjson.JSONDecodeError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"MEDSEC_FEEDS_CONFIG {path}: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidInput(f"MEDSEC_FEEDS_CONFIG {path}: expected a table/object at the top")
    return data
