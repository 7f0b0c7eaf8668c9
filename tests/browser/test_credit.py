"""The Credit pages in a real browser: switch attribution models, open a deal's touch path, and
look at Spend & ROI under another model. Data: the hand-worked journeys and June spend of
tests/test_attribution_journeys.py / tests/test_spend_imports.py, viewed as "This month" with
today pinned to 2026-06-30 (P = June 2026). Full-page screenshots go to test-artifacts/."""

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_idle
from tests.conftest import load_files
from tests.test_attribution_journeys import FIX as J
from tests.test_spend_imports import SPEND

pytestmark = pytest.mark.browser


def full_page_screenshot(page, name: str):
    """Streamlit scrolls inside its main container, so full_page alone stops at the window: grow the
    window to the content's height first, then take the screenshot."""
    height = page.evaluate("Math.max(...[...document.querySelectorAll("
                           "'[data-testid=stMain], [data-testid=stMainBlockContainer]')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": 1400, "height": int(height) + 80})
    time.sleep(1)          # charts re-lay out to the new size
    wait_idle(page)
    path = screenshot(page, name)
    page.set_viewport_size({"width": 1400, "height": 1000})
    return path


def open_page(page, app, title: str):
    """Open the app at its root (so app.py draws the shell: navigation, wide layout) with the period
    "This month", then follow the navigation link to the page. (A deep link such as /attribution is
    served by Streamlit's pages/ auto-discovery, which runs the page without app.py.)"""
    page.goto(f"{app.url}/?period=This+month")
    wait_idle(page, 60000)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    wait_idle(page, 60000)
    expect(page.get_by_role("heading", name=title).first).to_be_visible()


def choose(page, label: str, text: str):
    """Pick the option of a selectbox that contains `text` (typing filters the list)."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.fill(text)
    page.get_by_role("option").filter(has_text=text).first.click()
    wait_idle(page)


@pytest.fixture
def app(start_app, tmp_path):
    db = tmp_path / "credit.duckdb"
    load_files(db, J / "leads.csv", J / "opportunities.csv", J / "touches.csv",
               SPEND / "google_ads_campaigns.csv", SPEND / "linkedin_campaign_manager.csv",
               SPEND / "template_spend.csv")
    return start_app(db, today="2026-06-30")


def test_attribution_switch_models_and_open_a_touch_path(page, app):
    open_page(page, app, "Attribution")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("$22.2k")).to_be_visible()                   # won revenue of June
    expect(main.get_by_text("Events", exact=True).first).to_be_visible()
    expect(page.get_by_text("Organic Search: 68% of won revenue under First touch")).to_be_visible()

    # switch the detail model: the definition under the selector follows
    main.get_by_test_id("stButtonGroup").get_by_text("Time decay", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text("Weight 2^(−days before the opportunity / 7)").last).to_be_visible()
    assert "model=Time+decay" in page.url          # the model is part of the shareable link
    expect(main.get_by_text("$22.2k")).to_be_visible()   # still June
    main.get_by_test_id("stButtonGroup").get_by_text("U-shaped", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text("40% first, 40% last, 20% split").last).to_be_visible()

    # open the touch path of the tied-touches deal (J4, $3.0k, three touches at one instant)
    choose(page, "Won deal", "deal_tied_touches")
    expect(page.get_by_role("combobox", name="Won deal")).to_have_value(
        "deal_tied_touches · $3.0k · won Jun 20, 2026 · 3 touches")
    touches = page.get_by_test_id("stMetric").filter(has_text="Qualifying touches")
    expect(touches).to_contain_text("3")
    # the path chart's marker: SVG text of the Vega-Lite chart (the line above says "Opportunity created" too)
    marker = page.get_by_test_id("stVegaLiteChart").locator("svg text").filter(has_text="opportunity created")
    expect(marker).to_be_visible()
    full_page_screenshot(page, "credit-attribution")

    # a deal without a linked lead explains why it has no path
    choose(page, "Won deal", "deal_unlinked")
    expect(page.get_by_text("This deal is not linked to any lead")).to_be_visible()


def test_spend_page_under_another_model(page, app):
    open_page(page, app, "Spend & ROI")
    main = page.get_by_test_id("stMain")
    expect(page.get_by_text("Best return under Linear: Email at 6.8×")).to_be_visible()
    main.get_by_test_id("stButtonGroup").get_by_text("First touch", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text("Best return under First touch: Email at 5.0×")).to_be_visible()
    expect(page.get_by_text("Which touches each spend campaign paid for")).to_be_visible()
    full_page_screenshot(page, "credit-spend")
