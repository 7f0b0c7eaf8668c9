"""Owner ids in a real browser: a Salesforce Data Loader workspace whose owners are ids. The
Definitions page lists the ids that have no name yet, beside the table that names them (naming
is driven in AppTest, tests/test_owner_names.py: the grid's cells are drawn on a canvas)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_idle
from tests.browser.test_credit import open_page
from tests.test_owner_names import DANA, UNNAMED, _load

pytestmark = pytest.mark.browser


@pytest.fixture
def app(start_app, tmp_path):
    db = tmp_path / "ids.duckdb"
    _load(db, tmp_path)
    return start_app(db, today="2024-03-31")   # "This month" = March 2024


def test_definitions_lists_owner_ids_without_a_name(page, app):
    open_page(page, app, "Sales")
    reps = page.get_by_test_id("stDataFrame").first
    expect(reps).to_be_visible()
    open_page(page, app, "Definitions")
    expect(page.get_by_role("heading", name="Owner names")).to_be_visible()
    hint = page.get_by_text("look like ids")
    expect(hint).to_contain_text(f"{DANA} (3 records)")
    expect(hint).to_contain_text(f"{UNNAMED} (2 records)")
    expect(page.get_by_role("button", name="Save owner names")).to_be_visible()
    wait_idle(page)
    screenshot(page, "definitions-owner-ids")
