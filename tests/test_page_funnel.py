"""AppTest of the Funnel page on the leadership story (tests/fixtures/leadership/README.md).

P = 2026-Q3 (Jul 1 - Sep 30), today pinned to 2026-08-15; the comparison is the previous period 2026-Q2.
Record names say what happened; the working of every expected value is next to its assertion.
"""

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.fixtures.leadership.story import TODAY, load_story

Q3 = {"start": dt.date(2026, 7, 1), "end": dt.date(2026, 9, 30), "as_of": dt.date(2026, 8, 15),
      "sla_hours": 24.0, "goal": None}


@pytest.fixture
def story(app_env, monkeypatch):
    monkeypatch.setenv("ONEFUNNEL_TODAY", TODAY)
    load_story(app_env)
    return app_env


def _funnel(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("pages/funnel.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _table(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _stage_table(at):
    return _table(at, "stage").set_index("stage")


def test_period_counting_is_the_volume_metrics(story):
    at = _funnel()
    t = _stage_table(at)
    # Lead: leads created in Q3 = mktg_sourced_won, sales_sourced_won, mql_never_sql, never_mql, open_deal,
    # lost_deal = 6; MQL (mql_at in Q3): mktg_sourced_won, mql_never_sql, open_deal, lost_deal = 4;
    # SQL (sql_at in Q3): mktg_sourced_won, sales_sourced_won, open_deal, lost_deal = 4;
    # Opportunity: P-O1..P-O6 created in Q3 = 6 (unlinked ones count); Won: P-O1, P-O2, P-O5 = 3
    assert t["now"].tolist() == [6, 4, 4, 6, 3]
    # the step rates are the METRICS.md rates by name: lead -> MQL = of the 6 leads created in Q3, 4 became
    # MQL (all but sales_sourced_won, never_mql); MQL -> SQL = of the 4 MQLs of Q3, 3 have an SQL date
    # (mql_never_sql has none); SQL -> opportunity = the 4 SQLs of Q3 all have a deal; win rate = won P-O1,
    # P-O2, P-O5 / (3 + lost P-O4) = 3/4 (the 3 won of 6 created is "won per opportunity created", 50%)
    assert t["step"].tolist()[1:] == ["Lead → MQL", "MQL → SQL", "SQL → Opportunity", "Win rate"]
    assert [round(x, 3) for x in t["pct"].tolist()[1:]] == [0.667, 0.75, 1.0, 0.75]
    assert any("Won per opportunity created (period counting) would be 50%" in c.value for c in at.caption)
    # drop-off: 6-4, 4-4, then 6 opportunities from 4 SQLs (no negative drop-off: "–"), 6-3
    drops = t["drop_off"].tolist()[1:]
    assert drops[:2] == [2, 0] and pd.isna(drops[2]) and drops[3] == 3
    # Q2 (comparison): 8 trailing leads, 4 MQL, 3 SQL, 2 opportunities (T-O1, T-O2), 1 won (T-O1)
    assert t["delta"].tolist() == [6 - 8, 4 - 4, 4 - 3, 6 - 2, 3 - 1]
    assert t["owner"].tolist() == ["Marketing", "Marketing", "Sales", "Sales", "Shared"]


def test_value_and_its_named_step(story):
    at = _funnel()
    at.button_group(key="measure").set_value("value").run()
    t = _stage_table(at)
    # value starts at Opportunity: pipeline created 83000, won revenue 35000 = 42% "won revenue per pipeline"
    assert t.index.tolist() == ["Opportunity", "Won"]
    assert t["now"].tolist() == [83000, 35000]
    assert t["pct"].tolist()[1] == round(35000 / 83000, 3)   # shown to a tenth of a percent
    assert t["step"].tolist()[1] == "Won revenue per pipeline created (period counting)"


def test_cohort_counting(story):
    at = _funnel()
    at.button_group(key="counting").set_value("cohort").run()
    t = _stage_table(at)
    # the 6 leads created in Q3 and how far they got at any time: MQL 4 (all but sales_sourced_won and
    # never_mql); SQL 4 (mktg_sourced_won, sales_sourced_won, open_deal, lost_deal); linked to an
    # opportunity 4 (the same four); linked to a won deal 2 (mktg_sourced_won, sales_sourced_won)
    assert t["now"].tolist() == [6, 4, 4, 4, 2]
    # cohort Lead -> MQL = lead_to_mql_rate = 4/6 = 67%
    assert any("Cohort Lead → MQL = 67%" in c.value for c in at.caption)
    at.button_group(key="measure").set_value("value").run()
    t = _stage_table(at)
    # their opportunities: 20000 + 10000 + 30000 + 8000 = 68000; won: 20000 + 10000 = 30000
    assert t["now"].tolist() == [68000, 30000]


def test_stage_records_without_clicking_the_chart(story):
    at = _funnel()
    assert not [d for d in at.dataframe if "record" in d.value.columns]     # no stage picked yet
    at.button_group(key="stage").set_value("Won").run()
    records = _table(at, "record")
    assert sorted(records["record"]) == ["Acme mktg-sourced won 20000", "Beta sales-sourced won 10000",
                                         "Unlinked partner won 5000"]
    assert any("3 Won records" in md.value and "$35.0k" in md.value for md in at.markdown)
    # narrowed to one channel: opportunities created in Q3 with no lead = the two unlinked deals
    at.button_group(key="stage").set_value("Opportunity").run()
    at.selectbox(key="record_filter").set_value("(unlinked)").run()
    records = _table(at, "record")
    assert sorted(records["record"]) == ["Unlinked open 10000 no probability", "Unlinked partner won 5000"]
    # the download button is there and Excel-safe (ui.download_csv)
    assert at.get("download_button")


def test_stage_records_of_the_cohort(story):
    at = _funnel(counting="Cohort", stage="Won")      # shared URL values are the labels shown
    records = _table(at, "record")
    # cohort Won lists leads (people), with their won deals
    assert sorted(records["record"]) == ["mktg_sourced_won@lead.test", "sales_sourced_won@lead.test"]
    assert sorted(records["detail"]) == ["Acme mktg-sourced won 20000", "Beta sales-sourced won 10000"]


def test_breakdown_by_channel_with_deltas(story):
    at = _funnel()
    b = _table(at, "Source / channel").set_index("Source / channel")
    # Lead: Paid Search (mktg_sourced_won, lost_deal) 2, Paid Social (mql_never_sql, never_mql) 2,
    # Outbound (sales_sourced_won) 1, Webinar (open_deal) 1; Opportunity: Paid Search P-O1, P-O4;
    # P-O5, P-O6 have no lead: (unlinked), as in `metrics --by channel`; Outbound P-O2; Webinar P-O3
    assert b.loc["Paid Search", ["Lead", "MQL", "SQL", "Opportunity", "Won"]].tolist() == [2, 2, 2, 2, 1]
    assert b.loc["Paid Social", ["Lead", "MQL", "SQL", "Opportunity", "Won"]].tolist() == [2, 1, 0, 0, 0]
    assert b.loc["Outbound", ["Lead", "MQL", "SQL", "Opportunity", "Won"]].tolist() == [1, 0, 1, 1, 1]
    assert b.loc["Webinar", ["Lead", "MQL", "SQL", "Opportunity", "Won"]].tolist() == [1, 1, 1, 1, 0]
    assert b.loc["(unlinked)", ["Lead", "MQL", "SQL", "Opportunity", "Won"]].tolist() == [0, 0, 0, 2, 1]
    # Q2: all 8 trailing leads are Paid Search: Lead 8, MQL 4, SQL 3, opportunities 2, won 1
    assert b.loc["Paid Search", ["Lead Δ", "MQL Δ", "SQL Δ", "Opportunity Δ", "Won Δ"]].tolist() == [2 - 8, 2 - 4, 2 - 3, 2 - 2, 1 - 1]
    at.button_group(key="dimension").set_value("owner").run()
    b = _table(at, "Owner").set_index("Owner")
    # lead rows by lead owner, opportunity rows by opportunity owner: Sam Ortiz owns P-O2..P-O6
    assert b.loc["Sam Ortiz", ["Lead", "Opportunity", "Won"]].tolist() == [1, 5, 2]
    assert b.loc["Dana Reyes", ["Lead", "Opportunity", "Won"]].tolist() == [3, 1, 1]


def test_time_between_stages(story):
    at = _funnel()
    t = _table(at, "median_days").set_index("step")
    # Lead -> MQL over MQLs of Q3: 1, 3, 2, 4 days -> median 2.5; p90 at 0.9*3 = 2.7 -> 3 + 0.7 = 3.7
    assert t.loc["Lead → MQL", ["pairs", "median_days"]].tolist() == [4, 2.5]
    assert t.loc["Lead → MQL", "p90_days"] == pytest.approx(3.7)
    # MQL -> SQL over SQLs of Q3 with an MQL date: 2, 4, 6 -> median 4; p90 at 1.8 -> 4 + 0.8*2 = 5.6
    assert t.loc["MQL → SQL", ["pairs", "median_days"]].tolist() == [3, 4]
    assert t.loc["MQL → SQL", "p90_days"] == pytest.approx(5.6)
    # SQL -> Opportunity (first deal created in Q3): 2, 1, 2, 4 -> median 2; p90 at 2.7 -> 2 + 0.7*2 = 3.4
    assert t.loc["SQL → Opportunity", "median_days"] == 2
    assert t.loc["SQL → Opportunity", "p90_days"] == pytest.approx(3.4)
    # Opportunity -> Won over deals won in Q3: 25, 37, 21 -> median 25 (= sales_cycle_days); p90 25 + 0.8*12
    assert t.loc["Opportunity → Won", "median_days"] == 25
    assert t.loc["Opportunity → Won", "p90_days"] == pytest.approx(34.6)
    # drop-off: 6 leads -> 4 MQLs = 2 (lead -> MQL 4/6); Opportunity 6 -> Won 3 = 3 (win rate 3/4, as above)
    assert t.loc["Lead → MQL", "drop_off"] == 2 and round(t.loc["Lead → MQL", "conversion"], 3) == 0.667
    assert t.loc["Opportunity → Won", "drop_off"] == 3 and t.loc["Opportunity → Won", "conversion"] == 0.75
    assert t.loc["Opportunity → Won", "conversion_name"] == "Win rate"


def test_shared_url_opens_the_same_funnel(story):
    # a link copied from another session: last quarter (Q2), cohort counting
    at = _funnel(period="Last quarter", counting="Cohort")
    t = _stage_table(at)
    # Q2 cohort = the 8 trailing leads: 4 MQL, 3 SQL, 2 with an opportunity, 1 with a won deal
    assert t["now"].tolist() == [8, 4, 3, 2, 1]


def test_breakdown_counts_equal_the_records_listed(story):
    """Every breakdown cell counts exactly the records its click lists (the two queries share their rules),
    and period totals equal period_metrics (the Volume metrics)."""
    from types import SimpleNamespace

    from onefunnel import layer
    from onefunnel.db import connect
    from onefunnel.queries import run

    con = connect(story)
    try:
        m = SimpleNamespace(**layer.values(con, ["leads_created", "mqls", "sqls", "opps_created", "won_deals",
                                                 "pipeline_created", "won_revenue"], Q3["start"], Q3["end"]))
        for counting in ("period", "cohort"):
            for dimension in ("none", "channel", "campaign", "owner"):
                b = run(con, "funnel_breakdown", **Q3, counting=counting, dimension=dimension)
                for r in b.itertuples():
                    rec = run(con, "funnel_stage_records", **Q3, counting=counting, stage=r.stage,
                              dimension=dimension, dim_value=r.dim_value)
                    assert len(rec) == r.records, (counting, dimension, r.stage, r.dim_value)
        totals = run(con, "funnel_breakdown", **Q3, counting="period", dimension="none").set_index("stage")
        assert totals["records"].tolist() == [m.leads_created, m.mqls, m.sqls, m.opps_created, m.won_deals]
        assert totals.loc["Opportunity", "amount"] == m.pipeline_created
        assert totals.loc["Won", "amount"] == m.won_revenue
    finally:
        con.close()


def test_funnel_mql_to_sql_is_the_metric_of_the_same_period(story):
    """The Funnel page's MQL -> SQL step is mql_to_sql_rate of the metrics layer, for the period and for a
    custom period (Q2: the trailing leads, 3 of 4 MQLs became SQL)."""
    from onefunnel import layer
    from onefunnel.db import connect

    for query, (start, end) in (({}, (Q3["start"], Q3["end"])),
                                ({"period": "Custom", "start": "2026-04-01", "end": "2026-06-30"},
                                 (dt.date(2026, 4, 1), dt.date(2026, 6, 30)))):
        con = connect(story)
        try:
            expected = layer.values(con, ["mql_to_sql_rate"], start, end)["mql_to_sql_rate"]
        finally:
            con.close()
        t = _stage_table(_funnel(**query))
        assert t.loc["SQL", "step"] == "MQL → SQL" and t.loc["SQL", "pct"] == expected
    assert expected == 0.75


def test_deals_only_data_starts_the_funnel_at_opportunity(app_env, monkeypatch):
    """Opportunities without any lead export: no NaN, no Infinity, no negative drop-off; the funnel starts at
    the first stage with records and says why."""
    from tests.conftest import load_files
    from tests.fixtures.leadership.story import HERE

    monkeypatch.setenv("ONEFUNNEL_TODAY", TODAY)
    load_files(app_env, HERE / "opportunities.csv")
    at = _funnel()
    t = _stage_table(at)
    # Q3 opportunities created: P-O1..P-O6 = 6; won P-O1, P-O2, P-O5 = 3, lost P-O4 -> win rate 3/4
    assert t.index.tolist() == ["Opportunity", "Won"]
    assert t["now"].tolist() == [6, 3] and t.loc["Won", "pct"] == 0.75 and t.loc["Won", "drop_off"] == 3
    assert any("so the funnel starts at Opportunity" in i.value for i in at.info)
    shown = [str(x) for x in t.to_numpy().ravel()]
    assert not any(x in ("inf", "-inf") for x in shown)
