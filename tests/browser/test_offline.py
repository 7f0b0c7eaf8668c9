"""Offline: no page requests anything outside the app. Every page of the app is opened in Chromium with every
non-loopback request blocked; none may be attempted, no request to the app may fail, and the tab has its
icon (served by the app itself)."""

import pytest

from tests.browser.conftest import ROOT, offline, wait_idle
from tests.fixtures.leadership.story import TODAY, load_story

pytestmark = pytest.mark.browser


@pytest.fixture
def app(start_app, tmp_path):
    db = tmp_path / "leadership.duckdb"
    load_story(db)
    return start_app(db, today=TODAY)


def test_every_page_works_without_the_internet(page, app):
    outside = offline(page)
    failed = []
    # a request the next navigation cancels (a download button's file) is aborted, not failed
    page.on("requestfailed", lambda r: None if r.failure == "net::ERR_ABORTED" else failed.append((r.url, r.failure)))
    paths = ["/"] + [f"/{p.stem}" for p in sorted((ROOT / "pages").glob("*.py")) if p.stem != "goal"]
    for path in paths:
        page.goto(app.url + path)
        wait_idle(page)
        assert not page.get_by_test_id("stException").count(), path
    assert outside == [], outside
    assert failed == [], failed
    icon = page.locator("link[rel~='icon']").first.get_attribute("href")
    assert icon and not icon.startswith("http") or icon.startswith(app.url), icon
    assert page.request.get(icon if icon.startswith("http") else app.url + "/" + icon.lstrip("./")).ok
