"""The weekly review (issue 12) on the review story (tests/fixtures/review/README.md): numbers.csv worked out
by hand, the same numbers as `metrics --json`, the PDF's pages, the CLI's refusals, the three biggest changes
rule, decisions and actions kept across a restart."""

import csv
import datetime as dt
import json
import shutil
import subprocess

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, run_cli, shown
from tests.fixtures.review.story import TODAY, WEEK, load_story

ENV = {"ONEFUNNEL_TODAY": TODAY}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    d = tmp_path_factory.mktemp("review")
    db = d / "review.duckdb"
    load_story(db)
    out = d / "out"
    run_cli("report", "--week", WEEK, "--out", out, "--db", db, env=ENV)
    return db, out


def _rows(out):
    with open(out / "numbers.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_numbers_csv_exact(exported):
    _, out = exported
    rows = _rows(out)
    assert list(rows[0]) == ["section", "measure", "this_week", "last_week", "same_week_last_year", "target"]
    got = {(r["section"], r["measure"]): [r["this_week"], r["last_week"], r["same_week_last_year"], r["target"]]
           for r in rows}
    # leads created: W38 r1..r4 = 4; W37 p1..p4 = 4; 2025-W38 y1 = 1; target "previous" = last week's 4
    assert got["funnel", "leads_created"] == ["4", "4", "1", "4"]
    # MQLs: W38 r1, r2, r3 = 3; W37 p1..p4 = 4; y1 = 1
    assert got["funnel", "mqls"] == ["3", "4", "1", "4"]
    # SQLs: W38 r3 = 1; W37 p1, p2, p4 = 3; y1 = 1
    assert got["funnel", "sqls"] == ["1", "3", "1", "3"]
    # opportunities created: o2 (09-15) = 1; none in W37 (o3 08-20, o4 08-25); target = last week's 0
    assert got["funnel", "opps_created"] == ["1", "0", "0", "0"]
    # won deals: o1 + o2 = 2; o3 = 1
    assert got["funnel", "won_deals"] == ["2", "1", "0", "1"]
    # won revenue 32000 + 10000; 20000; target = the week's goal 90000 x 7 / 30 = 21000
    assert got["key_measures", "won_revenue"] == ["42000", "20000", "0", "21000"]
    assert got["key_measures", "pipeline_created"] == ["10000", "0", "0", "0"]
    # MQL -> SQL: 1 of 3 (r3); 3 of 4; 1 of 1; default target 0.4
    assert got["key_measures", "mql_to_sql_rate"] == [repr(1 / 3), "0.75", "1", "0.4"]
    # win rate: 2 / (2 + 0) = 1; 1 / (1 + 1) = 0.5; no closed deal a year before: empty (null)
    assert got["key_measures", "win_rate"] == ["1", "0.5", "", "0.3"]
    # no activity at all: every MQL is a breach, compliance 0
    assert got["key_measures", "sla_compliance"] == ["0", "0", "0", "0.9"]
    assert got["friction", "sla_breaches"] == ["3", "4", "1", "0"]
    # spend: Paid Social 300 each week; no default target
    assert got["key_measures", "spend"] == ["300", "300", "0", ""]
    # the lists: r1 waiting (r2 rejected, r3 accepted), r2 rejected 09-19, o5 past its close date
    assert [got["friction", f"friction.{k}_listed"][0] for k in ("sla_breaches", "rejected_mqls", "stalled_deals")] == ["1", "1", "1"]
    # o2's lead p1 was an MQL (09-07) before it was created (09-15): marketing-sourced 10000; o1: sales 32000
    assert got["wins", "marketing_sourced_revenue"][0] == "10000"
    assert got["wins", "wins.marketing_sourced_deals"][0] == "1" and got["wins", "wins.sales_sourced_deals"][0] == "1"
    # the quarter (Q3) as of Sep 20: goal 90000 (September only), won o1 + o2 + o3 = 62000
    assert got["goal", "quarter.revenue_goal"][0] == "90000" and got["goal", "quarter.won_revenue"][0] == "62000"
    # the three biggest changes, largest first
    assert [m for s, m in got if s == "changes"] == ["pipeline_created", "mql_to_sql_rate", "won_revenue"]
    # plain numbers only (a negative one, the pace gap, stays a number); no text cell Excel would run
    assert all(v == "" or float(v) == float(v) for r in rows for v in list(r.values())[2:])
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in list(r.values())[:2])


