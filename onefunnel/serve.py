"""Serve the app: `streamlit run app.py`, with Streamlit's legacy pages/ discovery turned off.

app.py declares every page with st.navigation. Streamlit only learns that when app.py first
runs; until then a process that sees a pages/ folder runs a deep link such as
/funnel?period=last_quarter as a bare page script, dropping the navigation and the URL
parameters. Setting the flag before the server starts makes the first link behave like
every later one. Usage: python -m onefunnel.serve [streamlit run options]
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from onefunnel import ROOT


def main() -> None:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *sys.argv[1:]]
    cli.main()


class Background:
    """The app on `db`, served in a child process on a free loopback port as `make run` serves it (the browser
    tests and `python -m bench.load` start it this way); `stop()` ends it."""

    def __init__(self, db: Path, today: str | None = None):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "ONEFUNNEL_DB": str(db), **({"ONEFUNNEL_TODAY": today} if today else {})}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "onefunnel.serve", "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2).read() == b"ok":
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("streamlit did not start")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


if __name__ == "__main__":
    main()
