"""The Data page in a real browser: a file with unknown headers is mapped by hand, then imported."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_idle

pytestmark = pytest.mark.browser

UNKNOWN = "Deal Ref,Client,Rep,Phase,Booked\nD-1,Acme,Ann,Won,1200\nD-2,Bolt,Ben,Open,\n"


def test_map_unknown_columns(page, start_app, tmp_path):
    app = start_app(tmp_path / "browser.duckdb")
    upload = tmp_path / "our_crm.csv"
    upload.write_text(UNKNOWN)
    page.goto(f"{app.url}/data")
    wait_idle(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    wait_idle(page)
    expect(page.get_by_text("no recognisable header", exact=False)).to_be_visible()
    page.get_by_text("Map the columns yourself").click()
    wait_idle(page)
    screenshot(page, "data-mapping")


def test_rename_a_saved_mapping(page, start_app, tmp_path):
    from onefunnel.db import connect
    from onefunnel.ingest import save_custom_format
    from onefunnel.ingest.presets import custom_format_entry

    db = tmp_path / "browser.duckdb"
    con = connect(db)
    save_custom_format(con, custom_format_entry("our_crm", "opportunity", {"record_id": "Deal Ref", "amount": "Booked"}))
    con.close()
    app = start_app(db)
    page.goto(f"{app.url}/data")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Saved column mappings")).to_be_visible()
    name = page.get_by_role("textbox", name="New name")
    name.fill("Our CRM deals")
    name.press("Enter")      # Streamlit takes a text input's value on Enter or when it loses focus
    wait_idle(page)
    page.get_by_role("button", name="Rename").click()
    wait_idle(page)
    expect(page.get_by_role("combobox", name="Mapping")).to_have_value("Our CRM deals")
    expect(page.get_by_role("textbox", name="New name")).to_have_value("")
    screenshot(page, "data-mapping-renamed")
