"""The server's warm-up: once the app answers, one session runs every page of the navigation once, as a person
clicking through would, then closes. The first person's first visit of each page then finds Python's imports done
and the default view's queries and figures cached (about 7 s of start-up and 1-2 s a page at a million leads).
Caches are keyed by the data's version, so after any change of data or settings (an import, an undo, a goal) the
pages are cold again: the server walks them again once the change has settled (`keep_warm`).

The session is a WebSocket client speaking Streamlit's own protocol (`StreamlitClient`): it asks for each page as
the browser does and waits for the server's script to finish. No browser is needed and nothing is drawn; what is
warmed is the server, which is all a warm-up can warm. Behind sign-in there is no navigation before signing in,
so the walk visits nothing and says so.

`python -m onefunnel.serve` runs `keep_warm` in a thread of the server process unless ONEFUNNEL_WARMUP=0; it never
stops the app. bench.load drives its Chromium walk with `open_app` and `click`, and its load sessions with
`StreamlitClient`.
Usage: python -m onefunnel.warmup URL [--done FILE]   (one walk; FILE gets the timings as JSON when it ends)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import urllib.request
from pathlib import Path

TIMEOUT_MS = 60_000
# The app has settled: its script is not running and no element is still a loading skeleton
IDLE = ("() => !!document.querySelector('[data-test-script-state=notRunning]')"
        " && document.querySelectorAll('[data-testid=stSkeleton]').length === 0")
FAILED_TEXT = "Something went wrong while drawing this page"   # app.py's message when a page fails
FAILED = ("() => !!document.querySelector('[data-testid=stException]') || document.body.innerText.includes("
          f"'{FAILED_TEXT}')")
# Before a click: note when the new run shows, so settling waits for it: the script state becomes "running", or
# the main area's elements change. On a busy browser a quick run can go from running to notRunning within one
# render, so the attribute never reads "running" and only the new elements tell
WATCH = """() => { window.__ofRan = false; if (window.__ofWatch) window.__ofWatch.disconnect();
  window.__ofWatch = new MutationObserver(ms => { for (const m of ms)
    if (m.type === 'childList' ? !!(m.target.closest && m.target.closest('[data-testid=stMain]'))
        : (m.oldValue === 'running' || m.target.getAttribute('data-test-script-state') === 'running'))
      window.__ofRan = true; });
  window.__ofWatch.observe(document.body, {attributes: true, subtree: true, attributeOldValue: true, childList: true,
                                           attributeFilter: ['data-test-script-state']}); }"""
NAV_LINKS = "[data-testid=stSidebarNavLink]"


# Armed when the page is first idle: notes a rerun that starts after it (the script state turns "running" again)
RERUN_WATCH = """() => { window.__ofRerun = false; if (window.__ofRerunWatch) window.__ofRerunWatch.disconnect();
  window.__ofRerunWatch = new MutationObserver(ms => { for (const m of ms)
    if (m.target.getAttribute('data-test-script-state') === 'running') window.__ofRerun = true; });
  window.__ofRerunWatch.observe(document.body, {attributes: true, subtree: true,
                                                attributeFilter: ['data-test-script-state']}); }"""


async def _settle(page, t: float, what: str) -> tuple[float, str | None]:
    """Seconds from t until the page is idle for good: a rerun that starts within 100 ms of the first idle moment
    (a widget syncing its query parameter) is waited for and counted; the 100 ms of watching are not."""
    await page.wait_for_function(IDLE, timeout=TIMEOUT_MS)
    elapsed = time.perf_counter() - t
    await page.evaluate(RERUN_WATCH)
    await page.wait_for_timeout(100)
    if await page.evaluate("() => window.__ofRerun") or not await page.evaluate(IDLE):
        await page.wait_for_timeout(100)
        await page.wait_for_function(IDLE, timeout=TIMEOUT_MS)
        elapsed = time.perf_counter() - t
    if await page.evaluate(FAILED):
        return elapsed, f"{what}: the page shows an error"
    return elapsed, None


async def open_app(page, url: str) -> tuple[float, str | None]:
    """Load `url` in a fresh page (a new session); (seconds until settled, error or None)."""
    t = time.perf_counter()
    try:
        await page.goto(url, timeout=TIMEOUT_MS)
        await page.wait_for_function(IDLE, timeout=TIMEOUT_MS)
        return await _settle(page, t, url)
    except Exception as exc:  # a timeout or a failed navigation is the figure we report
        return time.perf_counter() - t, f"{url}: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}"


async def click(page, path: str) -> tuple[float, str | None]:
    """Click the page's link in the sidebar navigation (`path` as in its href: "/funnel", or "/" for the
    default page); (seconds from the click until settled, error or None)."""
    link = page.locator(f'{NAV_LINKS}[href$="{path}"]').first
    t = time.perf_counter()
    try:
        await page.evaluate(WATCH)
        t = time.perf_counter()
        await link.click(timeout=TIMEOUT_MS)
        await page.wait_for_function(f"() => window.__ofRan && ({IDLE})()", timeout=TIMEOUT_MS)
        return await _settle(page, t, path)
    except Exception as exc:
        return time.perf_counter() - t, f"{path}: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}"


class StreamlitClient:
    """One Streamlit session over its WebSocket, driven as the browser drives it: a BackMsg `rerun_script` names
    the page (by its path on the first run, then by the page hash the server's navigation message lists), and the
    page's time runs until the server's `script_finished`. Nothing is drawn: what it measures is the server."""

    def __init__(self, base: str):
        self.url = base.rstrip("/").replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/_stcore/stream"
        self.hashes: dict[str, str] = {}       # "/funnel" -> page_script_hash, in the navigation's order
        self.ws = None

    async def __aenter__(self):
        import websockets

        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=TIMEOUT_MS / 1000)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def open(self, path: str) -> tuple[float, str | None]:
        """Run the page at `path` ("/funnel"; "/" for the default page); (seconds, error or None)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        msg.rerun_script.page_name = path.strip("/")
        msg.rerun_script.page_script_hash = self.hashes.get(path, "")
        msg.rerun_script.context_info.timezone = "UTC"
        t = time.perf_counter()
        try:
            await self.ws.send(msg.SerializeToString())
            error = await asyncio.wait_for(self._until_finished(path), TIMEOUT_MS / 1000)
        except Exception as exc:   # a timeout or a dropped connection is the figure we report
            error = f"{path}: {type(exc).__name__}: {str(exc)[:120]}"
        return time.perf_counter() - t, error

    async def _until_finished(self, path: str) -> str | None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        error = None
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self.ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "navigation":
                self.hashes = {"/" + p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                if element.WhichOneof("type") == "exception" or (
                        element.WhichOneof("type") == "alert" and FAILED_TEXT in element.alert.body):
                    error = f"{path}: the page shows an error"
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:   # the page reran itself: wait for that run
                    continue
                if status != ForwardMsg.FINISHED_SUCCESSFULLY:
                    error = error or f"{path}: script finished with status {status}"
                return error


async def _walk(url: str) -> dict:
    async with StreamlitClient(url) as client:
        opened, error = await client.open("/")
        out = {"open_s": opened, "pages": {}, "errors": [error] if error else []}
        paths = list(client.hashes)            # the navigation, default page first ([] behind sign-in)
        for path in paths[1:] + paths[:1]:     # the default page ran already: it comes last
            out["pages"][path], error = await client.open(path)
            if error:
                out["errors"].append(error)
        return out


def wait_until_up(url: str, seconds: float = 120) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url.rstrip('/')}/_stcore/health", timeout=2).read() == b"ok":
                return True
        except OSError:
            time.sleep(0.5)
    return False


def walk(url: str) -> dict:
    """One walk over every page; {"pages": {path: s}, "errors": [...], "total_s": s}, with a line on stderr."""
    t = time.perf_counter()
    result: dict = {"pages": {}, "errors": []}
    if not wait_until_up(url):
        result["errors"].append(f"the app did not answer at {url}")
    else:
        try:
            result = asyncio.run(_walk(url))
        except Exception as exc:  # best effort: the app serves anyway
            result["errors"].append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}")
    result["total_s"] = time.perf_counter() - t
    note = (f"warm-up: {len(result['pages'])} pages visited in {result['total_s']:.1f} s"
            + (" (none: sign-in comes first, or the app has no pages)" if not result["pages"] else "")
            + (f"; {len(result['errors'])} problem(s): {result['errors'][0]}" if result["errors"] else ""))
    print(note, file=sys.stderr, flush=True)
    return result


