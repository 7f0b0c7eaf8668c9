"""Quotas in a real browser: on the leadership story (goals Jul 31000, Aug 31000, Sep 30000) with the quotas
of tests/test_page_goal_quotas.py (July 20000 + 11000 = its goal; September 20000 + 8000 = 28000), the Joint
goal page flags September, where the goal and the sum of quotas disagree by 2000, and only September."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_idle
from tests.fixtures.leadership.story import TODAY, load_story
from tests.test_page_goal_quotas import load_quotas

pytestmark = pytest.mark.browser


@pytest.fixture
def app(start_app, tmp_path):
    db = tmp_path / "quotas.duckdb"
    load_story(db)
    load_quotas(db)
    return start_app(db, today=TODAY)


def test_goal_page_flags_a_month_whose_quotas_disagree_with_its_goal(page, app):
    page.goto(f"{app.url}/?period=This+quarter")
    wait_idle(page, 60000)
    expect(page.get_by_role("heading", name="Joint goal")).to_be_visible()
    flag = page.get_by_test_id("stAlert").filter(has_text="The goal and the quotas disagree")
    flag.scroll_into_view_if_needed()
    expect(flag).to_be_visible()
    expect(flag).to_contain_text("2026-09: Goal $30,000 and quotas $28,000 disagree by $2,000.")
    expect(flag).not_to_contain_text("2026-07")
    expect(page.get_by_role("heading", name="Quotas")).to_be_visible()
    expect(page.get_by_role("button", name="Save quotas")).to_be_visible()
    wait_idle(page)
    screenshot(page, "goal-quota-disagreement")
