"""Taking an import back on the Data page in a real browser: pick, confirm, see the counts."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_idle
from tests.conftest import load_files

pytestmark = pytest.mark.browser


def test_take_back_an_import(page, start_app, tmp_path):
    good = tmp_path / "leads.csv"
    good.write_text("lead_id,email,created_at,source\nL1,ada@example.com,2026-07-01,Paid Search\n")
    wrong = tmp_path / "wrong_leads.csv"   # a second file: a new person and a second record of ada
    wrong.write_text("lead_id,email,created_at,source\nL9,ada@example.com,2026-06-01,Webinar\n"
                     "L8,cy@example.com,2026-07-15,Webinar\n")
    db = tmp_path / "undo.duckdb"
    load_files(db, good, wrong)
    app = start_app(db, today="2026-09-30")

    page.goto(f"{app.url}/data")
    wait_idle(page)
    expect(page.get_by_text("Take back an import")).to_be_visible()
    button = page.get_by_role("button", name="Take back this import")
    expect(button).to_be_disabled()
    # nothing is preselected: pick the import (newest first) before confirming
    box = page.get_by_role("combobox", name="Import to take back")
    expect(box).to_have_value("")
    box.click()
    page.get_by_role("option", name=re.compile(r"^#2 wrong_leads\.csv")).click()
    wait_idle(page)
    page.get_by_text("I understand").click()
    wait_idle(page)
    expect(button).to_be_enabled()
    screenshot(page, "data-undo-confirm")
    button.click()
    wait_idle(page)
    expect(page.get_by_text("was taken back: removed 2 lead records")).to_be_visible()
    screenshot(page, "data-undo-done")
