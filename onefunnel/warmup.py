"""The server's warm-up at start: once the app answers, a headless Chromium opens it and clicks every page in
the navigation once, as a person would, then closes. The first person's first visit of each page then finds
Python's imports done and the default view's queries cached (about 7 s of start-up and 1-2 s a page at a
million leads). Caches are keyed by the data's version, so a later import makes pages cold again.

`python -m onefunnel.serve` starts it in a child process unless ONEFUNNEL_WARMUP=0; it never stops the app:
without Chromium, or behind sign-in (no navigation before signing in), it says so on stderr and ends.
bench.load drives its page walk with the same `open_app` and `click`.
Usage: python -m onefunnel.warmup URL [--done FILE]   (FILE gets the timings as JSON when the walk ends)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import urllib.request
from pathlib import Path

TIMEOUT_MS = 60_000
# The app has settled: its script is not running and no element is still a loading skeleton
IDLE = ("() => !!document.querySelector('[data-test-script-state=notRunning]')"
        " && document.querySelectorAll('[data-testid=stSkeleton]').length === 0")
FAILED = "() => !!document.querySelector('[data-testid=stException]') || document.body.innerText.includes(" \
         "'Something went wrong while drawing this page')"
# Before a click: note when the script state next becomes "running", so settling waits for the new run
WATCH = """() => { window.__ofRan = false; if (window.__ofWatch) window.__ofWatch.disconnect();
  window.__ofWatch = new MutationObserver(ms => { for (const m of ms)
    if (m.target.getAttribute('data-test-script-state') === 'running') window.__ofRan = true; });
  window.__ofWatch.observe(document.body, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']}); }"""
NAV_LINKS = "[data-testid=stSidebarNavLink]"


def chromium() -> str:
    return os.environ.get("CHROMIUM", "/usr/bin/chromium")


async def _settle(page, t: float, what: str) -> tuple[float, str | None]:
    await page.wait_for_timeout(100)        # a rerun may start right after the first run
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


async def _walk(url: str) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            page = await (await browser.new_context(viewport={"width": 1440, "height": 900})).new_page()
            opened, error = await open_app(page, url)
            out = {"open_s": opened, "pages": {}, "errors": [error] if error else []}
            base = url.rstrip("/")
            paths = []
            for href in await page.locator(NAV_LINKS).evaluate_all("els => els.map(e => e.getAttribute('href'))"):
                path = "/" + href.removeprefix(base).lstrip("/").split("?")[0] if href else None
                if path and path not in paths:
                    paths.append(path)
            for path in paths[1:] + paths[:1]:   # the default page is open already: it comes last
                out["pages"][path], error = await click(page, path)
                if error:
                    out["errors"].append(error)
                    if len(out["errors"]) >= 2 and not wait_until_up(url, 5):   # the server is gone
                        break
            return out
        finally:
            await browser.close()


def wait_until_up(url: str, seconds: float = 120) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url.rstrip('/')}/_stcore/health", timeout=2).read() == b"ok":
                return True
        except OSError:
            time.sleep(0.5)
    return False


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m onefunnel.warmup")
    p.add_argument("url")
    p.add_argument("--done", type=Path, help="write the timings here (JSON) when the walk ends")
    args = p.parse_args(argv)
    t = time.perf_counter()
    result: dict = {"pages": {}, "errors": []}
    if not Path(chromium()).exists():
        result["errors"].append(f"no Chromium at {chromium()} (make browser installs it)")
    elif not wait_until_up(args.url):
        result["errors"].append(f"the app did not answer at {args.url}")
    else:
        try:
            result = asyncio.run(_walk(args.url))
        except Exception as exc:  # best effort: the app serves anyway
            result["errors"].append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}")
    result["total_s"] = time.perf_counter() - t
    note = (f"warm-up: {len(result['pages'])} pages visited in {result['total_s']:.1f} s"
            + (" (none: sign-in comes first, or the app has no pages)" if not result["pages"] else "")
            + (f"; {len(result['errors'])} problem(s): {result['errors'][0]}" if result["errors"] else ""))
    print(note, file=sys.stderr, flush=True)
    if args.done:
        tmp = args.done.with_suffix(".tmp")
        tmp.write_text(json.dumps(result))
        tmp.replace(args.done)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
