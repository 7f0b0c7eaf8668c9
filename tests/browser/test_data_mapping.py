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
