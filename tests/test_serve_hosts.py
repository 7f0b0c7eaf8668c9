"""Serving safely (issue 15 section 1): the app listens on 127.0.0.1 unless sign-in is configured or an open
serve is asked for, its WebSocket (every number travels on it) refuses a Host or Origin it does not know, and so does
every other HTTP path (onefunnel/hostcheck.py)."""

import base64
import os
import re
import socket
import subprocess
import sys
import tomllib

import pytest

from onefunnel import serve
from onefunnel.serve import Background
from tests.conftest import ROOT


def _upgrade(port: int, host: str, origin: str | None = None) -> str:
    """The status line the server answers a WebSocket upgrade of /_stcore/stream with."""
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [f"GET /_stcore/stream HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"] + ([f"Origin: {origin}"] if origin else [])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return s.recv(4096).decode(errors="replace").split("\r\n", 1)[0]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    a = Background(tmp_path_factory.mktemp("serve") / "serve.duckdb")
    yield a
    a.stop()


def test_the_websocket_refuses_a_foreign_host_or_origin(app):
    here = f"127.0.0.1:{app.port}"
    assert " 101 " in _upgrade(app.port, here)                       # the app's own address: switching protocols
    assert " 101 " in _upgrade(app.port, f"localhost:{app.port}", origin=f"http://localhost:{app.port}")
    assert " 403 " in _upgrade(app.port, "evil.example")              # DNS rebinding: refused before accepting
    assert " 403 " in _upgrade(app.port, f"evil.example:{app.port}")
    assert " 403 " in _upgrade(app.port, here, origin="http://evil.example")   # another site's page


def _get(port: int, path: str, host: str) -> tuple[int, bytes]:
    """(status, body) of a raw GET of `path` with the given Host header."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def _asset(port: int) -> str:
    """The path of a script the app's HTML shell loads."""
    status, shell = _get(port, "/", f"127.0.0.1:{port}")
    assert status == 200
    return "/" + re.search(rb'src="\.?/?(static/[^"]+\.js)"', shell).group(1).decode()


def test_every_http_path_refuses_a_foreign_host(app):
    """DNS rebinding: a page of evil.example whose name now points at this machine may not read the app's
    shell, a page or its scripts, whatever the path (the WebSocket is refused as well, above)."""
    asset = _asset(app.port)
    for path in ("/", "/funnel?period=last_quarter", asset, "/_stcore/health", "/no-such-page"):
        for host in ("evil.example", f"evil.example:{app.port}", "localhost.evil.example", ""):
            status, body = _get(app.port, path, host)
            assert status == 403 and b"<html" not in body.lower() and b"ok" != body, (path, host, status)
    for host in (f"127.0.0.1:{app.port}", f"localhost:{app.port}", f"[::1]:{app.port}", "localhost"):
        assert _get(app.port, "/", host)[0] == 200, host
        assert _get(app.port, "/funnel", host)[0] == 200, host
        status, body = _get(app.port, asset, host)
        assert status == 200 and len(body) > 1000, host
        assert _get(app.port, "/_stcore/health", host) == (200, b"ok"), host


def test_onefunnel_allowed_hosts_are_served_too(tmp_path):
    a = Background(tmp_path / "hosts.duckdb", env={"ONEFUNNEL_ALLOWED_HOSTS": "funnel.acme.test"})
    try:
        assert _get(a.port, "/", f"funnel.acme.test:{a.port}")[0] == 200
        assert _get(a.port, _asset(a.port), "funnel.acme.test")[0] == 200
        assert _get(a.port, "/_stcore/health", f"localhost:{a.port}") == (200, b"ok")
        assert _get(a.port, "/", "evil.example")[0] == 403
    finally:
        a.stop()


def test_it_listens_on_loopback_only(app):
    # the whole of 127.0.0.0/8 reaches this machine, but only a server bound to every interface answers on
    # 127.0.0.2; one bound to 127.0.0.1 does not
    with socket.create_connection(("127.0.0.1", app.port), timeout=5):
        pass
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.2", app.port), timeout=5).close()


def test_an_open_serve_without_sign_in_needs_an_explicit_flag(tmp_path):
    no_auth = tmp_path / "secrets.toml"
    no_auth.write_text('[onefunnel]\nadmins = ["ann@acme.test"]\n')
    args = ["--server.address", "0.0.0.0", "--secrets.files", str(no_auth)]
    assert serve.arguments(["--server.port", "1"], env={})[-2:] == ["--server.address", "127.0.0.1"]
    with pytest.raises(SystemExit, match="Refusing to serve on 0.0.0.0: no sign-in is configured"):
        serve.arguments(args, env={})
    assert serve.arguments(args, env={"ONEFUNNEL_ALLOW_OPEN": "1"}) == args
    with_auth = tmp_path / "auth.toml"
    with_auth.write_text('[auth]\nredirect_uri = "https://funnel.acme.test/oauth2callback"\n')
    open_args = ["--server.address", "0.0.0.0", "--secrets.files", str(with_auth)]
    assert serve.arguments(open_args, env={}) == open_args
    hosts = serve.arguments(open_args, env={"ONEFUNNEL_ALLOWED_HOSTS": "funnel.acme.test"})
    assert [hosts[i + 1] for i, a in enumerate(hosts) if a == "--server.allowedHosts"] == [
        "localhost", "127.0.0.1", "::1", "funnel.acme.test"]
    # and the real command stops before Streamlit starts
    proc = subprocess.run([sys.executable, "-m", "onefunnel.serve", *args], cwd=ROOT, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "ONEFUNNEL_ALLOW_OPEN"}, timeout=60)
    assert proc.returncode != 0 and "Refusing to serve on 0.0.0.0" in proc.stderr


def test_production_settings_are_kept():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["enableCORS"] is True
    assert config["server"]["allowedHosts"] == ["localhost", "127.0.0.1", "::1"]
    assert config["client"]["showErrorDetails"] == "none"
    assert config["runner"]["postScriptGC"] is False   # a full GC after each run stalls every session
    assert "HOST    ?= 127.0.0.1" in (ROOT / "Makefile").read_text()
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text().splitlines()
