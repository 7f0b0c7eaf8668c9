"""The Teams pages in a real browser on the teams fixture (today pinned to 2026-09-30, so the default view
is Q3 2026 as of 2026-09-30): each page renders, its owner filter narrows the lists, a list downloads as
an Excel-safe CSV, and a full-page screenshot is saved to test-artifacts/teams-<page>.png.

The tables are drawn on a canvas, so their content is checked through the downloaded CSV.
"""

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_idle
from tests.test_team_queries import load_teams_fixture

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def teams_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("teams-browser") / "teams.duckdb"
    load_teams_fixture(db)
    return db


@pytest.fixture
def app(start_app, teams_db, tmp_path):
    import shutil

    db = tmp_path / "teams.duckdb"
    shutil.copy(teams_db, db)
    return start_app(db, today="2026-09-30")


TITLES = {"ownership": "Ownership", "marketing": "Marketing", "sales": "Sales", "friction": "Friction",
          "wins": "Wins board"}


def open_page(page, app, path, team=None):
    """Open the app at its root, set the team lens in the sidebar, then follow the page's navigation link
    (the way a user clicks; tests/browser/test_leadership.py covers opening a shared deep link)."""
    page.goto(app.url)
    wait_idle(page)
    if team:
        page.get_by_test_id("stSidebar").get_by_test_id("stButtonGroup").get_by_text(team.capitalize(), exact=True).click()
        page.wait_for_timeout(1000)
        wait_idle(page)
    page.get_by_test_id("stSidebarNavLink").filter(has_text=TITLES[path]).first.click()
    wait_idle(page)
    expect(page.get_by_role("heading", name=TITLES[path], exact=True).first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def choose(page, label, option):
    """Pick an option of a selectbox / multiselect by its label."""
    box = page.get_by_label(label, exact=True).first
    box.click()
    box.press_sequentially(option)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_timeout(800)    # let the rerun start before waiting for it to finish
    wait_idle(page)


def download(page, key) -> list[dict]:
    """Click the download button with this widget key; return the CSV rows."""
    with page.expect_download() as info:
        page.locator(f".st-key-{key} button").click()
    raw = open(info.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")            # UTF-8 BOM so Excel reads accents right
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_friction_filter_by_owner_and_download(page, app):
    open_page(page, app, "friction")
    expect(page.get_by_text("MQLs breaching the follow-up SLA right now")).to_be_visible()
    rows = download(page, "dl_friction_waiting")
    assert [r["company"] for r in rows] == ["Kilo Eleven", "Delta Four"]
    choose(page, "Owner", "Norm Never")
    rows = download(page, "dl_friction_waiting")
    assert [(r["company"], r["owner"]) for r in rows] == [("Delta Four", "Norm Never")]
    rows = download(page, "dl_friction_stalled")
    assert [r["name"] for r in rows] == ["o4_open_norm_past_close_unlinked"]
    screenshot(page, "teams-friction")


def test_sales_rep_filter_and_download(page, app):
    open_page(page, app, "sales")
    expect(page.get_by_text("Per rep", exact=True)).to_be_visible()
    rows = download(page, "dl_sales_reps")
    assert [r["owner"] for r in rows] == ["Rita Rapid", "Norm Never", "(none)"]
    assert float(rows[0]["mql_response_hours_p90"]) == pytest.approx(28.8)
    choose(page, "Rep", "Norm Never")
    hours = download(page, "dl_sales_hours")
    # Norm's MQLs arrived Wed 0h (l5), Sat 10h (l3), Sun 9h (l4)
    assert sorted((r["weekday"], r["hour"]) for r in hours) == [("3", "0"), ("6", "10"), ("7", "9")]
    screenshot(page, "teams-sales")


def test_wins_filter_by_owner_and_download(page, app):
    open_page(page, app, "wins")
    expect(page.get_by_text("enterprise-roundtable").first).to_be_visible()
    choose(page, "Owner", "Rita Rapid")
    rows = download(page, "dl_wins_deals")
    assert [(r["name"], r["owner"]) for r in rows] == [("o1_won_rita_50k", "Rita Rapid"),
                                                     ("o3_won_rita_30k", "Rita Rapid")]
    screenshot(page, "teams-wins")


def test_marketing_by_campaign_and_download(page, app):
    open_page(page, app, "marketing", team="sales")
    # the sales lens reads the lead-quality feedback first
    expect(page.get_by_text("Team lens Sales: the lead-quality feedback comes first.")).to_be_visible()
    page.get_by_test_id("stMain").get_by_test_id("stButtonGroup").get_by_text("campaign", exact=True).click()
    page.wait_for_timeout(1000)
    wait_idle(page)
    rows = download(page, "dl_mkt_quality")
    got = {r["campaign"]: r for r in rows}
    assert (got["Paid Search · search-brand"]["mqls"], got["Paid Search · search-brand"]["accepted"]) == ("2", "2")
    screenshot(page, "teams-marketing")


def test_ownership_map_and_download(page, app):
    open_page(page, app, "ownership")
    expect(page.get_by_text("The journey and its owners")).to_be_visible()
    # no click: the exceptions are what the page opens with, all of them in view (no scroll box to open)
    table = page.get_by_test_id("stDataFrame").filter(has=page.locator("td", has_text="SLA breached"))
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    assert box["height"] <= 35 * 4 + 10, box       # a header and three rows, nothing hidden below a fold
    rows = download(page, "dl_accountability")
    # off track: MQL -> SQL (25% vs 40%), SLA compliance (43% vs 90%) and SLA breached (4 against the default
    # target of none, tests/test_page_teams.py); nothing at risk
    assert sorted(r["Metric"] for r in rows) == ["MQL → SQL", "SLA breached", "SLA compliance"]
    assert all(r["Status"] == "off track" for r in rows)
    screenshot(page, "teams-ownership")
