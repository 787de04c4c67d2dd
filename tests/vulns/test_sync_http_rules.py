"""Feed downloads: secrets stay on their host, limits hold while streaming, local mirrors."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from medsec.errors import DocumentTooLarge
from medsec.vulns.download import FeedFetchError, fetch
from medsec.vulns.sources import HttpSettings

FAST = HttpSettings(timeout=5, retries=2, backoff=0, max_bytes=10_000)


class Server:
    """A tiny server whose answer per path is a function of the request handler."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict = {}
        self.seen: list[tuple[str, dict]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                outer.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    outer.routes[self.path](self)

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.port = self.httpd.server_address[1]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    made: list[Server] = []

    def make() -> Server:
        made.append(Server())
        return made[-1]

    yield make
    for s in made:
        s.close()


def answer(status: int, body: bytes = b"", headers: dict | None = None, length: bool = True):
    def reply(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        if length:
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return reply


def test_redirect_to_another_host_drops_the_api_key(servers, tmp_path):
    a, b = servers(), servers()
    b.routes["/data.json"] = answer(200, b"{}")
    a.routes["/same"] = answer(302, headers={"Location": f"http://127.0.0.1:{a.port}/data.json"})
    a.routes["/data.json"] = answer(200, b"{}")
    a.routes["/away"] = answer(302, headers={"Location": f"http://localhost:{b.port}/data.json"})
    key = {"apiKey": "sekret"}
    got = fetch(f"http://127.0.0.1:{a.port}/same", dest_dir=tmp_path, settings=FAST,
                headers=key, sleep=lambda _: None)  # fmt: skip
    got.discard()
    assert a.seen[-1] == ("/data.json", a.seen[-1][1]) and a.seen[-1][1]["apikey"] == "sekret"
    got = fetch(f"http://127.0.0.1:{a.port}/away", dest_dir=tmp_path, settings=FAST,
                headers=key, sleep=lambda _: None)  # fmt: skip
    got.discard()
    assert got.status == 200 and b.seen[-1][0] == "/data.json"
    assert "apikey" not in b.seen[-1][1]


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/kev.json"])
def test_redirect_to_a_non_http_url_is_refused(servers, tmp_path, target):
    a = servers()
    a.routes["/x"] = answer(302, headers={"Location": target})
    with pytest.raises(FeedFetchError, match=r"(?i)redirect"):
        fetch(f"http://127.0.0.1:{a.port}/x", dest_dir=tmp_path, settings=FAST, sleep=print)


@pytest.mark.parametrize("with_length", [True, False])
def test_size_limit_holds_while_streaming(servers, tmp_path, with_length):
    a = servers()
    a.routes["/big"] = answer(200, b"x" * 50_000, length=with_length)
    dest = tmp_path / "dl"
    with pytest.raises(DocumentTooLarge, match="10000"):
        fetch(f"http://127.0.0.1:{a.port}/big", dest_dir=dest, settings=FAST, sleep=print)
    assert not dest.exists() or not any(dest.iterdir())


def test_retry_after_is_honoured(servers, tmp_path):
    a = servers()
    replies = [answer(429, headers={"Retry-After": "7"}), answer(200, b"ok")]
    a.routes["/r"] = lambda h: replies.pop(0)(h)
    naps: list[float] = []
    got = fetch(f"http://127.0.0.1:{a.port}/r", dest_dir=tmp_path, settings=FAST, sleep=naps.append)
    assert got.status == 200 and got.attempts == 2 and naps == [7.0]
    assert got.path is not None and got.path.read_bytes() == b"ok"
    got.discard()
    assert not got.path.exists()


def test_a_silent_server_times_out(tmp_path):
    with socket.socket() as listener:  # accepts connections (backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/kev.json"
        quick = HttpSettings(timeout=0.3, retries=0, backoff=0)
        with pytest.raises(FeedFetchError, match=r"kev\.json"):
            fetch(url, dest_dir=tmp_path, settings=quick, sleep=print)


def test_local_mirror_file_uses_size_and_mtime_as_validator(tmp_path):
    path = tmp_path / "kev.json"
    path.write_bytes(b"{}")
    first = fetch(path.as_uri(), dest_dir=tmp_path, settings=FAST, sleep=print)
    assert first.status == 200 and first.path == path and not first.temporary and first.etag
    again = fetch(str(path), dest_dir=tmp_path, settings=FAST, sleep=print, etag=first.etag)
    assert again.status == 304 and again.path is None
    path.write_bytes(b'{"a": 1}')
    os.utime(path, ns=(1, 1))
    changed = fetch(str(path), dest_dir=tmp_path, settings=FAST, sleep=print, etag=first.etag)
    assert changed.status == 200 and changed.etag != first.etag
    changed.discard()
    assert path.exists()  # a mirror file is never deleted
    with pytest.raises(FeedFetchError, match="not readable"):
        fetch(str(tmp_path / "missing.json"), dest_dir=tmp_path, settings=FAST, sleep=print)
    path.write_bytes(b"y" * 20_000)
    with pytest.raises(DocumentTooLarge):
        fetch(str(path), dest_dir=tmp_path, settings=FAST, sleep=print)
