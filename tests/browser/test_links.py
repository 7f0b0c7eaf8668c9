"""Links keep their view: a root URL with a custom period opens that period on the home page, and its title
says the dates once (issue 11 item 7)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_idle
from tests.fixtures.leadership.story import TODAY, load_story

pytestmark = pytest.mark.browser


@pytest.fixture
def app(start_app, tmp_path):
    db = tmp_path / "links.duckdb"
    load_story(db)
    return start_app(db, today=TODAY)


def test_root_url_with_a_custom_period_opens_it(page, app):
    page.goto(f"{app.url}/?period=Custom&start=2026-04-01&end=2026-06-30")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Joint goal")).to_be_visible()
    header = page.get_by_test_id("stCaptionContainer").filter(has_text="data to").first
    expect(header).to_contain_text("Apr 1, 2026 – Jun 30, 2026")
    # the dates once, not "Apr 1, 2026 – Jun 30, 2026: Apr 1, 2026 – Jun 30, 2026"
    assert header.inner_text().count("Apr 1, 2026") == 1, header.inner_text()
    screenshot(page, "links-root-custom")