def test_every_metrics_key_equals_metrics_json(exported):
    db, out = exported
    docs = {}
    for col, (start, end) in (("this_week", ("2026-09-14", "2026-09-20")), ("last_week", ("2026-09-07", "2026-09-13"))):
        docs[col] = json.loads(run_cli("metrics", "--start", start, "--end", end, "--json", "--db", db).stdout)["metrics"]
    checked = 0
    for r in _rows(out):
        if r["measure"] in docs["this_week"]:
            for col in ("this_week", "last_week"):
                want = docs[col][r["measure"]]
                assert (r[col] == "" if want is None else float(r[col]) == want), (r, col, want)
            checked += 1
    assert checked >= 14


def test_pdf_pages_render(exported, tmp_path):
    from onefunnel.report import EXPECTED_PAGES

    _, out = exported
    assert shutil.which("pdfinfo"), "poppler-utils (scripts/ensure-chromium installs it)"
    info = subprocess.run(["pdfinfo", out / "review.pdf"], capture_output=True, text=True, check=True).stdout
    assert f"Pages:          {EXPECTED_PAGES}" in info.replace("Pages:           ", "Pages:          ")
    w, h = [float(x) for x in info.split("Page size:")[1].split("pts")[0].split(" x ")]
    assert w > h    # landscape
    subprocess.run(["pdftoppm", "-r", "30", "-png", out / "review.pdf", tmp_path / "p"], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == EXPECTED_PAGES and all(p.stat().st_size > 1000 for p in pngs)
    text = subprocess.run(["pdftotext", out / "review.pdf", "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")[:EXPECTED_PAGES]
    assert all("2026-W38" in p and "data to Sep 19, 2026" in p and f"of {EXPECTED_PAGES}" in p for p in pages)


def test_html_is_self_contained(exported):
    _, out = exported
    text = (out / "review.html").read_text()
    assert "<style>" in text and "data:image/png;base64," in text
    assert "http://" not in text and "https://" not in text and "<link" not in text and "<script" not in text


@pytest.mark.parametrize("week,why", [("2026-38", "not an ISO week"), ("2026-W39", "has not ended"),
                                      ("2027-W01", "has not ended"), ("2026-W54", "is not a week")])
def test_refused_weeks_write_nothing(exported, tmp_path, week, why):
    db, _ = exported
    proc = run_cli("report", "--week", week, "--out", tmp_path / "o", "--db", db, check=False, env=ENV)
    assert proc.returncode == 1 and why in proc.stderr
    assert not (tmp_path / "o").exists() and list(tmp_path.iterdir()) == []


def test_empty_workspace_writes_nothing(tmp_path):
    from onefunnel.db import connect

    connect(tmp_path / "empty.duckdb").close()
    proc = run_cli("report", "--week", WEEK, "--out", tmp_path / "o", "--db", tmp_path / "empty.duckdb", check=False,
                   env=ENV)
    assert proc.returncode == 1 and "no data" in proc.stderr and not (tmp_path / "o").exists()
    proc = run_cli("report", "--week", WEEK, "--out", tmp_path / "o", "--db", tmp_path / "missing.duckdb", check=False,
                   env=ENV)
    assert proc.returncode == 1 and not (tmp_path / "missing.duckdb").exists() and not (tmp_path / "o").exists()


# ---- the three biggest changes -----------------------------------------------------------------------------------

def test_biggest_changes_on_the_story(exported):
    import datetime as dt

    from onefunnel import review
    from onefunnel.db import connect

    db, _ = exported
    con = connect(db)
    try:
        changes = review.changes_of_week(con, dt.date(2026, 9, 14), dt.date(2026, 9, 20))
    finally:
        con.close()
    # relative sizes: pipeline 0 -> 10000: 1.0; MQL -> SQL 3/4 -> 1/3: 0.556; won 20000 -> 42000: 22/42 = 0.524;
    # win rate 0.5 -> 1: 0.5 and MQLs 4 -> 3: 0.25 are left out
    assert [c.sentence for c in changes] == [
        # o2 (10000) is the only opportunity created; its lead p1 is Paid Social (ties with owner Ann: channel first)
        "Pipeline created rose from $0 to $10.0k; Paid Social (channel) accounts for 100% of the rise.",
        # Paid Social: 0/3 - 2/4 = -0.5; Paid Search: 1/3 - 1/4 = +0.083; change -5/12: -0.5 / (-5/12) = 120%
        "MQL → SQL fell from 75% to 33%; Paid Social (channel) alone fell by 50.0 pts, more than the whole drop, while others moved the other way.",
        # Paid Search: o1 32000 - o3 20000 = +12000 of +22000 = 55%; Paid Social +10000
        "Won revenue rose from $20.0k to $42.0k; Paid Search (channel) accounts for 55% of the rise.",
    ]


def test_biggest_changes_rule_on_plain_data():
    from onefunnel.review import biggest_changes

    this = {"won_revenue": 100.0, "mqls": 50, "spend": 90.0, "win_rate": 0.5}
    last = {"won_revenue": 100.0, "mqls": 100, "spend": 100.0, "win_rate": 0.25}
    splits = {
        # MQLs fell by 50: Events -40, Email -15, Webinar +5; owner Ann -30
        "mqls": {"channel": ([{"value": "Events", "mqls": 10}, {"value": "Email", "mqls": 35}, {"value": "Webinar", "mqls": 5}],
                             [{"value": "Events", "mqls": 50}, {"value": "Email", "mqls": 50}]),
                 "owner": ([{"value": "Ann", "mqls": 20}], [{"value": "Ann", "mqls": 50}])},
        # win rate 1/4 -> 2/4: Bob's 2 wins of 4 against 1 of 4: (2/4 - 1/4) = +0.25, all of the rise
        "win_rate": {"owner": ([{"value": "Bob", "won_deals": 2, "lost_deals": 0}, {"value": "Cy", "won_deals": 0, "lost_deals": 2}],
                               [{"value": "Bob", "won_deals": 1, "lost_deals": 1}, {"value": "Cy", "won_deals": 0, "lost_deals": 2}])},
    }
    got = biggest_changes(this, last, splits)
    # sizes: mqls 0.5, win_rate 0.5 (tie: KEY_MEASURES order puts mqls first), spend 0.1; won revenue unchanged
    assert [(c.measure, c.driver, c.dimension, round(c.share, 4) if c.share is not None else None) for c in got] == [
        ("mqls", "Events", "channel", 0.8), ("win_rate", "Bob", "owner", 1.0), ("spend", None, None, None)]
    assert got[2].sentence == "Spend fell from $100 to $90; no channel, owner or campaign moved with it."


# ---- decisions and actions ----------------------------------------------------------------------------------------------

def test_decisions_refuse_empty_keep_long_and_log(con):
    from onefunnel import decisions

    with pytest.raises(ValueError, match="empty"):
        decisions.add(con, "2026-W38", "action", "   ", "Ann", "2026-W39", who="Dana")
    long = "Call every Paid Social MQL within the hour; " * 200
    item = decisions.add(con, "2026-W38", "action", long, "Ann", "2026-W39", who="Dana")
    assert decisions.items(con, "2026-W38")[0]["text"] == long.strip()
    assert decisions.set_done(con, item, True, who="Ann") and not decisions.set_done(con, item, True, who="Ann")
    log = con.execute("select changed_by, new_value from settings_log where key = ? order by changed_at",
                      [f"review_item:{item}"]).fetchall()
    assert [w for w, _ in log] == ["Dana", "Ann"] and json.loads(log[1][1]) == {"is_done": True}



def _review_page(week: str) -> AppTest:
    """The app opened on the review of `week` (the story loaded, ONEFUNNEL_TODAY set by the caller)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["week"] = week
    at.run()
    at.switch_page("pages/review.py")
    at.run()
    assert not at.exception, at.exception
    return at

def test_page_next_week_opens_with_last_weeks_actions_after_a_restart(app_env, monkeypatch):
    """Decisions survive a restart: recorded through the page, read by a fresh AppTest with fresh caches on the
    same file, one week later."""
    import streamlit as st

    load_story(app_env)
    monkeypatch.setenv("ONEFUNNEL_TODAY", TODAY)
    at = _review_page(WEEK)
    assert any("Paid Social (channel) alone fell by 50.0 pts, more than the whole drop" in shown(m.value) for m in at.markdown)
    # the key measures' trends are Vega-Lite charts, in the meeting's order (Plotly's took the browser ~1 s)
    trends = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert [t["title"]["text"] for t in trends] == ["Won revenue", "Pipeline created", "MQLs", "MQL → SQL", "Win rate",
                                                    "SLA compliance", "Spend"]
    assert all([p["title"]["text"] for p in t["hconcat"]] == ["Last 6 weeks", "Last 12 months"] for t in trends)
    assert not at.get("plotly_chart")
    record = [b for b in at.button if b.label == "Record"][0]
    record.click()      # empty text
    at.run()
    assert any("cannot be recorded" in e.value for e in at.error)
    at.text_input(key="who").set_value("Dana")
    at.text_area(key="item_text").set_value("Ann calls every waiting MQL by Tuesday")
    at.text_input(key="item_owner").set_value("Ann Social")
    [b for b in at.button if b.label == "Record"][0].click()
    at.run()
    assert not at.exception, at.exception

    st.cache_resource.clear()
    st.cache_data.clear()
    monkeypatch.setenv("ONEFUNNEL_TODAY", "2026-09-30")     # the next Monday's review is of W39
    at2 = _review_page("2026-W39")
    boxes = [c for c in at2.checkbox if c.label.startswith("Ann calls every waiting MQL by Tuesday")]
    assert boxes and boxes[0].value is False
    boxes[0].check()
    at2.run()
    from onefunnel.db import connect

    st.cache_resource.clear()
    c = connect(app_env)
    try:
        assert c.execute("select is_done from review_items").fetchall() == [(True,)]
    finally:
        c.close()


def test_trend_chart_has_both_panels_and_the_year_before_dashed():
    """The page's key-measure chart (Vega-Lite, charts_review.trend_chart) draws the series it is given: the 6
    weeks and the 12 months, this year solid and the year before dashed, under the measure's label."""
    import datetime as dt

    from onefunnel.charts_review import trend_chart

    s = {"weeks": [dt.date(2026, 8, 17) + dt.timedelta(days=7 * i) for i in range(6)],   # W34 .. W39
         "months": [dt.date(2025 + (m > 12), (m - 1) % 12 + 1, 1) for m in range(10, 22)],  # Oct 25 .. Sep 26
         "w": [1, 2, 3, 4, 5, 6], "w_ly": [None, 1, 1, 1, 1, 1], "m": [10] * 12, "m_ly": [7] * 12}
    data, spec = trend_chart("won_revenue", s)
    assert spec["title"]["text"] == "Won revenue"
    weeks, months = spec["hconcat"]
    assert weeks["title"]["text"] == "Last 6 weeks" and months["title"]["text"] == "Last 12 months"
    this = data[(data["panel"] == "Last 6 weeks") & (data["year"] == "This year")]
    assert this["x"].tolist() == ["W34", "W35", "W36", "W37", "W38", "W39"]
    assert this["value"].tolist() == [1, 2, 3, 4, 5, 6]
    before = data[(data["panel"] == "Last 6 weeks") & (data["year"] == "Year before")]["value"]
    assert before.isna().tolist() == [True, False, False, False, False, False]   # no value: a gap, not a zero
    year = data[(data["panel"] == "Last 12 months") & (data["year"] == "Year before")]
    assert year["x"].iloc[0] == "Oct 25" and year["x"].iloc[-1] == "Sep 26" and set(year["value"]) == {7}
    dash = weeks["encoding"]["strokeDash"]["scale"]
    assert dict(zip(dash["domain"], dash["range"])) == {"This year": [1, 0], "Year before": [6, 4]}
    # money and counts: labels shortened as the pages write them (tests/browser/test_review_in_browser.py reads
    # them drawn); rates: percentages. The tooltip says each value as the page's numbers do.
    assert "labelExpr" in weeks["encoding"]["y"]["axis"] and "format" not in weeks["encoding"]["y"]["axis"]
    assert trend_chart("win_rate", s)[1]["hconcat"][0]["encoding"]["y"]["axis"]["format"] == ".0%"
    assert this["text"].tolist() == ["$1", "$2", "$3", "$4", "$5", "$6"]
    assert weeks["encoding"]["tooltip"][-1] == {"field": "text", "title": "Won revenue"}
    assert data[(data["panel"] == "Last 6 weeks") & (data["year"] == "Year before")]["text"].iloc[0] == "–"
    assert "domain" not in weeks["encoding"]["y"]["scale"]          # the data decides the scale
    # a rate with no decided deal in the six weeks, this year or the year before: a fixed 0-100% scale
    none = {**s, "w": [None] * 6, "w_ly": [None] * 6}
    weeks, months = trend_chart("win_rate", none)[1]["hconcat"]
    assert weeks["encoding"]["y"]["scale"] == {"zero": True, "domain": [0, 1]} and "domain" not in months["encoding"]["y"]["scale"]


def test_page_lists_the_first_rows_of_long_friction_lists_and_links_the_rest(app_env, monkeypatch):
    """The meeting sees the first review.PAGE_LIST_ROWS rows of each friction list with its total, and a link to
    the Friction page, which has every row (the story has one row in each list: the limit is set to 0 here)."""
    from onefunnel import review

    load_story(app_env)
    monkeypatch.setenv("ONEFUNNEL_TODAY", TODAY)
    monkeypatch.setattr(review, "PAGE_LIST_ROWS", 0)
    at = _review_page(WEEK)
    assert [c.value for c in at.caption if c.value.startswith("Showing the first")] == \
        ["Showing the first 0 of 1 rows, in the order above."] * 3
    assert [e.proto.page for e in at.get("page_link") if "Friction" in e.proto.label] == ["friction"]


def test_export_counts_every_row_of_a_friction_list_it_does_not_keep(exported, monkeypatch):
    """A Review keeps the first rows of each friction list and its total: the export's headings and its 'and N more'
    line count every row (at 1M leads there are 53k stalled deals; the Review keeps 100)."""
    from onefunnel import report, review
    from onefunnel.db import connect

    monkeypatch.setattr(review, "LIST_ROWS", 0)         # keep no row at all: only the totals tell
    con = connect(exported[0])
    r = review.build(con, WEEK, dt.date.fromisoformat(TODAY))
    con.close()
    assert r.friction == {"sla_breaches": [], "rejected_mqls": [], "stalled_deals": []}
    monkeypatch.setattr(report, "LIST_LIMIT", 0)
    html = report.render_html(r, dict.fromkeys(review.KEY_MEASURES, "data:image/png;base64,"))
    for title in ("MQLs waiting past the SLA", "MQLs rejected", "Stalled deals"):
        assert f"<h3>{title}: 1</h3>" in html           # the story's lists: one row each (test_numbers_csv_exact)
    assert html.count("and 1 more records (all of them on the Friction page") == 3
