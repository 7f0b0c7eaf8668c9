"""The Data page in a real browser: upload a file, see what was detected, import, see the result."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_idle

pytestmark = pytest.mark.browser

LEADS = """email,created_at,source,campaign,owner,mql_at
ada@example.com,2026-07-01 09:00,Paid Search,brand,Dana Reyes,2026-07-02 10:00
bob@example.com,2026-07-03,Organic Search,,Eli Park,
carl@example.com,not a date,Referrals,,,
"""


def test_upload_preview_and_import(page, start_app, tmp_path):
    app = start_app(tmp_path / "browser.duckdb")
    upload = tmp_path / "leads.csv"
    upload.write_text(LEADS)

    page.goto(f"{app.url}/data")
    wait_idle(page)
    expect(page.get_by_text("This workspace has no data yet")).to_be_visible()

    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    wait_idle(page)
    expect(page.get_by_text("detected Leads (template)")).to_be_visible()
    expect(page.get_by_text("1 rejected rows")).to_be_visible()
    screenshot(page, "data-preview")

    page.get_by_role("button", name="Import 1 file").click()
    wait_idle(page)
    expect(page.get_by_text("2 rows loaded (2 new), 1 rejected")).to_be_visible()
    # the history lists the import
    expect(page.get_by_text("Import history")).to_be_visible()
    screenshot(page, "data-imported")
