"""Serving safely (issue 15 section 1): the app listens on 127.0.0.1 unless sign-in is configured or an open
serve is asked for, and its WebSocket (every number travels on it) refuses a Host or Origin it does not know."""

import base64
import os
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
    assert "HOST    ?= 127.0.0.1" in (ROOT / "Makefile").read_text()
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text().splitlines()
