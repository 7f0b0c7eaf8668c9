"""Serve the app: `streamlit run app.py`, with Streamlit's legacy pages/ discovery turned off, on 127.0.0.1
unless sign-in is configured or an open serve is asked for.

app.py declares every page with st.navigation. Streamlit only learns that when app.py first
runs; until then a process that sees a pages/ folder runs a deep link such as
/funnel?period=last_quarter as a bare page script, dropping the navigation and the URL
parameters. Setting the flag before the server starts makes the first link behave like
every later one.

Without `[auth]` in the secrets the app is single-user: whoever reaches the port reads and changes
everything. So an address other than loopback is refused unless the secrets configure sign-in or
ONEFUNNEL_ALLOW_OPEN=1 says the operator means it (`make run HOST=0.0.0.0 ALLOW_OPEN=1`).
ONEFUNNEL_ALLOWED_HOSTS (comma-separated names) adds Host names the server accepts besides localhost; any other
Host gets 403 on every HTTP path (hostcheck.py), not only on the WebSocket.
A thread of the server runs every page once at start and again after each change of data (warmup.keep_warm;
ONEFUNNEL_WARMUP=0 turns it off).
Usage: python -m onefunnel.serve [streamlit run options]
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.request
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from onefunnel import ROOT, hostcheck, warmup


LOOPBACK = {"127.0.0.1", "localhost", "::1"}
LOCAL_HOSTS = ["localhost", "127.0.0.1", "::1"]


def _option(args: list[str], name: str) -> list[str]:
    """The values given for `--name` in streamlit's command-line form (`--name V` or `--name=V`)."""
    out = []
    for i, a in enumerate(args):
        if a == f"--{name}" and i + 1 < len(args):
            out.append(args[i + 1])
        elif a.startswith(f"--{name}="):
            out.append(a.split("=", 1)[1])
    return out


def auth_configured(args: list[str]) -> bool:
    """Do the secrets files Streamlit will read (--secrets.files, else the two default places) hold [auth]?"""
    files = _option(args, "secrets.files") or [str(Path.home() / ".streamlit" / "secrets.toml"),
                                               str(ROOT / ".streamlit" / "secrets.toml")]
    for f in files:
        try:
            if tomllib.loads(Path(f).read_text()).get("auth"):
                return True
        except (OSError, tomllib.TOMLDecodeError):
            continue
    return False


def arguments(args: list[str], env=os.environ) -> list[str]:
    """The streamlit options to serve with; SystemExit with a message for an open serve nobody asked for."""
    args = list(args)
    address = (_option(args, "server.address") or ["127.0.0.1"])[-1]
    if not _option(args, "server.address"):
        args += ["--server.address", address]
    if address not in LOOPBACK and not auth_configured(args) and env.get("ONEFUNNEL_ALLOW_OPEN") != "1":
        raise SystemExit(
            f"Refusing to serve on {address or 'every interface'}: no sign-in is configured ([auth] in "
            ".streamlit/secrets.toml), so anyone who reaches the port could read and change everything. "
            "Configure sign-in (README, Deploy), serve on 127.0.0.1, or say you mean it: "
            "make run HOST=0.0.0.0 ALLOW_OPEN=1 (ONEFUNNEL_ALLOW_OPEN=1).")
    extra = [h.strip() for h in env.get("ONEFUNNEL_ALLOWED_HOSTS", "").split(",") if h.strip()]
    if extra and not _option(args, "server.allowedHosts"):
        for h in LOCAL_HOSTS + extra:
            args += ["--server.allowedHosts", h]
    return args


def warm_url(args: list[str]) -> str:
    """The URL of the server these options describe, as seen from this machine (the warm-up's target)."""
    address = (_option(args, "server.address") or ["127.0.0.1"])[-1]
    host = "127.0.0.1" if address in ("", "0.0.0.0", "localhost") else "[::1]" if address in ("::", "::1") \
        else f"[{address}]" if ":" in address else address
    port = (_option(args, "server.port") or ["8501"])[-1]
    base = (_option(args, "server.baseUrlPath") or [""])[-1].strip("/")
    return f"http://{host}:{port}/{base}"


