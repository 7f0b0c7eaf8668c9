"""bench.load keeps working: two sessions (WebSocket clients, then Chromium pages) through every page while a
third imports, on the small review story, and the cold/warm walk of one session. Figures are printed by `make bench`; this test asserts only that every
page settles without an error and that the import lands (never a time)."""

import duckdb
import pytest

from bench import load
from tests.fixtures.review.story import TODAY, load_story


@pytest.mark.parametrize("client", load.CLIENTS)
def test_two_sessions_and_an_import_see_no_error(tmp_path, client):
    db = tmp_path / "story.duckdb"
    load_story(db)
    upload = load.upload_file(tmp_path, 50)
    r = load.run(db, 2, upload=upload, today=TODAY, client=client)
    # each session walks whole passes, at least one of them started after the import landed
    assert r["errors"] == [] and r["pages"] % len(load.PAGES) == 0 and r["pages"] >= 2 * len(load.PAGES)
    assert "import_s" in r and r["after_import"]["pages"] >= 2 * (len(load.PAGES) - 1)
    # each session's first page is its opening, reported apart from the visits after it
    assert len(r["openings"]) == 2 and r["clicks"]["pages"] == r["pages"] - 2
    text = load.line("story", r)
    assert "the 2 openings" in text and f"the {r['pages'] - 2} visits after them" in text
    assert f"the {r['after_import']['pages']} visits after the import landed" in text
    with duckdb.connect(str(db), read_only=True) as c:
        assert c.execute("select count(*) from lead_records where email like 'load%@bench.test'").fetchone()[0] == 50


def test_one_session_walks_every_page_cold_then_warm(tmp_path):
    db = tmp_path / "story.duckdb"
    load_story(db)
    walk = load.pages_cold_warm(db, today=TODAY)
    assert list(walk) == [load.START, *load.PAGES] and not [p for p, v in walk.items() if "error" in v]
    assert all(v["cold"] > 0 and v["warm"] > 0 for p, v in walk.items() if p != load.START)
    lines = load.page_lines("story", walk)
    assert len(lines) == len(load.PAGES) + 4 and "median" in lines[-2] and "issue 16" in lines[-1]
