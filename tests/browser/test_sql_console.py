"""The SQL console in a real browser: type a query, run it, see the result table, download it as CSV
(formula-safe: a company typed as a formula comes back prefixed with ')."""

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_idle
from tests.conftest import load_files

pytestmark = pytest.mark.browser

LEADS = """lead_id,email,created_at,company,source,owner
L1,ada@example.com,2026-07-01 09:00,Analytical Engines,Paid Search,Dana Reyes
L2,grace@example.com,2026-07-03 10:00,=1+2,Webinar,Marcus Webb
"""


def test_type_a_query_see_the_table_and_download_it(page, start_app, tmp_path):
    (tmp_path / "leads.csv").write_text(LEADS)
    db = tmp_path / "console.duckdb"
    load_files(db, tmp_path / "leads.csv")
    app = start_app(db, today="2026-09-30")

    page.goto(f"{app.url}/console")
    wait_idle(page)
    expect(page.get_by_text("Type one SELECT over the views listed on the right")).to_be_visible()
    box = page.get_by_role("textbox", name="Query")
    box.fill("select company, source from leads order by company")
    box.press("Control+Enter")                      # a text area sends its value on Ctrl+Enter
    wait_idle(page)
    page.get_by_role("button", name="Run").click()
    page.wait_for_timeout(500)
    wait_idle(page)
    expect(page.get_by_text("2 rows in")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    screenshot(page, "console-result")

    with page.expect_download() as info:
        page.locator(".st-key-console_download button").click()
    raw = open(info.value.path(), "rb").read()
    assert info.value.suggested_filename == "query.csv"
    assert list(csv.reader(io.StringIO(raw.decode("utf-8-sig")))) == [
        ["company", "source"], ["'=1+2", "Webinar"], ["Analytical Engines", "Paid Search"]]
