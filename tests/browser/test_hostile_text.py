"""Hostile imported names in Chromium (issue 15 section 3): on the Wins board, Marketing, Friction and Data pages
an owner named [t](https://...), a campaign named ![x](https://...), a :red[...] channel, KaTeX and HTML names
render as their literal text: no link or image to another host appears, no request leaves 127.0.0.1, no
coloured or KaTeX element is made from them, and the names are visible as typed."""

import pytest

from tests.browser.conftest import offline, wait_idle
from tests.fixtures.hostile import story

pytestmark = pytest.mark.browser

OUTSIDE_LINKS = """() => [...document.querySelectorAll('a[href], img[src], image')]
    .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('xlink:href') || '')
    .filter(u => /^(https?:)?\\/\\//.test(u) && !/^https?:\\/\\/(127\\.0\\.0\\.1|localhost)[:/]/.test(u))"""


@pytest.fixture
def app(start_app, tmp_path):
    db = tmp_path / "hostile.duckdb"
    story.load_story(db, tmp_path / "files")
    return start_app(db, today=story.TODAY)


def visit(page, app, path):
    page.goto(app.url + path)
    wait_idle(page)
    assert not page.get_by_test_id("stException").count(), path
    assert page.evaluate(OUTSIDE_LINKS) == [], path
    # nothing the names could have made: KaTeX, a coloured span, an <img> made of the deal's name
    assert page.locator(".katex").count() == 0, path
    assert page.locator("[data-testid=stMarkdownContainer] img").count() == 0, path
    return page.locator("[data-testid=stMain]")


def shown(main) -> str:
    """The text of the page as a reader sees it (safe.md puts a zero-width space where GFM would autolink)."""
    return main.inner_text().replace("\u200b", "")


def test_hostile_names_render_as_their_text(page, app):
    outside = offline(page)
    text = shown(visit(page, app, "/wins"))
    for name in (story.OWNER, story.CAMPAIGN, story.DEAL, story.COMPANY, story.CHANNEL):
        assert name in text, name
    text = shown(visit(page, app, "/marketing"))
    assert f"Sales rejected 67% of the 6 MQLs from {story.CHANNEL} (accepted 17%)." in text
    text = shown(visit(page, app, "/friction"))
    assert f"Reasons: {story.REASON} 4" in text
    text = shown(visit(page, app, "/data"))
    assert "Import history" in text
    # Attribution's charts are Vega-Lite (SVG text, escaped tooltips): the won deal's touch path names the campaign
    main = visit(page, app, "/attribution")
    main.locator("[data-testid=stVegaLiteChart] svg").first.wait_for()
    path = main.locator("[data-testid=stVegaLiteChart]").last
    assert story.CAMPAIGN in path.inner_text() or story.CAMPAIGN in (path.locator("svg").text_content() or "")
    assert story.CAMPAIGN in shown(main)
    assert outside == [], outside


def test_hostile_file_name_on_the_data_page(page, app, tmp_path):
    outside = offline(page)
    visit(page, app, "/data")
    f = tmp_path / "up" / "![f](https:evil.example%2Ff.png).csv"
    f.parent.mkdir()
    f.write_text("email,created_at,source\nada@example.com,2026-07-01,Web\n")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(f))
    wait_idle(page)
    page.get_by_text("Rows read").first.wait_for()
    assert f"{f.name} — detected Leads (template)" in shown(page.locator("[data-testid=stMain]"))
    assert page.evaluate(OUTSIDE_LINKS) == []
    assert outside == [], outside
