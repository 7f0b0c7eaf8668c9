"""The Standup page in a real browser on the standup story (tests/standup_story.py, today pinned to 2026-09-30, so
"now" is 09:00 and the window opens on Tuesday 2026-09-29): sales reject an MQL with a reason through the form, the
rejection is listed on the Standup page, and Marketing's lead-quality feedback counts it under "Sales (app)".

Tables are drawn on a canvas, so their content is read from the downloaded CSVs."""

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, wait_idle
from tests.standup_story import build

pytestmark = pytest.mark.browser


@pytest.fixture
def app(start_app, tmp_path):
    db = tmp_path / "standup.duckdb"
    build(db)
    return start_app(db, today="2026-09-30")


def download(page, key) -> list[dict]:
    with page.expect_download() as info:
        page.locator(f".st-key-{key} button").click()
    return list(csv.DictReader(io.StringIO(open(info.value.path(), "rb").read().decode("utf-8-sig"))))


def go(page, app, title):
    page.get_by_test_id("stSidebarNavLink").filter(has_text=title).first.click()
    wait_idle(page)
    expect(page.get_by_role("heading", name=title, exact=True).first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def choose(page, label, option):
    box = page.get_by_label(label, exact=True).first
    box.click()
    box.press_sequentially(option[:12])
    page.get_by_role("option", name=option, exact=True).click()


def test_reject_an_mql_on_the_standup_and_see_it_in_marketing(page, app):
    page.goto(app.url)
    wait_idle(page)
    go(page, app, "Standup")
    # before: s7 (sales in the app) and s6 (export) were rejected in the window
    assert [r["email"] for r in download(page, "dl_su_rejected")] == [
        "s7_rejected_in_app_this_morning@su.test", "s6_export_disqualified_yesterday@su.test"]

    form = page.get_by_test_id("stForm").filter(has_text="Save verdict")
    choose(page, "MQL", "Sierra One · s1_new_mql_due_soon@su.test · Dana Reyes")
    form.get_by_text("reject", exact=True).click()
    choose(page, "Reason (for a rejection)", "student or job seeker")
    form.get_by_label("Your name", exact=True).fill("Rita Sales")
    form.get_by_label("Note", exact=True).fill("a class project")
    form.get_by_role("button", name="Save verdict").click()
    wait_idle(page)
    expect(page.get_by_text("Saved: reject", exact=False)).to_be_visible()

    rows = download(page, "dl_su_rejected")
    assert [(r["email"], r["reason"], r["rejected_by"], r["verdict_by"], r["note"]) for r in rows][0] == (
        "s1_new_mql_due_soon@su.test", "student or job seeker", "sales (app)", "Rita Sales", "a class project")
    screenshot(page, "standup")

    go(page, app, "Marketing")
    sources = {r["channel"]: r for r in download(page, "dl_mkt_sources")}
    # Paid Search, MQLs of Q3: s5 s6 (export), s7 s1 (sales in the app), s8 (both) = 5 rejected
    assert (sources["Paid Search"]["rejected"], sources["Paid Search"]["export_only"],
            sources["Paid Search"]["app_only"], sources["Paid Search"]["both_sources"]) == ("5", "2", "2", "1")
    reasons = {(r["channel"], r["reason"]): r["rejected"] for r in download(page, "dl_mkt_reasons")}
    assert reasons[("Paid Search", "student or job seeker")] == "1"
