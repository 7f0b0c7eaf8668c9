"""Browser test of the Weekly review page on the review story: both files download from the page, the HTML opens
in Chromium with every outside request blocked and none failing, and an action recorded before a server restart
is there after it."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import offline, screenshot, wait_idle
from tests.fixtures.review.story import TODAY, WEEK, load_story


def test_review_downloads_offline_html_and_restart(tmp_path, start_app, page):
    db = tmp_path / "review.duckdb"
    load_story(db)
    app = start_app(db, today=TODAY)
    outside = offline(page)
    page.goto(f"{app.url}/review?week={WEEK}")
    wait_idle(page, 90000)
    # expect() waits: right after the page loads, the script may not have started yet
    expect(page.get_by_text("Paid Social (channel) alone fell by 50.0 pts, more than the whole drop")).to_have_count(
        1, timeout=60000)
    screenshot(page, "review_week")
    # the seven key measures' trends are Vega-Lite charts, drawn (seven Plotly figures took the browser ~1 s)
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(7, timeout=30000)
    assert page.get_by_test_id("stPlotlyChart").count() == 0
    page.wait_for_function("document.querySelectorAll('[data-testid=stVegaLiteChart] canvas, "
                           "[data-testid=stVegaLiteChart] svg.marks').length >= 7", timeout=30000)
    # value axes read as the pages write numbers: $0 and $5k (d3's ~s wrote $0k), 40%, 1.5 (not 1.5G or 500m)
    labels = page.eval_on_selector_all(
        "[data-testid=stVegaLiteChart] g.role-axis[aria-label^='Y-axis'] g.role-axis-label text",
        "ts => ts.map(t => t.textContent)")
    assert labels and all(re.fullmatch(r"-?\$?\d+(\.\d+)?[kMB]?|\d+%", t) for t in labels), labels
    pipeline = page.get_by_test_id("stVegaLiteChart").filter(has_text="Pipeline created")
    pipeline_labels = pipeline.locator("g.role-axis[aria-label^='Y-axis'] g.role-axis-label text").all_text_contents()
    assert {"$0", "$5k", "$10k"} <= set(pipeline_labels), pipeline_labels

    page.get_by_label("Your name, for the log").fill("Dana")
    page.get_by_label("Text", exact=True).fill("Ann calls every waiting MQL by Tuesday")
    page.get_by_label("Owner", exact=True).fill("Ann Social")
    page.get_by_role("button", name="Record").click()
    wait_idle(page, 60000)
    expect(page.get_by_text("Recorded.")).to_have_count(1, timeout=60000)

    files = {}
    for label, name in (("Download the PDF", "review.pdf"), ("Download the HTML", "review.html")):
        with page.expect_download(timeout=120000) as dl:
            page.get_by_role("button", name=label).click()
        files[name] = tmp_path / name
        dl.value.save_as(files[name])
    assert files["review.pdf"].read_bytes()[:5] == b"%PDF-"
    assert "Ann calls every waiting MQL by Tuesday" in files["review.html"].read_text()
    assert outside == []

    # the HTML file alone, in Chromium, with every request but the file itself (and its data URIs) blocked
    failed, blocked = [], []
    target = files["review.html"].as_uri()

    def only_the_file(route):
        if route.request.url == target or route.request.url.startswith("data:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()
    alone = page.context.new_page()     # a page of its own: the downloads above count as failed requests
    alone.route("**/*", only_the_file)
    alone.on("requestfailed", lambda req: failed.append(req.url))
    alone.goto(target)
    alone.wait_for_load_state("load")
    assert alone.locator("img").count() == 7
    assert alone.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert blocked == [] and failed == []
    alone.close()

    # restart the server: the action is still there
    app.stop()
    app2 = start_app(db, today=TODAY)
    page.unroute("**/*")
    offline(page)
    page.goto(f"{app2.url}/review?week={WEEK}")
    wait_idle(page, 90000)
    screenshot(page, "review_after_restart")
    # the table's cells are drawn on a canvas; its accessible cells exist once the grid is on screen
    page.get_by_role("heading", name=re.compile("Decisions and actions of")).scroll_into_view_if_needed()
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(1000)
    assert page.get_by_text("Ann calls every waiting MQL by Tuesday").count() >= 1
