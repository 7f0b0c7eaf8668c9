"""The toolbar's "Download as CSV" of an editable table in Chromium (issue 15 section 3): a stage name imported
as a formula leaves the Definitions page's stage-names editor with a leading ', never as a live formula, and
saving the table unedited changes nothing (ui.editor)."""

import csv
import io

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_idle

pytestmark = pytest.mark.browser

LINK = '=HYPERLINK("https://evil.example","click")'


@pytest.fixture
def app(start_app, tmp_path):
    from onefunnel import settings_tables
    from onefunnel.db import connect

    db = tmp_path / "editor.duckdb"
    con = connect(db)
    try:
        settings_tables.save_table(con, "stage_map", pd.DataFrame(
            [{"stage": LINK, "is_closed": True, "is_won": True}, {"stage": "Lost", "is_closed": True, "is_won": False}]),
            "test")
    finally:
        con.close()
    return start_app(db)


def test_the_stage_names_editor_downloads_the_formula_with_a_quote(page, app):
    page.add_init_script("delete window.showSaveFilePicker")   # the plain download, which Playwright sees
    page.goto(app.url + "/definitions")
    wait_idle(page)
    table = page.get_by_test_id("stDataFrame").filter(has_text="Stage name")
    table.scroll_into_view_if_needed()
    table.hover()
    with page.expect_download() as dl:
        table.get_by_test_id("stElementToolbarButton").filter(has=page.get_by_label("Download as CSV")).click()
    text = open(dl.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    stages = [r[0] for r in rows[1:]]
    assert "'" + LINK in stages and "Lost" in stages
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    page.get_by_role("button", name="Save stage names").click()
    wait_idle(page)
    expect(page.get_by_text("Stage names: nothing changed.")).to_be_visible()