def warm_up(args: list[str], env=os.environ) -> threading.Thread | None:
    """Start warmup.keep_warm (every page run once at start, and again after each change of the data) in a
    daemon thread of this process, unless ONEFUNNEL_WARMUP=0; ONEFUNNEL_WARMUP_DONE names a file it writes each
    walk's timings to."""
    if env.get("ONEFUNNEL_WARMUP", "1") == "0":
        return None
    done = Path(env["ONEFUNNEL_WARMUP_DONE"]) if env.get("ONEFUNNEL_WARMUP_DONE") else None
    thread = threading.Thread(target=warmup.keep_warm, args=(warm_url(args), done), name="onefunnel-warm-up",
                              daemon=True)
    thread.start()
    return thread


def model_up_to_date(path: str | os.PathLike | None = None) -> str | None:
    """Before serving: rebuild the model's tables of the database (`path`, else db.db_path()) when they were built by
    another version's model (an upgrade), so no page reads tables of another version's shape or waits on the
    rebuild. db.refresh_model's answer ('built', or None when the tables were fresh or there is no database yet); a
    database in use elsewhere is left to the app, which says so."""
    import duckdb

    from onefunnel.db import DatabaseLocked, connect, db_path, refresh_model

    if not db_path(path).exists():
        return None
    try:
        con = connect(path, refresh=False)
    except (DatabaseLocked, duckdb.Error):
        return None
    try:
        t = time.perf_counter()
        done = refresh_model(con)
        if done:
            print(f"OneFunnel: the model's tables brought up to date for this version in {time.perf_counter() - t:.1f} s",
                  flush=True)
        return done
    finally:
        con.close()


def main() -> None:
    PagesManager.uses_pages_directory = False
    hostcheck.install()   # server.allowedHosts on every HTTP path, not only the WebSocket
    args = arguments(sys.argv[1:])
    model_up_to_date()
    warm_up(args)
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *args]
    cli.main()


class Background:
    """The app on `db`, served in a child process on a free loopback port as `make run` serves it (the browser
    tests and `python -m bench.load` start it this way); `stop()` ends it. `secrets`: a secrets.toml to read
    instead of the usual places (the sign-in tests point [auth] at a provider of their own); `args`: more
    streamlit options; `port`: a fixed port (a redirect URI names it) instead of a free one. `warm`: run the
    start-up warm-up (off by default here, so tests start quickly) and wait for it; its timings are in
    `self.warmup`."""

    def __init__(self, db: Path, today: str | None = None, secrets: Path | None = None, args: tuple = (),
                 port: int | None = None, env: dict | None = None, warm: bool = False):
        if port is None:
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
        self.port = port
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "ONEFUNNEL_DB": str(db), **({"ONEFUNNEL_TODAY": today} if today else {}),
               "ONEFUNNEL_WARMUP": "1" if warm else "0", **(env or {})}
        self.warmup: dict | None = None
        done = Path(tempfile.mkdtemp(prefix="onefunnel-warmup-")) / "done.json" if warm else None
        if done:
            env["ONEFUNNEL_WARMUP_DONE"] = str(done)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "onefunnel.serve", "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
             *(["--secrets.files", str(secrets)] if secrets else []), *args],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline and self.proc.poll() is None:
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        else:
            self._fail("streamlit did not start")
        while done and self.proc.poll() is None and time.time() < deadline + 600:
            if done.exists():
                self.warmup = json.loads(done.read_text())
                return
            time.sleep(0.3)
        if done:
            self._fail("the warm-up did not finish")

    def _fail(self, what: str) -> None:
        self.stop()
        raise RuntimeError(f"{what}:\n" + (self.proc.stdout.read() or b"").decode(errors="replace")[-3000:])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


if __name__ == "__main__":
    main()
