"""Browser tests: the real app served by Streamlit, driven by Playwright in Debian's Chromium."""

import shutil
from urllib.parse import urlsplit
from pathlib import Path

import pytest
from playwright.sync_api import expect

from onefunnel.serve import Background

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    exe = shutil.which("chromium")
    if not exe:
        pytest.skip("Debian's chromium is not installed (make test installs it; CI fails on this skip)")
    return {**browser_type_launch_args, "executable_path": exe,
            "args": ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}, "accept_downloads": True}


App = Background   # the app served on a database (onefunnel/serve.py)


@pytest.fixture
def start_app():
    """start_app(db_path, today=None, **options) -> App serving app.py on that database; options go to
    onefunnel.serve.Background (secrets=a secrets.toml, port=..., args=more streamlit options)."""
    apps = []

    def start(db, today=None, **options):
        app = App(Path(db), today, **options)
        apps.append(app)
        return app

    yield start
    for app in apps:
        app.stop()


def wait_idle(page, timeout=30000):
    """Wait until the script has finished running and nothing is loading."""
    page.wait_for_selector("[data-test-script-state=notRunning]", timeout=timeout)
    page.wait_for_function("document.querySelectorAll('[data-testid=stSkeleton]').length === 0", timeout=timeout)


def screenshot(page, name: str) -> Path:
    """A full-page screenshot in test-artifacts/. Streamlit scrolls inside its main block, so the
    viewport grows to the content's height first (and is restored after)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    height = page.evaluate("Math.max(...[...document.querySelectorAll("
                           "'[data-testid=stMain], [data-testid=stMainBlockContainer]')].map(e => e.scrollHeight), 0)")
    size = page.viewport_size
    if height and height + 80 > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": int(height) + 80})
        wait_idle(page)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def offline(page) -> list[str]:
    """Abort every request to a host other than 127.0.0.1 (the machine may have no internet); returns the
    list of such requests, which a test expects to stay empty."""
    outside = []

    def handle(route):
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
            return
        outside.append(route.request.url)
        route.abort()
    page.route("**/*", handle)
    return outside


def edit_september_goal(page, amount: str):
    """Type a goal into September 2026's Goal cell of the Joint goal page's goal grid (the fiscal year's ninth row,
    its second column). Glide draws the grid on a canvas: the cell is clicked by position (rows 35 px, header one
    row), retried while the grid settles after the scroll. Returns the grid's locator."""
    editor = page.get_by_test_id("stDataFrame").filter(has=page.locator("td", has_text="2026-09")).last
    editor.scroll_into_view_if_needed()
    box = editor.bounding_box()
    cell_editor = page.locator("input.gdg-input")
    for _ in range(5):
        page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + 35 * 9 + 17)
        page.wait_for_timeout(300)
        page.keyboard.press("Enter")
        try:
            expect(cell_editor).to_be_focused(timeout=1000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    expect(cell_editor).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(amount, delay=20)
    page.keyboard.press("Enter")
    expect(editor.locator("#glide-cell-1-8")).to_have_text(amount)    # the edit is in the grid
    wait_idle(page)
    return editor