def _write(done: Path | None, result: dict) -> None:
    if done:
        tmp = done.with_suffix(".tmp")
        tmp.write_text(json.dumps(result))
        tmp.replace(done)


QUIET_S = 2.0   # a change has settled when no commit came for this long and no import or undo is under way


def keep_warm(url: str, done: Path | None = None, quiet_s: float = QUIET_S, stop=None) -> None:
    """In the server process: walk every page once the app answers, then again after each settled change of the
    data or settings (db.commits() counts this process's commits: every import, undo, setting and goal). `done`
    gets each walk's timings, with "round" (1 at start, then 2, 3, ...) and "reason". `stop`: a
    threading.Event that ends the loop (tests)."""
    import threading

    from onefunnel import db

    stop = stop or threading.Event()
    result = walk(url)
    seen = db.commits()                        # the first session opened (and migrated) the database
    _write(done, {**result, "round": 1, "reason": "start"})
    rounds = 1
    while not stop.wait(quiet_s):
        now = db.commits()
        if now == seen:
            continue
        if not db.idle():                      # an import or undo is under way: wait for its end
            continue
        seen = now
        rounds += 1
        result = walk(url)
        _write(done, {**result, "round": rounds, "reason": "the data changed"})


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m onefunnel.warmup")
    p.add_argument("url")
    p.add_argument("--done", type=Path, help="write the timings here (JSON) when the walk ends")
    args = p.parse_args(argv)
    _write(args.done, walk(args.url))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
