"""AppTest: imported names that are attacks (tests/fixtures/hostile/story.py) reach the pages' Markdown only
escaped, so they show as the literal text (issue 15 section 3); tables hand formula-like text to the toolbar's
download with a leading '. The browser test (tests/browser/test_hostile_text.py) checks what Chromium renders."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from onefunnel.safe import md
from tests.conftest import ROOT
from tests.fixtures.hostile import story


@pytest.fixture
def hostile_env(app_env, tmp_path):
    story.load_story(app_env, tmp_path / "files")
    return app_env


def open_page(name):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page(f"pages/{name}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at) -> list[str]:
    """Every Markdown source the page sent: markdown, captions, alerts, titles, metric labels, expander labels."""
    out = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader"):
        out += [e.value for e in getattr(at, kind)]
    out += [m.label for m in at.metric] + [e.label for e in at.expander]
    return out


def raw_names(found: list[str]) -> list[tuple[str, str]]:
    """(name, text) where a hostile name appears unescaped: a character of it that Markdown reads is not
    preceded by a backslash."""
    bad = []
    for name in story.NAMES:
        for t in found:
            for m in re.finditer(re.escape(name[:3]), t):
                if not t[:m.start()].endswith("\\"):
                    bad.append((name, t))
    return bad


def test_wins_board_shows_every_hostile_name_as_text(hostile_env):
    at = open_page("wins")
    found = texts(at)
    assert raw_names(found) == []
    joined = "\n".join(found)
    # the biggest deal's card: the deal, its owner and the campaign that touched it
    assert md(story.DEAL) in joined and md(story.OWNER) in joined and md(story.CAMPAIGN) in joined
    # the fastest follow-up's card: answered by OWNER, the lead's company and its source
    assert md(story.COMPANY) in joined and md(story.CHANNEL) in joined


def test_marketing_warning_names_the_channel_as_text(hostile_env):
    at = open_page("marketing")
    assert raw_names(texts(at)) == []
    # 4 of the channel's 6 MQLs rejected = 67%, accepted 1 of 6 = 17%
    warnings = [w.value for w in at.warning if "Sales rejected" in w.value]
    assert warnings == [f"Sales rejected 67% of the 6 MQLs from **{md(story.CHANNEL)}** (accepted 17%)."]


def test_friction_reasons_are_text(hostile_env):
    at = open_page("friction")
    assert raw_names(texts(at)) == []
    assert f"Reasons: {md(story.REASON)} 4" in [c.value for c in at.caption]


def test_tables_hand_formula_text_to_the_toolbar_download_with_a_quote(hostile_env):
    at = open_page("wins")
    companies = [v for d in at.dataframe if "company" in d.value.columns for v in d.value["company"]]
    # the fastest follow-ups table: lead 1 (COMPANY) is the one answered
    assert companies == [story.COMPANY]
    at = open_page("friction")
    rejected = next(d.value for d in at.dataframe if "was_accepted" in d.value.columns)
    assert sorted(rejected["company"]) == ["'" + story.FORMULA] * 4     # leads 3..6, all with the formula name
    assert set(rejected["reason"]) == {story.REASON}                     # text that is no formula is left alone


HOSTILE_FILE = "![f](https%3A%2F%2Fevil.example%2Ff.png).csv"


def test_data_page_shows_a_hostile_file_name_as_text(app_env):
    at = open_page("data")
    at.file_uploader[0].set_value((HOSTILE_FILE, b"email,created_at,source\nada@example.com,2026-07-01,Web\n",
                                   "text/csv")).run()
    assert not at.exception
    found = texts(at)
    assert any(f"**{md(HOSTILE_FILE)}** — detected **Leads \\(template\\)**" in t for t in found), found
    assert not [t for t in found if "![f]" in t]
    at.button(key="confirm_import").click().run()
    assert any(md(HOSTILE_FILE) in s.value and "1 rows loaded" in s.value for s in at.success)
    assert not [t for t in texts(at) if "![f]" in t]


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "pages").glob("*.py")))
def test_no_page_reads_a_hostile_name_as_markdown(hostile_env, name):
    """The class, not the examples: every page of the app, the ones added later included, on the hostile
    workspace (the Standup page over the whole story, the deal page on the hostile deal)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["period"] = "Last 12 months"
    at.run()
    at.switch_page(f"pages/{name}.py")
    if name == "standup":
        at.query_params["since"] = "2025-01-01T00:00"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert raw_names(texts(at)) == []
