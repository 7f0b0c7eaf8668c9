"""Headline insights are ranked by absolute counts with a minimum (issue 11 item 8)."""
import pandas as pd

from onefunnel import insights


def _reps():
    return pd.DataFrame([
        {"owner": "Dana Reyes", "mqls": 120, "sla_breaches": 31, "lost_deals": 2, "won_deals": 5},
        {"owner": "Sam Ortiz", "mqls": 10, "sla_breaches": 4, "lost_deals": 6, "won_deals": 1},
        {"owner": "Lee Chan", "mqls": 3, "sla_breaches": 2, "lost_deals": 0, "won_deals": 0},
    ])


def _hours():
    # Saturday (6): 1 of 2 breached, the highest share; Monday (1): 20 of 50 over two hours
    return pd.DataFrame([
        {"weekday": 6, "hour": 10, "mqls": 2, "sla_breaches": 1},
        {"weekday": 1, "hour": 9, "mqls": 30, "sla_breaches": 12},
        {"weekday": 1, "hour": 14, "mqls": 20, "sla_breaches": 8},
    ])


def test_a_rep_with_31_breaches_outranks_a_quiet_saturday():
    top = insights.sales_insights(_reps(), _hours(), 24)
    # by hand: Dana 31 breaches > Monday 20 > Sam's 6 lost deals; Sam's 4 breaches is 4th;
    # Lee (2), Saturday (1) and Dana's 2 lost deals are below the minimum of 3
    assert [(i.subject, i.impact) for i in top] == [
        ("Dana Reyes", 31), ("MQLs arriving on Monday", 20), ("Sam Ortiz", 6)]
    assert top[0].detail == "31 of 120 MQLs breached the 24-hour SLA"
    assert top[1].detail == "20 of 50 breached the SLA"
    assert top[2].detail == "6 deals lost, 1 won"


def test_nothing_reaches_the_minimum_gives_no_headline():
    reps = pd.DataFrame([{"owner": "Lee Chan", "mqls": 3, "sla_breaches": 2, "lost_deals": 1, "won_deals": 0}])
    assert insights.sales_insights(reps, _hours().iloc[:1], 24) == []


def test_ties_keep_the_kind_order_then_the_name():
    cands = [insights.Insight("b", "Zed", "", 5), insights.Insight("a", "Bea", "", 5),
             insights.Insight("b", "Al", "", 5)]
    assert [c.subject for c in insights.rank(cands)] == ["Al", "Zed", "Bea"]


def test_sales_page_leads_with_counts_and_shows_no_change_in_grey(app_env, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT, load_files

    here = ROOT / "tests" / "fixtures" / "headline"
    load_files(app_env, here / "leads.csv", here / "activities.csv")
    monkeypatch.setenv("ONEFUNNEL_TODAY", "2026-04-05")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in {"period": "Custom", "start": "2026-03-01", "end": "2026-03-31"}.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("pages/sales.py")
    at.run()
    assert not at.exception, at.exception
    headline = [m.value for m in at.markdown if "Where follow-up and deals slip most" in m.value]
    assert headline
    assert "**Ann Bell**: 5 of 5 MQLs breached the 24-hour SLA" in headline[0]
    assert "Saturday" not in headline[0] and "Cy Dale" not in headline[0]
    cards = {m.label: m for m in at.metric}
    # no won deal in March nor in February: no change, not a green "+$0"
    assert cards["Won revenue"].delta == "no change"
    assert cards["MQLs"].delta == "+7"
