"""The Explore page in a real browser on the teams fixture (today pinned to 2026-09-30: the default period
is Q3 2026): a measure and a dimension picked by clicking show their table, and the link the page shows
reopens the same view in a fresh tab. Every request that leaves the machine is blocked and must not happen:
the page works offline (Streamlit widgets and the Plotly bundled with Streamlit, no CDN, no telemetry).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import offline, screenshot, wait_idle
from tests.test_team_queries import load_teams_fixture

pytestmark = pytest.mark.browser


@pytest.fixture
def app(start_app, tmp_path):
    db = tmp_path / "teams.duckdb"
    load_teams_fixture(db)
    return start_app(db, today="2026-09-30")


def choose(page, label, option):
    """Pick an option of a selectbox / multiselect by its label: click it, type to narrow the list, click the
    option, close the list."""
    box = page.get_by_label(label, exact=True).first
    box.click()
    box.press_sequentially(option)
    page.get_by_role("option", name=option, exact=True).click()
    box.press("Escape")
    wait_idle(page)


def cell(page, text):
    return page.get_by_test_id("stDataFrame").locator("td", has_text=re.compile(f"^{re.escape(text)}$"))


def test_pick_by_clicking_then_the_link_reopens_the_view(page, app):
    outside = offline(page)
    page.goto(app.url)
    wait_idle(page)
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Explore").first.click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Explore", exact=True)).to_be_visible()
    # the defaults: won revenue and win rate by channel (Paid Search o1 50k, Organic Search o3 30k)
    expect(cell(page, "Paid Search")).to_have_count(1)

    choose(page, "Measures", "Opportunities")
    choose(page, "Rows", "Owner")
    # Q3 by owner: Rita won o1 50k and o3 30k, lost o2 (2 / 3), created o1 o2 o3 o5 o6; Norm created o7
    expect(cell(page, "Rita Rapid")).to_have_count(1)
    expect(cell(page, "Norm Never")).to_have_count(1)
    expect(cell(page, "Paid Search")).to_have_count(0)
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(1)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    link = page.get_by_test_id("stCode").last.inner_text().strip()
    assert link.startswith("/explore?") and "measures=Opportunities" in link and "rows=Owner" in link
    assert "rows=Owner" in page.url          # the controls are in the address bar too
    screenshot(page, "explore")

    again = page.context.new_page()
    outside += offline(again)
    again.goto(app.url + link)
    wait_idle(again)
    expect(again.get_by_role("heading", name="Explore", exact=True)).to_be_visible()
    expect(again.get_by_label("Rows", exact=True).first).to_have_value("Owner")
    measures = again.get_by_test_id("stMultiSelect").filter(has=again.get_by_text("Measures", exact=True))
    for label in ("Won revenue", "Win rate", "Opportunities"):
        expect(measures.get_by_text(label, exact=True)).to_be_visible()
    expect(cell(again, "Rita Rapid")).to_have_count(1)
    expect(cell(again, "Norm Never")).to_have_count(1)
    assert again.get_by_test_id("stCode").last.inner_text().strip() == link
    screenshot(again, "explore-reopened")
    assert outside == [], outside
