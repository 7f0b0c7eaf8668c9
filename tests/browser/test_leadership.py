"""The Leadership pages in a real browser on the leadership story (tests/fixtures/leadership/README.md):
a shared URL with period parameters shows the expected numbers, a click on a funnel stage lists its
records, editing a monthly goal changes attainment. Each test saves a full-page screenshot."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_idle
from tests.fixtures.leadership.story import TODAY, load_story

pytestmark = pytest.mark.browser


@pytest.fixture
def app(start_app, tmp_path):
    db = tmp_path / "leadership.duckdb"
    load_story(db)
    return start_app(db, today=TODAY)


def card(page, label):
    """The value shown on the metric card with this label."""
    return page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True)) \
        .get_by_test_id("stMetricValue")


def test_shared_url_opens_the_same_view_with_its_numbers(page, app):
    # a link copied by someone else: this quarter (2026-Q3), no comparison, sales lens
    page.goto(f"{app.url}/?period=This+quarter&compare=No+comparison&team=Sales")
    wait_idle(page)
    expect(page.get_by_role("heading", name="Joint goal")).to_be_visible()
    # worked out in tests/test_page_goal.py: goal 92000, won 35000, 38%, pace gap -11000, forecast 55000
    expect(card(page, "Revenue goal")).to_have_text("$92.0k")
    expect(card(page, "Won revenue")).to_have_text("$35.0k")
    expect(card(page, "Attainment")).to_have_text("38%")
    expect(card(page, "Pace gap")).to_have_text("-$11.0k")
    expect(card(page, "Forecast")).to_have_text("$55.0k")
    expect(page.get_by_text("you need about 6 more won deals, from 12 opportunities, 18 SQLs, 23 MQLs, 46 leads")) \
        .to_be_visible()
    # the sidebar shows the view of the URL
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("combobox", name="Period")).to_have_value("This quarter")
    expect(sidebar.get_by_role("combobox", name="Compare with")).to_have_value("No comparison")
    expect(sidebar.get_by_role("radio", name="Sales")).to_be_checked()
    screenshot(page, "leadership-goal")

    # a link added by the page keeps the view's parameters
    page.get_by_role("link", name=re.compile("Definitions")).first.click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Definitions")).to_be_visible()
    assert "compare=No+comparison" in page.url and "team=Sales" in page.url
    # the story's owners are names already: the owner names table starts empty, with no id to name
    expect(page.get_by_role("heading", name="Owner names")).to_be_visible()
    expect(page.get_by_text("look like ids")).to_have_count(0)
    screenshot(page, "leadership-definitions")

    # last quarter on the funnel, from a URL: Q2 2026 = the eight trailing leads
    page.goto(f"{app.url}/funnel?period=Last+quarter&counting=Cohort")
    wait_idle(page)
    funnel = page.get_by_test_id("stPlotlyChart").first
    expect(funnel.get_by_text("8 · 100% of first")).to_be_visible()
    expect(funnel.get_by_text(re.compile(r"^1 · 13% of first$"))).to_be_visible()     # 1 of 8 won


def test_click_a_funnel_stage_lists_its_records(page, app):
    page.goto(f"{app.url}/funnel?period=This+quarter")
    wait_idle(page)
    funnel = page.get_by_test_id("stPlotlyChart").first
    expect(funnel.get_by_text("3 · 50% of first")).to_be_visible()     # Won: 3 of 6 leads' worth
    expect(page.get_by_text("Won records")).to_have_count(0)
    # click the Won bar (the fifth point of the funnel trace)
    bar = funnel.locator("g.funnellayer g.point path").nth(4)
    box = bar.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_text("3 Won records")).to_be_visible(timeout=15000)
    wait_idle(page)
    assert "stage=Won" in page.url                  # the selection is part of the shareable URL
    # the list is the records behind the number: P-O1, P-O2, P-O5 (glide's accessible cells)
    records = page.get_by_test_id("stDataFrame").filter(has=page.locator("td", has_text="Unlinked partner won 5000"))
    records.scroll_into_view_if_needed()
    cells = records.locator("td").all_inner_texts()
    for deal in ("Acme mktg-sourced won 20000", "Beta sales-sourced won 10000", "Unlinked partner won 5000"):
        assert deal in cells
    with page.expect_download() as dl:
        page.get_by_role("button", name=re.compile("Download these 3 records")).click()
    assert dl.value.suggested_filename.startswith("funnel_won_period_")
    screenshot(page, "leadership-funnel")


def test_edit_a_monthly_goal_changes_attainment(page, app):
    page.goto(f"{app.url}/?period=This+quarter")
    wait_idle(page)
    expect(card(page, "Attainment")).to_have_text("38%")
    # the goal editor lists the fiscal year; September 2026 is its ninth row, the goal its second column.
    # Glide draws the grid on a canvas: click the cell by position (rows 35 px, header one row)
    editor = page.get_by_test_id("stDataFrame").filter(has=page.locator("td", has_text="2026-09")).last
    editor.scroll_into_view_if_needed()
    box = editor.bounding_box()
    cell_editor = page.locator("input.gdg-input")
    for _ in range(5):                                 # the grid may still be settling after the scroll
        page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + 35 * 9 + 17)
        page.wait_for_timeout(300)
        page.keyboard.press("Enter")                   # open the selected cell's editor
        try:
            expect(cell_editor).to_be_focused(timeout=1000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    expect(cell_editor).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("60000", delay=20)
    page.keyboard.press("Enter")
    expect(editor.locator("#glide-cell-1-8")).to_have_text("60000")    # the edit is in the grid
    wait_idle(page)
    name = page.get_by_placeholder("e.g. Dana Reyes")
    name.fill("Ada Lovelace")
    name.press("Enter")                                # commit the name before pressing Save
    wait_idle(page)
    page.get_by_role("button", name="Save goals").click()
    wait_idle(page)
    expect(page.get_by_text("Saved 2026-09: $60.0k.")).to_be_visible()
    # goal 31000 + 31000 + 60000 = 122000; attainment 35000 / 122000 = 29%
    expect(card(page, "Revenue goal")).to_have_text("$122k")
    expect(card(page, "Attainment")).to_have_text("29%")
    screenshot(page, "leadership-goal-edited")
