"""AppTest of the Joint goal page on the leadership story (tests/fixtures/leadership/README.md).

P = 2026-Q3 (Jul 1 - Sep 30, 92 days), today pinned to 2026-08-15 so as_of = Aug 15: 31 + 15 = 46 days
elapsed, elapsed_share = 46 / 92 = 0.5. The working of every expected value is next to its assertion.
"""

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.fixtures.leadership.story import TODAY, load_story


@pytest.fixture
def story(app_env, monkeypatch):
    monkeypatch.setenv("ONEFUNNEL_TODAY", TODAY)
    load_story(app_env)
    return app_env


def _goal_page(compare: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if compare:
        at.query_params["compare"] = compare
    at.run()
    at.switch_page("pages/goal.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _table(at, column: str, nth: int = 0):
    """A read-only table found by one of its columns (st.dataframe without selection has no key in AppTest)."""
    return [d.value for d in at.dataframe if column in d.value.columns][nth]


def _arr(v) -> list:
    """A Plotly array from a figure spec (plotly 7 writes numeric arrays as base64 typed arrays)."""
    if isinstance(v, dict) and "bdata" in v:
        import base64

        import numpy as np
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


def _metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_goal_attainment_pace_forecast_and_sourcing(story):
    at = _goal_page()
    m = _metrics(at)
    # goal = Jul 31000 + Aug 31000 + Sep 30000 (all whole months in P) = 92000
    assert m["Revenue goal"] == "$92.0k"
    # won in P: P-O1 20000 (07-31) + P-O2 10000 (08-10) + P-O5 5000 (08-05) = 35000
    assert m["Won revenue"] == "$35.0k"
    # 35000 / 92000 = 0.3804 -> 38%
    assert m["Attainment"] == "38%"
    # expected to date = 92000 x 0.5 = 46000; pace gap = 35000 - 46000 = -11000
    assert m["Expected to date"] == "$46.0k"
    assert m["Pace gap"] == "-$11.0k"
    # open deals closing in P: P-O3 30000 + P-O6 10000 = 40000
    assert m["Open pipeline"] == "$40.0k"
    # weighted: P-O3 30000 x 50% = 15000; P-O6 has no probability -> trailing win rate:
    # T = 2026-01-02..06-30 has 1 won (T-O1) and 1 lost (T-O2) -> 50% -> 5000; total 20000
    assert m["Weighted pipeline"] == "$20.0k"
    # forecast = 35000 + 20000 = 55000
    assert m["Forecast"] == "$55.0k"
    # marketing-sourced revenue: only P-O1 (its lead was MQL 07-02, deal created 07-06) = 20000;
    # sales-sourced = 35000 - 20000 = 15000 (P-O2: lead never MQL; P-O5 unlinked)
    assert m["Marketing-sourced revenue"] == "$20.0k"
    assert m["Sales-sourced revenue"] == "$15.0k"
    # influenced: P-O1 (origin touch Paid Search 07-01 <= 07-31) + P-O2 (Events touch 07-20 <= 08-10;
    # Outbound is a non-marketing source so no origin touch) = 30000; P-O5 unlinked
    assert m["Marketing-influenced revenue"] == "$30.0k"
    # pipeline created in P: 20000+10000+30000+8000+5000+10000 = 83000; marketing-sourced: P-O1 20000,
    # P-O3 30000 (MQL 07-04 <= 07-10), P-O4 8000 (MQL 07-07 <= 07-17) = 58000; sales-sourced 25000
    assert m["Pipeline created"] == "$83.0k"
    assert m["Marketing-sourced pipeline"] == "$58.0k"
    assert m["Sales-sourced pipeline"] == "$25.0k"
    # the headline
    assert any("Behind pace by $11.0k" in md.value and "50% of the period gone" in md.value for md in at.markdown)
    # every metric card carries its definition
    assert all(card.help for card in at.metric)


def test_reverse_funnel_sentence_and_table(story):
    at = _goal_page()
    # remaining = 92000 - 35000 = 57000. Trailing T: average deal 10000/1 -> 5.7 -> 6 won deals;
    # win rate 1/2 -> 11.4 -> 12 opportunities; SQL->opp: SQLs in T = 3 (trailing_won, _lost,
    # _sql_no_opp), 2 with an opportunity -> 17.1 -> 18 SQLs; MQL->SQL: 4 MQLs, 3 SQL -> 22.8 -> 23 MQLs;
    # lead->MQL: 8 leads, 4 MQL -> 45.6 -> 46 leads
    sentence = ("To close the remaining $57.0k you need about 6 more won deals, from 12 opportunities, "
                "18 SQLs, 23 MQLs, 46 leads, at the last 180 days' rates.")
    assert any(sentence in md.value for md in at.markdown), [md.value for md in at.markdown]
    table = _table(at, "Needed (more)")
    assert table["Needed (more)"].tolist() == [6, 12, 18, 23, 46]
    # produced so far in P: won 3, opportunities 6, SQLs 4, MQLs 4, leads 6
    assert table["Produced so far"].tolist() == [3, 6, 4, 4, 6]
    # half the period is left: at this pace as many again
    assert table["More at this pace by period end"].tolist() == [3, 6, 4, 4, 6]
    assert table["Covered at this pace"].tolist() == ["no"] * 5
    assert table["Rate used (last 180 days)"].tolist() == ["$10.0k per deal", "50%", "67%", "75%", "50%"]


def test_reverse_funnel_counts_the_meetings_it_takes(story, tmp_path):
    from tests.conftest import load_files

    acts = tmp_path / "activities.csv"
    acts.write_text("email,at,type,owner\n"
                    "trailing_won@lead.test,2026-04-10 10:00,Meeting,Dana Reyes\n"
                    "trailing_won@lead.test,2026-04-20 10:00,MEETING,Dana Reyes\n"
                    "trailing_won@lead.test,2026-04-21 10:00,call,Dana Reyes\n"
                    "trailing_won@lead.test,2026-05-03 10:00,meeting,Dana Reyes\n")
    load_files(story, acts)
    at = _goal_page()
    # trailing window: one linked won deal (T-O1, closed 05-01) with 2 meetings on or before its close (the
    # 05-03 meeting is after it, the call is no meeting) -> 2 per won deal; won deals needed unrounded 5.7
    # (as above) x 2 = 11.4 -> 12 meetings
    sentence = ("you need about 6 more won deals, from 12 opportunities, 18 SQLs, 23 MQLs, 46 leads, and about "
                "12 meetings, at the last 180 days' rates.")
    assert any(sentence in md.value for md in at.markdown), [md.value for md in at.markdown]


def test_wins_of_the_period_by_sourcing_team(story):
    at = _goal_page()
    mk, sa = _table(at, "is_influenced", 0), _table(at, "is_influenced", 1)   # marketing first by default
    assert mk["deal"].tolist() == ["Acme mktg-sourced won 20000"]
    assert mk["channel"].tolist() == ["Paid Search"] and mk["owner"].tolist() == ["Dana Reyes"]
    # largest first; the unlinked deal takes its own source as channel
    assert sa["deal"].tolist() == ["Beta sales-sourced won 10000", "Unlinked partner won 5000"]
    assert sa["channel"].tolist() == ["Outbound", "Partner"]
    assert sa["amount"].tolist() == [10000, 5000]
    assert sa["is_influenced"].tolist() == [True, False]
    assert any("Marketing-sourced] · 1 deal · $20.0k" in md.value for md in at.markdown)
    assert any("Sales-sourced] · 2 deals · $15.0k" in md.value for md in at.markdown)


def test_pacing_chart_series(story):
    at = _goal_page()
    import json

    charts = at.get("plotly_chart")
    spec = json.loads(next(c for c in charts if "pacing_chart" in c.proto.id).proto.spec)
    goal = {"y": _arr(next(t for t in spec["data"] if t["name"] == "Goal (cumulative)")["y"])}
    won = {"y": _arr(next(t for t in spec["data"] if t["name"] == "Won revenue (cumulative)")["y"])}
    # the goal line ends at the goal of P: 92000 over 92 days; by Jul 31 it is July's 31000
    assert len(goal["y"]) == 92
    assert goal["y"][-1] == pytest.approx(92000)
    assert goal["y"][30] == pytest.approx(31000)
    # won revenue drawn to the as-of day (Aug 15 = 46 days): 20000 on 07-31, 25000 on 08-05, 35000 on 08-10
    assert len(won["y"]) == 46
    assert won["y"][30] == 20000 and won["y"][35] == 25000 and won["y"][-1] == 35000
    forecast = next(t for t in spec["data"] if t["name"] == "Forecast")
    assert _arr(forecast["y"]) == [35000, 55000]


def test_comparison_deltas(story):
    at = _goal_page()   # default comparison: previous period = 2026-Q2 (Apr 1 - Jun 30)
    cards = {m.label: m for m in at.metric}
    # Q2 won: T-O1 10000 (05-01) -> +25000; Q2 has no goal -> +92000
    assert cards["Won revenue"].delta == "+$25.0k"
    assert cards["Revenue goal"].delta == "+$92.0k"


def test_edit_a_monthly_goal_changes_attainment_and_is_logged(story):
    at = _goal_page()
    editor = next(d for d in at.data_editor if d.key == "goal_editor_0")
    months = editor.value["month_key"].tolist()
    assert months[0] == "2026-01" and months[-1] == "2026-12" and len(months) == 12   # fiscal year 2026
    at.text_input(key="who").set_value("Ada Lovelace")
    at.session_state["goal_editor_0"] = {"edited_rows": {months.index("2026-09"): {"goal": 60000}},
                                         "added_rows": [], "deleted_rows": []}
    at.button(key="save_goals").click().run()
    assert not at.exception, at.exception
    m = _metrics(at)
    # goal = 31000 + 31000 + 60000 = 122000; attainment 35000 / 122000 = 0.287 -> 29%;
    # pace gap = 35000 - 61000 = -26000
    assert m["Revenue goal"] == "$122k"
    assert m["Attainment"] == "29%"
    assert m["Pace gap"] == "-$26.0k"
    assert any("Saved 2026-09: $60.0k" in s.value for s in at.success)
    log = _table(at, "new_goal")
    row = log.iloc[0]
    assert (row["changed_by"], row["month"], row["old_goal"], row["new_goal"]) == ("Ada Lovelace", "2026-09", 30000, 60000)


def test_no_goal_says_what_to_do(story):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["period"] = "Last quarter"     # 2026-Q2: no monthly goal set
    at.run()
    at.switch_page("pages/goal.py")
    at.run()
    assert not at.exception
    assert any("No revenue goal is set" in w.value for w in at.warning)
    assert _metrics(at)["Revenue goal"] == "$0"


def test_empty_workspace_offers_upload_and_demo(app_env):
    at = _goal_page()
    assert any("no data yet" in i.value for i in at.info)
    assert at.button(key="load_demo_empty")


def test_header_says_what_the_data_runs_to(story):
    at = _goal_page()
    # newest record of the story: P-O2 won on 08-10 (open deals' expected close dates do not count; every
    # lead date and the one touch are in July); today is 08-15 -> 5 days old
    assert any("data to Aug 10, 2026, 5 days old" in c.value for c in at.caption), [c.value for c in at.caption]
    assert any("The newest record is from Aug 10, 2026: the 5 days after it up to Aug 15, 2026 have no data yet"
               in w.value for w in at.warning)


def test_header_says_when_the_data_runs_past_today(story, monkeypatch):
    # the same newest record (Aug 10) seen on Aug 7: three days after today, not "-3 days old", and no
    # warning about days without data
    monkeypatch.setenv("ONEFUNNEL_TODAY", "2026-08-07")
    at = _goal_page()
    assert any("data to Aug 10, 2026, 3 days after today" in c.value for c in at.caption), \
        [c.value for c in at.caption]
    assert not any("days old" in c.value for c in at.caption)
    assert not any("The newest record is from" in w.value for w in at.warning)


def test_headline_reconciles_the_pace_with_the_forecast(story):
    at = _goal_page()
    # behind pace by 11000 (35000 won, 46000 expected); forecast 55000 = 35000 won + 15000 (P-O3 30000 x 50%)
    # + 5000 (P-O6 10000 x the trailing win rate 50%) -> 55000 / 92000 = 60% of the goal: both say short
    assert any("The forecast, $55.0k (60% of the goal), agrees with the pace" in c.value for c in at.caption), \
        [c.value for c in at.caption]
